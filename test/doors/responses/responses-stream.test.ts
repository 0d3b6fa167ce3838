/**
 * The Responses event stream of translated answers, read raw off the wire and through the
 * official SDK: event order and numbering, reasoning / message / function-call items, the
 * failure after content (`error` then `response.failed`, never a clean close), failover before
 * content, and the log row.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ReasoningCarrier } from "../../../lib/gateway/reasoning-carrier";
import { reply } from "../../support/fake-upstream";
import { startGatewayFixture, type GatewayFixture } from "../../gateway/gateway-fixtures";
import { checkEventOrder, parseResponsesEvents } from "./responses-events";

const CLAUDE_KEY = "sk-ant-upstream-key-000000002";
const DEEPSEEK_PRIMARY = "sk-deepseek-primary-key-00001";
const DEEPSEEK_BACKUP = "sk-deepseek-backup-key-000002";

describe("Responses streams on translated models", () => {
  let g: GatewayFixture;
  let clientKey: string;
  let client: OpenAI;
  let carrier: ReasoningCarrier;

  const post = async (body: Record<string, unknown>) => {
    const response = await g.chat({ stream: true, ...body }, { token: clientKey, path: "/v1/responses" });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const text = await response.text();
    expect(text).not.toContain("[DONE]");
    return parseResponsesEvents(text);
  };

  beforeAll(async () => {
    g = await startGatewayFixture();
    await g.addKey("anthropic", CLAUDE_KEY);
    await g.addKey("deepseek", DEEPSEEK_PRIMARY, { priority: 10 });
    await g.addKey("deepseek", DEEPSEEK_BACKUP, { priority: 1 });
    clientKey = await g.addClient({ name: "stream-app" });
    client = new OpenAI({ apiKey: clientKey, baseURL: await g.listen(), maxRetries: 0 });
    carrier = new ReasoningCarrier(g.deps.jwtSecret);
  });
  afterAll(async () => {
    await g?.close();
  });
  beforeEach(() => g.upstream.reset());

  it("DeepSeek reasoning, text and a tool call: every item in order, reasoning sealed for DeepSeek", async () => {
    g.upstream.script(DEEPSEEK_PRIMARY, reply.ok({ reasoning: "Think first.", content: "Let me look.", toolCalls: [{ name: "lookup", arguments: { q: "x" } }], usage: { promptTokens: 30, completionTokens: 10, cachedTokens: 8, reasoningTokens: 3 } }));
    const events = await post({ model: "deepseek-reasoner", input: "go", tools: [{ type: "function", name: "lookup", parameters: { type: "object", properties: { q: { type: "string" } } } }] });
    const response = checkEventOrder(events);
    expect(events.map((event) => event.data.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      ...Array(2).fill("response.reasoning_summary_text.delta"),
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.content_part.added",
      ...Array(3).fill("response.output_text.delta"),
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      ...Array(2).fill("response.function_call_arguments.delta"),
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events[0].data.response).toMatchObject({ status: "in_progress", output: [], id: response.id });
    const [reasoning, message, call] = response.output;
    expect(reasoning).toMatchObject({ type: "reasoning", summary: [{ type: "summary_text", text: "Think first." }], status: "completed" });
    expect(carrier.open(reasoning.encrypted_content)).toMatchObject({ kind: "deepseek_reasoning", text: "Think first.", format: "deepseek", model: "deepseek-reasoner" });
    expect(message).toMatchObject({ type: "message", content: [{ type: "output_text", text: "Let me look." }] });
    expect(call).toMatchObject({ type: "function_call", name: "lookup", arguments: '{"q":"x"}', id: expect.stringMatching(/^fc_/) });
    expect(response.usage).toEqual({ input_tokens: 30, input_tokens_details: { cached_tokens: 8, cache_write_tokens: 0 }, output_tokens: 10, output_tokens_details: { reasoning_tokens: 3 }, total_tokens: 40 });
    const log = (await g.logRows()).at(-1)!;
    expect(log).toMatchObject({ door: "responses", status: "success", is_stream: 1, prompt_tokens: 30, completion_tokens: 10 });
  });

  it("Anthropic thinking, text and a tool call stream as items in order", async () => {
    g.upstream.script(CLAUDE_KEY, reply.ok({ reasoning: "Consider.", content: "Calling.", toolCalls: [{ name: "lookup", arguments: { q: "y" } }] }));
    const events = await post({ model: "claude-haiku-4-5", input: "go", tools: [{ type: "function", name: "lookup", parameters: { type: "object", properties: {} } }] });
    const response = checkEventOrder(events);
    expect(response.output.map((item: any) => item.type)).toEqual(["reasoning", "message", "function_call"]);
    expect(response.output[0].summary).toEqual([{ type: "summary_text", text: "Consider." }]);
    expect(response.output[2]).toMatchObject({ name: "lookup", arguments: '{"q":"y"}' });
  });

  it("Anthropic cache reads and writes reach usage, streamed and not", async () => {
    const usage = { promptTokens: 40, completionTokens: 5, cachedTokens: 20, cacheCreationTokens: 8 };
    g.upstream.script(CLAUDE_KEY, [reply.ok({ content: "cached", usage }), reply.ok({ content: "cached", usage })]);
    const expected = { input_tokens: 40, input_tokens_details: { cached_tokens: 20, cache_write_tokens: 8 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 45 };
    expect(checkEventOrder(await post({ model: "claude-haiku-4-5", input: "go" })).usage).toEqual(expected);
    expect((await client.responses.create({ model: "claude-haiku-4-5", input: "go" })).usage).toEqual(expected);
  });

  it("a length finish ends with response.incomplete and its reason", async () => {
    g.upstream.script(CLAUDE_KEY, reply.ok({ content: "cut sho", finishReason: "length" }));
    const events = await post({ model: "claude-haiku-4-5", input: "go", max_output_tokens: 2 });
    const response = checkEventOrder(events);
    expect(events.at(-1)!.data.type).toBe("response.incomplete");
    expect(response).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" } });
  });

  it("a stream cut after content ends with error and response.failed, and the SDK throws", async () => {
    g.upstream.script(DEEPSEEK_PRIMARY, reply.cut({ content: "one two three four", afterEvents: 3, chunkDelayMs: 30 }));
    const events = await post({ model: "deepseek-chat", input: "go" });
    checkEventOrder(events);
    const [error, failed] = events.slice(-2).map((event) => event.data);
    expect(error).toMatchObject({ type: "error", code: "server_error", message: expect.any(String), param: null, error: { code: "server_error", message: expect.any(String) } });
    expect(failed).toMatchObject({ type: "response.failed", response: { status: "failed", error: { code: "server_error" } } });
    expect(failed.response.output[0]).toMatchObject({ type: "message", status: "incomplete" });
    expect((await g.logRows()).at(-1)).toMatchObject({ door: "responses", status: "error" });

    g.upstream.script(DEEPSEEK_PRIMARY, reply.cut({ content: "one two three four", afterEvents: 3, chunkDelayMs: 30 }));
    const stream = client.responses.stream({ model: "deepseek-chat", input: "go" });
    await expect(stream.finalResponse()).rejects.toThrow();
  });

  it("a 429 on the first key fails over before any content reaches the client", async () => {
    g.upstream.script(DEEPSEEK_PRIMARY, reply.rateLimited({ retryAfterSeconds: 30 }));
    g.upstream.script(DEEPSEEK_BACKUP, reply.ok({ content: "from the backup" }));
    const final = await client.responses.stream({ model: "deepseek-chat", input: "go" }).finalResponse();
    expect(final.output_text).toBe("from the backup");
    expect(g.upstream.requestsFor(DEEPSEEK_PRIMARY)).toHaveLength(1);
    expect(g.upstream.requestsFor(DEEPSEEK_BACKUP)).toHaveLength(1);
    const rows = await g.logRows();
    expect(rows.at(-1)).toMatchObject({ door: "responses", status: "success", attempts: 2, is_stream: 1 });
  });

  it("a streamed response is stored with its full output and can be retrieved", async () => {
    g.upstream.script(DEEPSEEK_BACKUP, reply.ok({ content: "kept" }));
    g.upstream.script(DEEPSEEK_PRIMARY, reply.ok({ content: "kept" }));
    const final = await client.responses.stream({ model: "deepseek-chat", input: "go" }).finalResponse();
    const retrieved = await client.responses.retrieve(final.id);
    expect(final.output).toMatchObject(retrieved.output);
    expect(retrieved.status).toBe("completed");
  });
});
