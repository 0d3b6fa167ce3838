/**
 * `POST /api/ai/chat/completions` (the envelope API) and model resolution shared with `/v1`:
 * by model, by `provider/model`, by `providerCode` + model; unknown, inactive and ambiguous
 * models; a client key's allowed models; body validation.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { catalogueChanged } from "../../lib/catalogue/catalogue-version";
import { reply } from "../support/fake-upstream";
import { chatBody, sseData, startGatewayFixture, type GatewayFixture } from "./gateway-fixtures";

const OPENAI_KEY = "sk-openai-upstream-key-0000001";
const DEEPSEEK_KEY = "sk-deepseek-upstream-key-0003";
const PATH = "/api/ai/chat/completions";

describe("the envelope chat API", () => {
  let g: GatewayFixture;
  beforeEach(async () => {
    g = await startGatewayFixture();
    await g.addKey("openai", OPENAI_KEY);
    await g.addKey("deepseek", DEEPSEEK_KEY);
  });
  afterEach(async () => {
    await g?.close();
  });

  it("answers {code: 200, data: {id, content, model, usage, finishReason, provider}} and maps camelCase options", async () => {
    const response = await g.chat(
      { providerCode: "deepseek", model: "deepseek-chat", messages: [{ role: "user", content: "Hi" }], maxTokens: 64, topP: 0.5, stop: ["END"], temperature: 0.3, seed: 7 },
      { path: PATH },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      code: 200,
      data: {
        id: expect.any(String),
        content: "Echo: Hi",
        model: "deepseek-chat",
        usage: { promptTokens: 12, completionTokens: 7, totalTokens: 19 },
        finishReason: "stop",
        provider: "deepseek",
      },
    });
    const [sent] = g.upstream.requestsFor(DEEPSEEK_KEY);
    expect(sent.body).toMatchObject({ model: "deepseek-chat", max_tokens: 64, top_p: 0.5, stop: ["END"], temperature: 0.3 });
    expect(sent.body).not.toHaveProperty("providerCode");
    expect(sent.body).not.toHaveProperty("maxTokens");
  });

  it("returns tool calls as {id, name, arguments}", async () => {
    g.upstream.script(OPENAI_KEY, reply.toolCall("lookup", { q: "modelgate" }));
    const tools = [{ type: "function", function: { name: "lookup", parameters: { type: "object" } } }];
    const response = await g.chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "find it" }], tools, toolChoice: "auto" }, { path: PATH });
    const { data } = (await response.json()) as { data: { toolCalls: unknown[]; finishReason: string; content: string } };
    expect(data.finishReason).toBe("tool_calls");
    expect(data.toolCalls).toEqual([{ id: expect.any(String), name: "lookup", arguments: JSON.stringify({ q: "modelgate" }) }]);
    expect(g.upstream.requestsFor(OPENAI_KEY)[0].body.tool_choice).toBe("auto");
  });

  it("streams camelCase delta events, then a usage event and [DONE]", async () => {
    g.upstream.script(OPENAI_KEY, reply.ok({ content: "red green blue" }));
    const response = await g.chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "colors" }], stream: true }, { path: PATH });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    // Present and a non-negative number of ms with two decimals (Number(null) would be 0).
    expect(response.headers.get("x-gateway-overhead-ms")).toMatch(/^\d+\.\d{2}$/);
    const events = sseData(await response.text());
    const deltas = events.filter((event): event is Record<string, any> => event !== "[DONE]" && "delta" in event);
    expect(deltas.map((event) => event.delta.content ?? "").join("")).toBe("red green blue");
    expect(deltas[0]).toMatchObject({ provider: "openai", model: "gpt-4o-mini", finishReason: null });
    expect(deltas.at(-1)!.finishReason).toBe("stop");
    expect(events.at(-2)).toMatchObject({ usage: { promptTokens: 12, completionTokens: 7, totalTokens: 19 } });
    expect(events.at(-1)).toBe("[DONE]");
  });

  it("validates the body: messages present and non-empty, roles known, tool messages complete", async () => {
    const cases: Array<[unknown, string]> = [
      [{ model: "gpt-4o-mini" }, "messages"],
      [{ model: "gpt-4o-mini", messages: [] }, "messages"],
      [{ model: "gpt-4o-mini", messages: [{ role: "wizard", content: "x" }] }, "messages.0.role"],
      [{ model: "gpt-4o-mini", messages: [{ role: "user" }] }, "messages.0.content"],
      [{ model: "gpt-4o-mini", messages: [{ role: "tool", content: "42" }] }, "messages.0.tool_call_id"],
      [{ model: "", messages: [{ role: "user", content: "x" }] }, "model"],
      [{ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }], temperature: 3 }, "temperature"],
    ];
    for (const [body, field] of cases) {
      const response = await g.chat(body, { path: PATH });
      expect(response.status).toBe(400);
      const envelope = (await response.json()) as { code: number; errors: Array<{ field: string }> };
      expect(envelope.code).toBe(400);
      expect(envelope.errors.map((error) => error.field)).toContain(field);
    }
    const malformed = await g.chat("{not json", { path: PATH });
    expect(malformed.status).toBe(400);
    expect(g.upstream.requests).toHaveLength(0);
    // The log row says what the client was told, not a 500's "internal_error".
    expect((await g.logRows()).at(-1)).toMatchObject({ status: "error", http_status: 400, error_code: "bad_request" });
  });
});

describe("model resolution", () => {
  let g: GatewayFixture;
  beforeEach(async () => {
    g = await startGatewayFixture();
    await g.addKey("openai", OPENAI_KEY);
  });
  afterEach(async () => {
    await g?.close();
  });

  const errorOf = async (response: Response) => ({ status: response.status, ...((await response.json()) as { error: { message: string; code: string } }).error });

  it("unknown and inactive models and providers are 404s that name them", async () => {
    const { db } = g.database.handle;
    expect(await errorOf(await g.chat(chatBody("gpt-99")))).toMatchObject({ status: 404, code: "model_not_found", message: "Model 'gpt-99' does not exist in the catalogue" });
    expect(await errorOf(await g.chat({ ...chatBody("gpt-4o"), providerCode: "nope" }, { path: PATH }).then((response) => adaptEnvelope(response)))).toMatchObject({
      status: 404,
      message: "Provider 'nope' does not exist",
    });
    await db.updateTable("t_ai_models").set({ is_active: 0 }).where("model_code", "=", "gpt-4.1").execute();
    await db.updateTable("t_ai_providers").set({ is_active: 0 }).where("code", "=", "deepseek").execute();
    await catalogueChanged(g.deps);
    expect(await errorOf(await g.chat(chatBody("gpt-4.1")))).toMatchObject({ status: 404, code: "model_inactive", message: "Model 'gpt-4.1' is not active" });
    expect(await errorOf(await g.chat(chatBody("deepseek/deepseek-chat")))).toMatchObject({ status: 404, message: "Provider 'deepseek' is not active" });
    expect(await errorOf(await g.chat(chatBody("deepseek-chat")))).toMatchObject({ status: 404, message: "Model 'deepseek-chat' is not active" });
  });

  it("a model code offered by two providers must be qualified; /v1/models lists both qualified", async () => {
    const { db } = g.database.handle;
    const now = g.clock.now();
    const azure = await db
      .insertInto("t_ai_providers")
      .values({ code: "azure", name: "Azure OpenAI", base_url: g.upstream.baseUrlFor("openai"), api_format: "openai", is_active: 1, timeout_ms: 10_000, created_at: now, updated_at: now })
      .executeTakeFirstOrThrow();
    await db
      .insertInto("t_ai_models")
      .values({
        provider_id: Number(azure.insertId),
        model_code: "gpt-4o-mini",
        display_name: "GPT-4o mini (Azure)",
        context_window: 128_000,
        max_output_tokens: 16_384,
        input_price_per_m: 0.15,
        output_price_per_m: 0.6,
        supports_streaming: 1,
        supports_tools: 1,
        supports_vision: 1,
        is_active: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const azureKey = "sk-azure-upstream-key-000000004";
    await g.addKey("azure", azureKey);
    expect(await errorOf(await g.chat(chatBody("gpt-4o-mini")))).toMatchObject({
      status: 400,
      code: "model_ambiguous",
      message: "Model 'gpt-4o-mini' is offered by several providers; use one of: openai/gpt-4o-mini, azure/gpt-4o-mini",
    });
    expect((await g.chat(chatBody("azure/gpt-4o-mini"))).status).toBe(200);
    expect((await g.chat({ ...chatBody("gpt-4o-mini"), providerCode: "openai" }, { path: PATH })).status).toBe(200);
    expect(g.upstream.requests.map((request) => request.apiKey)).toEqual([azureKey, OPENAI_KEY]);

    const models = (await (await g.request("GET", "/v1/models", undefined, await g.adminToken())).json()) as { data: Array<{ id: string; owned_by: string }> };
    expect(models.data.filter((model) => model.id.endsWith("gpt-4o-mini"))).toEqual([
      { id: "azure/gpt-4o-mini", object: "model", created: Math.floor(now / 1000), owned_by: "azure" },
      { id: "openai/gpt-4o-mini", object: "model", created: expect.any(Number), owned_by: "openai" },
    ]);
  });

  it("a client key only reaches (and only lists) its allowed models", async () => {
    const client = await g.addClient({ allowedModels: ["gpt-4o-mini", "anthropic/claude-haiku-4-5"] });
    expect((await g.chat(chatBody("gpt-4o-mini"), { token: client })).status).toBe(200);
    const denied = await errorOf(await g.chat(chatBody("gpt-4.1"), { token: client }));
    expect(denied).toMatchObject({ status: 403, message: "This client key may not use model 'openai/gpt-4.1'" });
    const models = (await (await g.request("GET", "/v1/models", undefined, client)).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((model) => model.id)).toEqual(["claude-haiku-4-5", "gpt-4o-mini"]);
  });
});

/** The envelope error as the OpenAI-shaped `{error}` so one helper reads both. */
async function adaptEnvelope(response: Response): Promise<Response> {
  const envelope = (await response.json()) as { code: number; message: string };
  return new Response(JSON.stringify({ error: { message: envelope.message, code: String(envelope.code) } }), { status: response.status });
}
