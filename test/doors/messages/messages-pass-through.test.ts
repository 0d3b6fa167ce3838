/**
 * The Messages door in front of a provider that speaks Messages (Anthropic): the client's bytes
 * go upstream with only the model id rewritten and its `anthropic-*` headers intact, and the
 * upstream's bytes come back. Driven with raw HTTP (to compare bytes) and the official SDK.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { reply } from "../../support/fake-upstream";
import { startGatewayFixture, type GatewayFixture } from "../../gateway/gateway-fixtures";

const CLAUDE_KEY = "sk-ant-upstream-primary-0000001";
const CLAUDE_BACKUP = "sk-ant-upstream-backup-00000002";
const BETAS = "interleaved-thinking-2025-05-14,context-management-2025-06-27,claude-code-20250219";

function event(type: string, payload: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`;
}

/** A recorded-style Claude stream: ping, a signed thinking block, a text block, usage at both ends. */
const claudeStream = [
  event("message_start", {
    message: { id: "msg_01Raw", type: "message", role: "assistant", model: "claude-sonnet-4-6", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 25, cache_read_input_tokens: 100, cache_creation_input_tokens: 0, output_tokens: 1 } },
  }),
  event("ping", {}),
  event("content_block_start", { index: 0, content_block: { type: "thinking", thinking: "", signature: "" } }),
  event("content_block_delta", { index: 0, delta: { type: "thinking_delta", thinking: "Plan: greet." } }),
  event("content_block_delta", { index: 0, delta: { type: "signature_delta", signature: "EqQBCkYIBxgCKkDnativeSignature==" } }),
  event("content_block_stop", { index: 0 }),
  event("content_block_start", { index: 1, content_block: { type: "text", text: "" } }),
  event("content_block_delta", { index: 1, delta: { type: "text_delta", text: "Hello  there" } }),
  event("content_block_stop", { index: 1 }),
  event("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 9 } }),
  event("message_stop", {}),
];

