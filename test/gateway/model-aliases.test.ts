/**
 * Model aliases end to end: the official SDKs against a running gateway, the gateway against the
 * fake upstream over real HTTP, on SQLite and MariaDB. An alias over OpenAI -> Claude -> DeepSeek
 * whose OpenAI keys are all rate-limited answers from Claude through every door, streamed or
 * not, and the log row says which model answered and which were tried. Also: the order among
 * weighted members, failover only before the first content, client errors that do not fall
 * through, and a client key allowed the alias but not its models.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { reply } from "../support/fake-upstream";
import { testDatabaseAvailable, type TestDatabaseKind } from "../support/test-databases";
import { chatBody, sseData, startGatewayFixture, type GatewayFixture } from "./gateway-fixtures";

const OPENAI_KEYS = ["sk-openai-alias-00000000001", "sk-openai-alias-00000000002"];
const CLAUDE_KEY = "sk-ant-alias-000000000000003";
const DEEPSEEK_KEY = "sk-deepseek-alias-0000000004";
const SMART = { alias: "smart", description: "Best available", members: [{ model: "openai/gpt-5-mini" }, { model: "anthropic/claude-haiku-4-5" }, { model: "deepseek/deepseek-chat" }] };

type Door = "chat" | "messages" | "responses";

/** Calls the alias through one door with that door's official SDK and returns the answer's text. */
async function askThroughDoor(door: Door, stream: boolean, baseURL: string, apiKey: string): Promise<string> {
  if (door === "messages") {
    const client = new Anthropic({ apiKey, baseURL: baseURL.replace(/\/v1$/, ""), maxRetries: 0 });
    const params = { model: "smart", max_tokens: 200, messages: [{ role: "user" as const, content: "Which model are you?" }] };
    if (!stream) {
      const message = await client.messages.create(params);
      expect(message.model).toBe("claude-haiku-4-5");
      return message.content.map((block) => (block.type === "text" ? block.text : "")).join("");
    }
    const final = await client.messages.stream(params).finalMessage();
    return final.content.map((block) => (block.type === "text" ? block.text : "")).join("");
  }
  const client = new OpenAI({ apiKey, baseURL, maxRetries: 0 });
  if (door === "chat") {
    if (!stream) return (await client.chat.completions.create({ model: "smart", messages: [{ role: "user", content: "Which model are you?" }] })).choices[0].message.content ?? "";
    let text = "";
    for await (const chunk of await client.chat.completions.create({ model: "smart", messages: [{ role: "user", content: "Which model are you?" }], stream: true })) {
      text += chunk.choices[0]?.delta?.content ?? "";
    }
    return text;
  }
  if (!stream) return (await client.responses.create({ model: "smart", input: "Which model are you?" })).output_text;
  let text = "";
  for await (const event of await client.responses.create({ model: "smart", input: "Which model are you?", stream: true })) {
    if (event.type === "response.output_text.delta") text += event.delta;
  }
  return text;
}

