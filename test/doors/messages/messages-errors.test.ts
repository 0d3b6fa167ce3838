/**
 * Errors, limits and failover on the Messages door, seen through the Anthropic SDK and raw HTTP:
 * Anthropic's error body and statuses for the gateway's own refusals and the upstream's, a 429
 * on the first key failing over before content, an in-band `event: error` after content, and
 * one log row per request.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { reply } from "../../support/fake-upstream";
import { startGatewayFixture, type GatewayFixture } from "../../gateway/gateway-fixtures";

const PRIMARY = "sk-openai-primary-key-00000001";
const BACKUP = "sk-openai-backup-key-000000002";
const DEEPSEEK_KEY = "sk-deepseek-only-key-00000003";

describe("Messages door errors and failover (translated)", () => {
  let g: GatewayFixture;
  let baseURL: string;
  let clientKey: string;
  let client: Anthropic;

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${baseURL}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": clientKey, "anthropic-version": "2023-06-01", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    g = await startGatewayFixture();
    await g.addKey("openai", PRIMARY, { priority: 10 });
    await g.addKey("openai", BACKUP, { priority: 1 });
    await g.addKey("deepseek", DEEPSEEK_KEY);
    clientKey = await g.addClient({ name: "errors-app", allowedModels: ["gpt-4o-mini", "deepseek-chat"] });
    baseURL = (await g.listen()).replace(/\/v1$/, "");
    client = new Anthropic({ apiKey: clientKey, baseURL, maxRetries: 0 });
  });
  afterAll(async () => {
    await g?.close();
  });
  beforeEach(() => g.upstream.reset());

  it("a bad key is a 401 authentication_error in Anthropic's body, with request-id, as Bearer or x-api-key", async () => {
    const stranger = new Anthropic({ apiKey: "mg-not-a-real-key", baseURL, maxRetries: 0 });
    const rejected = stranger.messages.create({ model: "gpt-4o-mini", max_tokens: 10, messages: [{ role: "user", content: "x" }] });
    await expect(rejected).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    const error = (await rejected.catch((caught: unknown) => caught)) as InstanceType<typeof Anthropic.AuthenticationError>;
    expect(error.error).toMatchObject({ type: "error", error: { type: "authentication_error", message: "Invalid API key" } });
    expect(error.requestID).toBeTruthy();

    const bare = await fetch(`${baseURL}/v1/messages`, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer nope" }, body: "{}" });
    expect(bare.status).toBe(401);
    expect(await bare.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    expect(g.upstream.requests).toHaveLength(0);
  });

  it("an unknown model is a 404 not_found_error; a model the key may not use is a 403 permission_error", async () => {
    const unknown = client.messages.create({ model: "claude-99", max_tokens: 10, messages: [{ role: "user", content: "x" }] });
    await expect(unknown).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    await expect(unknown).rejects.toMatchObject({ status: 404, error: { error: { type: "not_found_error", message: expect.stringContaining("claude-99") } } });

    const forbidden = client.messages.create({ model: "gpt-4.1", max_tokens: 10, messages: [{ role: "user", content: "x" }] });
    await expect(forbidden).rejects.toBeInstanceOf(Anthropic.PermissionDeniedError);
    await expect(forbidden).rejects.toMatchObject({ error: { error: { type: "permission_error" } } });
  });

  it("a malformed body is a 400 invalid_request_error naming the field; unknown fields and block types pass", async () => {
    const cases: Array<[unknown, string]> = [
      [{ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }, "max_tokens"],
      [{ model: "gpt-4o-mini", max_tokens: 10, messages: [] }, "messages"],
      [{ model: "gpt-4o-mini", max_tokens: 10, messages: [{ role: "robot", content: "x" }] }, "messages.0.role"],
      [{ model: "gpt-4o-mini", max_tokens: 10, messages: [{ role: "user", content: [{ type: "text" }] }] }, "messages.0.content.0.text"],
      [{ model: "gpt-4o-mini", max_tokens: 10, messages: [{ role: "user", content: [{ type: "tool_result" }] }] }, "messages.0.content.0.tool_use_id"],
      [{ model: "gpt-4o-mini", max_tokens: 10, messages: [{ role: "user", content: "x" }], tools: [{ name: "f" }] }, "tools.0.input_schema"],
      [{ model: "gpt-4o-mini", max_tokens: 10, messages: [{ role: "user", content: "x" }], thinking: { type: "enabled" } }, "thinking.budget_tokens"],
      [{ model: "gpt-4o-mini", max_tokens: 10, messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: [{ type: "image" }] }] }] }, "messages.0.content.0.content.0.source"],
      [{ model: "gpt-4o-mini", max_tokens: 10, messages: [{ role: "user", content: [{ type: "search_result", title: "t", source: "s" }] }] }, "messages.0.content.0.content"],
      [{ model: "gpt-4o-mini", max_tokens: 10, messages: [{ role: "system", content: [{ type: "image", source: { type: "url", url: "https://x" } }] }] }, "messages.0.content.0.type"],
      ["{not json", "body"],
    ];
    for (const [body, field] of cases) {
      const response = await post(body);
      expect(response.status, field).toBe(400);
      const error = (await response.json()) as { type: string; error: { type: string; message: string } };
      expect(error.type).toBe("error");
      expect(error.error.type).toBe("invalid_request_error");
      expect(error.error.message, field).toContain(field);
    }
    const forcedServerTool = await post({
      model: "gpt-4o-mini",
      max_tokens: 10,
      messages: [{ role: "user", content: "x" }],
      tools: [{ type: "web_search_20250305", name: "web_search" }],
      tool_choice: { type: "tool", name: "web_search" },
    });
    expect(forcedServerTool.status).toBe(400);
    expect(((await forcedServerTool.json()) as { error: { message: string } }).error.message).toContain("web_search");
    expect(g.upstream.requests).toHaveLength(0);

    const open = await post({
      model: "gpt-4o-mini",
      max_tokens: 10,
      context_management: { edits: [] },
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }, { type: "container_upload", file_id: "f_1" }, { type: "future_block", anything: true }] }],
      tools: [{ type: "web_search_20250305", name: "web_search" }],
    });
    expect(open.status).toBe(200);
    expect(open.headers.get("x-modelgate-warnings")).toBe("dropped=messages.content.container_upload,messages.content.future_block,tools.web_search,context_management");
    expect(g.upstream.requestsFor(PRIMARY)[0].body.messages).toEqual([{ role: "user", content: "Hi" }]);
    expect(g.upstream.requestsFor(PRIMARY)[0].body.tools).toBeUndefined();
  });

  it("a 429 on the first key fails over before content; with every key limited the client gets 429 rate_limit_error and retry-after", async () => {
    g.upstream.script(PRIMARY, reply.rateLimited({ retryAfterSeconds: 20 }));
    g.upstream.script(BACKUP, reply.ok({ content: "served by the backup" }));
    const final = await client.messages.stream({ model: "gpt-4o-mini", max_tokens: 50, messages: [{ role: "user", content: "Hi" }] }).finalMessage();
    expect(final.content).toMatchObject([{ type: "text", text: "served by the backup" }]);
    expect((await g.logRows()).at(-1)).toMatchObject({ door: "messages", status: "success", attempts: 2, is_stream: 1, prompt_tokens: 12, completion_tokens: 7 });

    g.upstream.script(BACKUP, reply.rateLimited({ retryAfterSeconds: 9 }));
    const limited = client.messages.create({ model: "gpt-4o-mini", max_tokens: 50, messages: [{ role: "user", content: "Hi" }] });
    await expect(limited).rejects.toBeInstanceOf(Anthropic.RateLimitError);
    const error = (await limited.catch((caught: unknown) => caught)) as InstanceType<typeof Anthropic.RateLimitError>;
    expect(error.error).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
    expect(error.headers.get("retry-after")).toBe("9");
    expect((await g.logRows()).at(-1)).toMatchObject({ door: "messages", status: "error", http_status: 429 });
    g.clock.advance(21_000);
  });

  it("a stream cut after content ends with event: error (the SDK throws), not a clean close; the log row says error", async () => {
    g.upstream.script(DEEPSEEK_KEY, reply.cut({ content: "alpha beta gamma delta", afterEvents: 3, chunkDelayMs: 5 }));
    const response = await post({ model: "deepseek-chat", max_tokens: 50, stream: true, messages: [{ role: "user", content: "Hi" }] });
    const text = await response.text();
    expect(text).toContain('"text_delta"');
    const last = text.trimEnd().split("\n\n").at(-1)!;
    expect(last).toMatch(/^event: error\n/);
    expect(JSON.parse(last.split("\n")[1].slice(6))).toMatchObject({ type: "error", error: { type: "api_error", message: expect.stringContaining("stream") } });
    expect(text).not.toContain("message_stop");
    expect((await g.logRows()).at(-1)).toMatchObject({ door: "messages", status: "error", is_stream: 1 });

    g.upstream.script(DEEPSEEK_KEY, reply.streamError({ content: "one two three four", afterEvents: 3, errorType: "server_error" }));
    const stream = client.messages.stream({ model: "deepseek-chat", max_tokens: 50, messages: [{ role: "user", content: "Hi" }] });
    const seen: string[] = [];
    stream.on("text", (piece) => seen.push(piece));
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(Anthropic.APIError);
    expect(seen.join("")).toBe("one two ");
  });

  it("each request leaves exactly one log row", async () => {
    const before = (await g.logRows()).length;
    await client.messages.create({ model: "gpt-4o-mini", max_tokens: 10, messages: [{ role: "user", content: "one" }] });
    await client.messages.stream({ model: "gpt-4o-mini", max_tokens: 10, messages: [{ role: "user", content: "two" }] }).finalMessage();
    await client.messages.create({ model: "claude-99", max_tokens: 10, messages: [{ role: "user", content: "three" }] }).catch(() => undefined);
    const rows = (await g.logRows()).slice(before);
    expect(rows.map((row) => [row.status, row.is_stream, row.door])).toEqual([
      ["success", 0, "messages"],
      ["success", 1, "messages"],
      ["error", 0, "messages"],
    ]);
  });
});