describe("the Messages door passing through to Anthropic", () => {
  let g: GatewayFixture;
  let baseURL: string;
  let clientKey: string;
  let client: Anthropic;

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${baseURL}${path}`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": clientKey, "anthropic-version": "2023-06-01", ...headers }, body });

  beforeAll(async () => {
    g = await startGatewayFixture();
    await g.addKey("anthropic", CLAUDE_KEY, { priority: 10 });
    await g.addKey("anthropic", CLAUDE_BACKUP, { priority: 1 });
    clientKey = await g.addClient({ name: "claude-code" });
    baseURL = (await g.listen()).replace(/\/v1$/, "");
    client = new Anthropic({ apiKey: clientKey, baseURL, maxRetries: 0 });
  });
  afterAll(async () => {
    await g?.close();
  });
  beforeEach(() => g.upstream.reset());

  it("forwards the client's body byte for byte (model rewritten) with its anthropic-version and anthropic-beta, and answers with the upstream's bytes", async () => {
    const sent =
      '{"model":"anthropic/claude-sonnet-4-6", "max_tokens":32000,"system":[{"type":"text","text":"x-anthropic-billing-header: cc_version=2.1"},{"type":"text","text":"You are Claude Code.","cache_control":{"type":"ephemeral","ttl":"1h"}}],' +
      '"messages":[{"role":"user","content":[{"type":"text","text":"Hi \\u00e9","cache_control":{"type":"ephemeral"}}]}],"thinking":{"type":"enabled","budget_tokens":31999,"display":"omitted"},' +
      '"context_management":{"edits":[{"type":"clear_thinking_20251015","keep":"all"}]},"metadata":{"user_id":"session_abc"}}';
    const answer = '{"id":"msg_01Exact","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[{"type":"text","text":"exact  bytes"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":7,"cache_read_input_tokens":20,"cache_creation_input_tokens":3,"output_tokens":4},"context_management":{"applied_edits":[]}}';
    g.upstream.script(CLAUDE_KEY, reply.raw({ body: answer }));
    const response = await post("/v1/messages?beta=true", sent, { "anthropic-beta": BETAS, "x-claude-code-session-id": "session-1", "anthropic-workspace-id": "wrkspc_01", "x-stainless-os": "Linux" });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(answer);
    expect(response.headers.get("request-id")).toBeTruthy();

    const [upstream] = g.upstream.requestsFor(CLAUDE_KEY);
    expect(upstream.path).toBe("/v1/messages");
    expect(upstream.rawBody).toBe(sent.replace('"anthropic/claude-sonnet-4-6"', '"claude-sonnet-4-6"'));
    expect(upstream.headers).toMatchObject({ "anthropic-version": "2023-06-01", "anthropic-beta": BETAS, "anthropic-workspace-id": "wrkspc_01", "x-api-key": CLAUDE_KEY });
    // Only Anthropic's own headers travel; the client's other headers and credentials stay behind.
    expect(upstream.headers["x-stainless-os"]).toBeUndefined();
    expect(upstream.headers.authorization).toBeUndefined();
    expect(JSON.stringify(upstream.headers)).not.toContain(clientKey);

    const log = (await g.logRows()).at(-1)!;
    expect(log).toMatchObject({ door: "messages", upstream_protocol: "messages", status: "success", prompt_tokens: 30, completion_tokens: 4, tokens_estimated: 0 });
  });

  it("streams the upstream's events unchanged; the SDK accumulates them, signatures included", async () => {
    g.upstream.script(CLAUDE_KEY, reply.raw({ body: claudeStream }));
    const response = await post("/v1/messages", JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 100, stream: true, messages: [{ role: "user", content: "Hi" }] }));
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(await response.text()).toBe(claudeStream.join(""));
    const log = (await g.logRows()).at(-1)!;
    expect(log).toMatchObject({ is_stream: 1, status: "success", prompt_tokens: 125, completion_tokens: 9 });

    g.upstream.script(CLAUDE_KEY, reply.raw({ body: claudeStream }));
    const final = await client.messages.stream({ model: "claude-sonnet-4-6", max_tokens: 100, messages: [{ role: "user", content: "Hi" }] }).finalMessage();
    expect(final.content).toMatchObject([
      { type: "thinking", thinking: "Plan: greet.", signature: "EqQBCkYIBxgCKkDnativeSignature==" },
      { type: "text", text: "Hello  there" },
    ]);
    // The next turn sends the signed block back; it reaches Anthropic as the client wrote it.
    await client.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 100,
      messages: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: final.content.map((block) => (block.type === "text" ? { type: "text" as const, text: block.text } : block)) as Anthropic.ContentBlockParam[] },
        { role: "user", content: "And?" },
      ],
    });
    const resent = g.upstream.requestsFor(CLAUDE_KEY).at(-1)!.body.messages[1].content[0];
    expect(resent).toEqual({ type: "thinking", thinking: "Plan: greet.", signature: "EqQBCkYIBxgCKkDnativeSignature==" });
  });

  it("the SDK's own calls: create, the version it sends, and upstream errors in Anthropic's words", async () => {
    const message = await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 50, messages: [{ role: "user", content: "ping" }] });
    expect(message).toMatchObject({ type: "message", content: [{ type: "text", text: "Echo: ping" }] });
    const [upstream] = g.upstream.requestsFor(CLAUDE_KEY);
    expect(upstream.headers["anthropic-version"]).toBeTruthy();

    g.upstream.script(CLAUDE_KEY, reply.badRequest("messages.1.content.0: Invalid `signature` in `thinking` block"));
    const rejected = client.messages.create({ model: "claude-haiku-4-5", max_tokens: 50, messages: [{ role: "user", content: "ping" }] });
    await expect(rejected).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    const error = (await rejected.catch((caught: unknown) => caught)) as InstanceType<typeof Anthropic.BadRequestError>;
    expect(error.error).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: expect.stringContaining("Invalid `signature` in `thinking` block") } });
  });

  it("count_tokens passes through to Anthropic and logs a row without tokens", async () => {
    g.upstream.script(CLAUDE_KEY, reply.ok({ usage: { promptTokens: 1234 } }));
    const counted = await client.messages.countTokens({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "Count me" }] });
    expect(counted).toEqual({ input_tokens: 1234 });
    const [upstream] = g.upstream.requestsFor(CLAUDE_KEY);
    expect(upstream.path).toBe("/v1/messages/count_tokens");
    expect(upstream.body).toEqual({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "Count me" }] });
    const log = (await g.logRows()).at(-1)!;
    expect(log).toMatchObject({ door: "messages", upstream_protocol: "count_tokens", status: "success", prompt_tokens: 0, completion_tokens: 0, cost: 0 });
  });

  it("a 429 on the first key of a stream fails over before content; a stream cut after content ends with event: error", async () => {
    g.upstream.script(CLAUDE_KEY, reply.rateLimited({ retryAfterSeconds: 30 }));
    g.upstream.script(CLAUDE_BACKUP, reply.ok({ content: "from the backup key" }));
    const final = await client.messages.stream({ model: "claude-sonnet-4-6", max_tokens: 100, messages: [{ role: "user", content: "Hi" }] }).finalMessage();
    expect(final.content).toMatchObject([{ type: "text", text: "from the backup key" }]);
    expect((await g.logRows()).at(-1)).toMatchObject({ status: "success", attempts: 2, is_stream: 1 });

    g.upstream.script(CLAUDE_BACKUP, reply.cut({ content: "partial answer that stops", afterEvents: 5, chunkDelayMs: 5 }));
    const response = await post("/v1/messages", JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 100, stream: true, messages: [{ role: "user", content: "Hi" }] }));
    const text = await response.text();
    expect(text).toContain("event: content_block_delta");
    expect(text.trimEnd().split("\n\n").at(-1)).toMatch(/^event: error\ndata: \{"type":"error","error":\{"type":"api_error"/);
    expect(text).not.toContain("message_stop");
    expect((await g.logRows()).at(-1)).toMatchObject({ status: "error", is_stream: 1 });
    g.clock.advance(31_000);
  });
});