for (const kind of ["sqlite", "mariadb"] as TestDatabaseKind[]) {
  const available = await testDatabaseAvailable(kind, "model aliases");
  describe.skipIf(!available)(`model aliases [${kind}]`, () => {
    let g: GatewayFixture;
    let aliasId: number;
    beforeEach(async () => {
      g = await startGatewayFixture({ database: kind });
      for (const key of OPENAI_KEYS) await g.addKey("openai", key);
      await g.addKey("anthropic", CLAUDE_KEY);
      await g.addKey("deepseek", DEEPSEEK_KEY);
      const created = await g.request("POST", "/api/admin/ai-aliases", SMART, await g.adminToken());
      expect(created.status).toBe(200);
      aliasId = ((await created.json()) as { data: { id: number } }).data.id;
    });
    afterEach(async () => {
      await g?.close();
    });

    const doors: Array<[Door, boolean]> = [
      ["chat", false],
      ["chat", true],
      ["messages", false],
      ["messages", true],
      ["responses", false],
      ["responses", true],
    ];
    it.each(doors)("OpenAI keys all rate-limited: Claude answers through /v1/%s (stream: %s), the log row shows both models", async (door, stream) => {
      for (const key of OPENAI_KEYS) g.upstream.script(key, reply.rateLimited({ retryAfterSeconds: 30 }));
      g.upstream.script(CLAUDE_KEY, reply.ok({ content: "Claude here", usage: { promptTokens: 30, completionTokens: 5 } }));
      // The client may use the alias, not its models directly.
      const clientKey = await g.addClient({ name: "alias-app", allowedModels: ["smart"] });

      expect(await askThroughDoor(door, stream, await g.listen(), clientKey)).toBe("Claude here");

      expect(g.upstream.requests.map((request) => request.apiKey)).toEqual([...OPENAI_KEYS, CLAUDE_KEY]);
      expect(g.upstream.requestsFor(CLAUDE_KEY)[0].body.model).toBe("claude-haiku-4-5");
      const [row] = await g.logRows();
      expect(row).toMatchObject({
        status: "success",
        model: "claude-haiku-4-5",
        provider_id: 2,
        requested_model: "smart",
        attempts: 3,
        is_stream: stream ? 1 : 0,
        door,
        prompt_tokens: 30,
        completion_tokens: 5,
      });
      expect(JSON.parse(row.models_tried!)).toEqual(["openai/gpt-5-mini", "anthropic/claude-haiku-4-5"]);
      expect(JSON.parse(row.attempt_errors!).map((attempt: { kind: string }) => attempt.kind)).toEqual(["rate_limited", "rate_limited"]);
      // Priced as the model that answered: claude-haiku-4-5 at 1 / 5 USD per million.
      expect(row.cost).toBeCloseTo((30 * 1 + 5 * 5) / 1_000_000, 12);
      const logs = await g.request("GET", "/api/admin/ai-logs", undefined, await g.adminToken());
      expect(((await logs.json()) as { data: { items: object[] } }).data.items[0]).toMatchObject({ model: "claude-haiku-4-5", requestedModel: "smart", modelsTried: ["openai/gpt-5-mini", "anthropic/claude-haiku-4-5"] });
    });

    it("the /api/ai envelope API follows the alias too, naming the provider that answered", async () => {
      for (const key of OPENAI_KEYS) g.upstream.script(key, reply.rateLimited({ retryAfterSeconds: 30 }));
      g.upstream.script(CLAUDE_KEY, reply.ok({ content: "Claude in an envelope" }));
      const response = await g.chat({ model: "smart", messages: [{ role: "user", content: "Hi" }] }, { path: "/api/ai/chat/completions" });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { data: object }).data).toMatchObject({ content: "Claude in an envelope", provider: "anthropic" });
      expect((await g.logRows())[0]).toMatchObject({ door: "envelope", model: "claude-haiku-4-5", requested_model: "smart" });
    });

    it("every model unusable: the answer names each, a 429 with the soonest Retry-After when one was only busy", async () => {
      for (const key of OPENAI_KEYS) g.upstream.script(key, reply.rateLimited({ retryAfterSeconds: 30 }));
      g.upstream.script(CLAUDE_KEY, reply.invalidKey());
      g.upstream.script(DEEPSEEK_KEY, reply.rateLimited({ retryAfterSeconds: 5 }));
      const response = await g.chat(chatBody("smart"));
      expect(response.status).toBe(429);
      expect(response.headers.get("retry-after")).toBe("5");
      const { error } = (await response.json()) as { error: { message: string } };
      expect(error.message).toContain("No model of alias 'smart' could answer");
      for (const model of ["openai/gpt-5-mini", "anthropic/claude-haiku-4-5", "deepseek/deepseek-chat"]) expect(error.message).toContain(model);
      expect(error.message).not.toContain(CLAUDE_KEY);
      const [row] = await g.logRows();
      expect(row).toMatchObject({ status: "error", http_status: 429, model: "deepseek-chat", requested_model: "smart", attempts: 4 });
      expect(JSON.parse(row.models_tried!)).toHaveLength(3);
    });

    it("a client error does not fall through to the next model", async () => {
      g.upstream.script(OPENAI_KEYS[0], reply.badRequest("Unsupported parameter: 'temperature'"));
      const response = await g.chat(chatBody("smart", "Hi", { temperature: 0.3 }));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain("temperature");
      expect(g.upstream.requestsFor(CLAUDE_KEY)).toHaveLength(0);
      const [row] = await g.logRows();
      expect(JSON.parse(row.models_tried!)).toEqual(["openai/gpt-5-mini"]);
    });

    it("streams fail over before the first content only: after content, the failure ends the stream in band", async () => {
      // Before content: the first model's stream breaks off, Claude answers.
      g.upstream.script(OPENAI_KEYS[0], reply.cut({ afterEvents: 1 }));
      g.upstream.script(OPENAI_KEYS[1], reply.streamError({ afterEvents: 1 }));
      g.upstream.script(CLAUDE_KEY, reply.ok({ content: "Claude streams" }));
      const first = sseData(await (await g.chat(chatBody("smart", "Hi", { stream: true }))).text());
      expect(first.filter((event) => event !== "[DONE]").map((event) => event.choices?.[0]?.delta?.content ?? "").join("")).toBe("Claude streams");
      expect(first.at(-1)).toBe("[DONE]");

      // After content: OpenAI's stream fails once it has sent words; nobody else is called.
      g.upstream.reset();
      g.clock.advance(60_000);
      g.upstream.script(OPENAI_KEYS[0], reply.streamError({ content: "one two three four", afterEvents: 3, message: "boom" }));
      g.upstream.script(OPENAI_KEYS[1], reply.streamError({ content: "one two three four", afterEvents: 3, message: "boom" }));
      const second = sseData(await (await g.chat(chatBody("smart", "Hi", { stream: true }))).text());
      expect(second).not.toContain("[DONE]");
      expect((second.at(-1) as { error: { message: string } }).error.message).toBe("boom");
      expect(g.upstream.requests).toHaveLength(1);
      const rows = await g.logRows();
      expect(rows[1]).toMatchObject({ status: "error", requested_model: "smart", model: "gpt-5-mini", attempts: 1 });
      expect(JSON.parse(rows[1].models_tried!)).toEqual(["openai/gpt-5-mini"]);
    });

    it("weights order the members of one position; unweighted members follow in list order", async () => {
      const token = await g.adminToken();
      const updated = await g.request(
        "PUT",
        `/api/admin/ai-aliases/${aliasId}`,
        { members: [{ model: "openai/gpt-4o-mini", weight: 3 }, { model: "deepseek/deepseek-chat", weight: 1 }, { model: "anthropic/claude-haiku-4-5" }] },
        token,
      );
      expect(updated.status).toBe(200);
      expect(((await updated.json()) as { data: { members: object[] } }).data.members).toEqual([
        { model: "openai/gpt-4o-mini", weight: 3, position: 1, available: true },
        { model: "deepseek/deepseek-chat", weight: 1, position: 1, available: true },
        { model: "anthropic/claude-haiku-4-5", weight: null, position: 2, available: true },
      ]);
      for (let index = 0; index < 8; index++) expect((await g.chat(chatBody("smart"))).status).toBe(200);
      const answered = (await g.logRows()).map((row) => row.model);
      expect(answered.filter((model) => model === "gpt-4o-mini")).toHaveLength(6);
      expect(answered.filter((model) => model === "deepseek-chat")).toHaveLength(2);

      // The weighted pick failing: the other member of its position is next, then the unweighted one.
      g.upstream.reset();
      for (const key of OPENAI_KEYS) g.upstream.always(key, reply.serverError());
      g.upstream.always(DEEPSEEK_KEY, reply.serverError());
      const response = await g.chat(chatBody("smart"));
      expect(response.status).toBe(200);
      const last = (await g.logRows()).at(-1)!;
      expect(last.model).toBe("claude-haiku-4-5");
      expect(JSON.parse(last.models_tried!).at(-1)).toBe("anthropic/claude-haiku-4-5");
      expect(JSON.parse(last.models_tried!).slice(0, 2).sort()).toEqual(["deepseek/deepseek-chat", "openai/gpt-4o-mini"]);
    });

    it("a client key allowed the alias may not use its models directly, and one allowed a model may not use the alias; /v1/models lists what each may use", async () => {
      const aliasOnly = await g.addClient({ allowedModels: ["smart"] });
      const modelOnly = await g.addClient({ allowedModels: ["openai/gpt-5-mini"] });
      expect((await g.chat(chatBody("gpt-5-mini"), { token: aliasOnly })).status).toBe(403);
      const refused = await g.chat(chatBody("smart"), { token: modelOnly });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("alias 'smart'");

      const listed = async (token: string) => ((await (await g.request("GET", "/v1/models", undefined, token)).json()) as { data: Array<{ id: string; owned_by: string }> }).data;
      expect(await listed(aliasOnly)).toEqual([expect.objectContaining({ id: "smart", owned_by: "alias" })]);
      expect((await listed(modelOnly)).map((model) => model.id)).toEqual(["gpt-5-mini"]);
      const one = await g.request("GET", "/v1/models/smart", undefined, aliasOnly);
      expect(one.status).toBe(200);
      expect(await one.json()).toMatchObject({ id: "smart", owned_by: "alias" });
      const anthropicShape = await g.app.request("/v1/models?limit=10", { headers: { "x-api-key": aliasOnly, "anthropic-version": "2023-06-01" } });
      expect(((await anthropicShape.json()) as { data: object[] }).data).toEqual([
        expect.objectContaining({ type: "model", id: "smart", display_name: "Best available", max_input_tokens: 128_000, max_tokens: 8_192 }),
      ]);
    });

    it("an inactive alias is refused with a 404 that names it; an alias change is seen at once", async () => {
      const token = await g.adminToken();
      expect((await g.request("PUT", `/api/admin/ai-aliases/${aliasId}`, { isActive: false }, token)).status).toBe(200);
      const refused = await g.chat(chatBody("smart"));
      expect(refused.status).toBe(404);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("'smart' is not active");
      expect((await g.request("PUT", `/api/admin/ai-aliases/${aliasId}`, { isActive: true, members: [{ model: "deepseek-chat" }] }, token)).status).toBe(200);
      expect((await g.chat(chatBody("smart"))).status).toBe(200);
      expect((await g.logRows()).at(-1)).toMatchObject({ model: "deepseek-chat", requested_model: "smart" });
    });
  });
}
