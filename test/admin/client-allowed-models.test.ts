/**
 * A client key's allowed models name catalogue models (provider + code) unambiguously: a bare
 * code is resolved once, when the admin saves it, and a key allowed one provider's model never
 * reaches another provider's model of the same code.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chatBody, startGatewayFixture, type GatewayFixture } from "../gateway/gateway-fixtures";

const OPENAI_KEY = "sk-allowed-models-openai-0001";
const DEEPSEEK_KEY = "sk-allowed-models-deepseek-01";

interface ClientData {
  id: number;
  apiKey: string;
  allowedModels: string[] | null;
}

describe("client keys' allowed models", () => {
  let g: GatewayFixture;
  beforeEach(async () => {
    g = await startGatewayFixture();
    await g.addKey("openai", OPENAI_KEY);
    await g.addKey("deepseek", DEEPSEEK_KEY);
  });
  afterEach(async () => {
    await g?.close();
  });

  const admin = async (method: string, path: string, body?: unknown) => g.request(method, path, body, await g.adminToken());
  const createClient = async (allowedModels: string[] | null) => admin("POST", "/api/admin/clients", { name: "app", allowedModels });
  /** The same code at a second provider, as an admin would add it. */
  const addDeepseekGpt4oMini = async () => {
    const response = await admin("POST", "/api/admin/ai-models", {
      providerId: 3,
      modelCode: "gpt-4o-mini",
      displayName: "GPT-4o mini via DeepSeek",
      contextWindow: 128000,
      maxOutputTokens: 8192,
      inputPricePerM: 0.1,
      outputPricePerM: 0.2,
    });
    expect(response.status).toBe(200);
  };
  const errorMessage = async (response: Response) => ((await response.json()) as { error: { message: string } }).error.message;

  it("stores a bare code as the one catalogue model it names", async () => {
    const created = await createClient(["gpt-4o-mini", "anthropic/claude-haiku-4-5"]);
    expect(created.status).toBe(200);
    const client = ((await created.json()) as { data: ClientData }).data;
    expect(client.allowedModels).toEqual(["openai/gpt-4o-mini", "anthropic/claude-haiku-4-5"]);
    const row = await g.database.handle.db.selectFrom("t_client_keys").select("allowed_models").where("id", "=", client.id).executeTakeFirstOrThrow();
    expect(JSON.parse(row.allowed_models!)).toEqual(["openai/gpt-4o-mini", "anthropic/claude-haiku-4-5"]);
  });

  it("a key allowed openai's gpt-4o-mini cannot use deepseek/gpt-4o-mini", async () => {
    const client = ((await (await createClient(["gpt-4o-mini"])).json()) as { data: ClientData }).data;
    await addDeepseekGpt4oMini();
    expect((await g.chat(chatBody("openai/gpt-4o-mini"), { token: client.apiKey })).status).toBe(200);
    const denied = await g.chat(chatBody("deepseek/gpt-4o-mini"), { token: client.apiKey });
    expect(denied.status).toBe(403);
    expect(await errorMessage(denied)).toBe("This client key may not use model 'deepseek/gpt-4o-mini'");
    expect(g.upstream.requestsFor(DEEPSEEK_KEY)).toHaveLength(0);
    const models = (await (await g.request("GET", "/v1/models", undefined, client.apiKey)).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((model) => model.id)).toEqual(["openai/gpt-4o-mini"]);
  });

  it("an entry is one provider's model even where another provider's model code spells the same", async () => {
    const client = ((await (await createClient(["gpt-4o-mini"])).json()) as { data: ClientData }).data;
    // Aggregators name their models `vendor/model`: this code reads like the allowed entry.
    const response = await admin("POST", "/api/admin/ai-models", {
      providerId: 3,
      modelCode: "openai/gpt-4o-mini",
      displayName: "GPT-4o mini, resold",
      contextWindow: 128000,
      maxOutputTokens: 8192,
      inputPricePerM: 0.1,
      outputPricePerM: 0.2,
    });
    expect(response.status).toBe(200);
    const denied = await g.chat(chatBody("deepseek/openai/gpt-4o-mini"), { token: client.apiKey });
    expect(denied.status).toBe(403);
    expect(await errorMessage(denied)).toBe("This client key may not use model 'deepseek/openai/gpt-4o-mini'");
    // A request naming the whole code reaches the resold model, which this key may not use either.
    const wholeCode = await g.chat(chatBody("openai/gpt-4o-mini"), { token: client.apiKey });
    expect(await errorMessage(wholeCode)).toBe("This client key may not use model 'deepseek/openai/gpt-4o-mini'");
    expect((await g.chat(chatBody("gpt-4o-mini"), { token: client.apiKey })).status).toBe(200);
    expect(g.upstream.requestsFor(DEEPSEEK_KEY)).toHaveLength(0);
  });

  it("refuses unknown and ambiguous entries with a 400 naming them, on create and update", async () => {
    const unknown = await createClient(["gpt-4o-mini", "gpt-9"]);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      code: 400,
      message: "Invalid allowedModels: 'gpt-9' is not a model or model alias in the catalogue",
      errors: [{ field: "allowedModels.1", message: "'gpt-9' is not a model or model alias in the catalogue" }],
    });
    await addDeepseekGpt4oMini();
    const ambiguous = await createClient(["gpt-4o-mini"]);
    expect(ambiguous.status).toBe(400);
    expect(((await ambiguous.json()) as { errors: unknown }).errors).toEqual([
      { field: "allowedModels.0", message: "'gpt-4o-mini' is offered by several providers; use one of: openai/gpt-4o-mini, deepseek/gpt-4o-mini" },
    ]);
    const explicit = await createClient(["deepseek/gpt-4o-mini"]);
    expect(explicit.status).toBe(200);
    const client = ((await explicit.json()) as { data: ClientData }).data;
    expect(client.allowedModels).toEqual(["deepseek/gpt-4o-mini"]);
    const update = await admin("PUT", `/api/admin/clients/${client.id}`, { allowedModels: ["gpt-4o-mini"] });
    expect(update.status).toBe(400);
    expect(((await (await admin("GET", `/api/admin/clients/${client.id}`)).json()) as { data: ClientData }).data.allowedModels).toEqual(["deepseek/gpt-4o-mini"]);
    const unknownProvider = await admin("PUT", `/api/admin/clients/${client.id}`, { allowedModels: ["nope/gpt-4o-mini"] });
    expect(((await unknownProvider.json()) as { errors: unknown }).errors).toEqual([{ field: "allowedModels.0", message: "'nope/gpt-4o-mini' is not a model or model alias in the catalogue" }]);
  });

  it("a stored bare code (written by an older version) is pinned on first use to the one model it named", async () => {
    const legacy = await g.addClient({ name: "legacy", allowedModels: ["gpt-4o-mini"] });
    expect((await g.chat(chatBody("gpt-4o-mini"), { token: legacy })).status).toBe(200);
    const row = await g.database.handle.db.selectFrom("t_client_keys").select("allowed_models").where("name", "=", "legacy").executeTakeFirstOrThrow();
    expect(row.allowed_models).toBe(JSON.stringify(["openai/gpt-4o-mini"]));
    await addDeepseekGpt4oMini();
    g.clock.advance(60_000);
    expect((await g.chat(chatBody("deepseek/gpt-4o-mini"), { token: legacy })).status).toBe(403);
    expect((await g.chat(chatBody("openai/gpt-4o-mini"), { token: legacy })).status).toBe(200);
    // A bare code that is ambiguous when first seen names no model at all: never more than before.
    const ambiguous = await g.addClient({ allowedModels: ["gpt-4o-mini"] });
    expect((await g.chat(chatBody("deepseek/gpt-4o-mini"), { token: ambiguous })).status).toBe(403);
    expect((await g.chat(chatBody("openai/gpt-4o-mini"), { token: ambiguous })).status).toBe(403);
  });
});
