/**
 * Chat streams with awkward shapes, replayed byte for byte by the fake upstream, through the
 * Messages door's encoder to the Anthropic SDK: interleaved parallel tool calls, a call without
 * arguments, text after a tool call, DeepSeek usage on the last choice chunk.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { reply } from "../../support/fake-upstream";
import { startGatewayFixture, type GatewayFixture } from "../../gateway/gateway-fixtures";

const OPENAI_KEY = "sk-openai-stream-shapes-00001";

function chunk(delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) {
  return `data: ${JSON.stringify({ id: "chatcmpl-shapes", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
}
const usage = (prompt: number, completion: number) =>
  `data: ${JSON.stringify({ id: "chatcmpl-shapes", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } })}\n\n`;
const call = (index: number, fields: { id?: string; name?: string; arguments?: string }) =>
  chunk({ tool_calls: [{ index, ...(fields.id ? { id: fields.id, type: "function" } : {}), function: { ...(fields.name ? { name: fields.name } : {}), arguments: fields.arguments ?? "" } }] });

/** The SSE events of a Messages stream as `type[:index]`, checking the framing on the way. */
function eventTypes(text: string): { order: string[]; events: Array<Record<string, any>> } {
  const events = text
    .trim()
    .split("\n\n")
    .map((block) => {
      const [eventLine, dataLine] = block.split("\n");
      const data = JSON.parse(dataLine.slice("data: ".length));
      expect(eventLine).toBe(`event: ${data.type}`);
      return data as Record<string, any>;
    });
  return { order: events.map((event) => (event.index === undefined ? event.type : `${event.type}:${event.index}`)), events };
}

describe("Messages SSE from awkward Chat streams", () => {
  let g: GatewayFixture;
  let client: Anthropic;
  let baseURL: string;
  let clientKey: string;

  beforeAll(async () => {
    g = await startGatewayFixture();
    await g.addKey("openai", OPENAI_KEY);
    clientKey = await g.addClient({ name: "stream-shapes" });
    baseURL = (await g.listen()).replace(/\/v1$/, "");
    client = new Anthropic({ apiKey: clientKey, baseURL, maxRetries: 0 });
  });
  afterAll(async () => {
    await g?.close();
  });
  beforeEach(() => g.upstream.reset());

  const request = { model: "gpt-4o-mini", max_tokens: 100, messages: [{ role: "user" as const, content: "go" }] };

  it("interleaved parallel tool calls become sequential blocks with gap-free indices", async () => {
    const pieces = [
      chunk({ role: "assistant", content: "" }),
      chunk({ content: "Two calls." }),
      call(0, { id: "call_first", name: "read", arguments: '{"pa' }),
      call(1, { id: "call_second", name: "list", arguments: '{"dir"' }),
      call(0, { arguments: 'th":"a.txt"}' }),
      call(1, { arguments: ':"src"}' }),
      call(2, { id: "call_third", name: "now" }),
      chunk({}, "tool_calls"),
      usage(30, 12),
      "data: [DONE]\n\n",
    ];
    g.upstream.script(OPENAI_KEY, reply.raw({ body: pieces }));
    const response = await fetch(`${baseURL}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": clientKey, "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ ...request, stream: true }),
    });
    const { order, events } = eventTypes(await response.text());
    expect(order).toEqual([
      "message_start",
      "ping",
      "content_block_start:0",
      "content_block_delta:0",
      "content_block_stop:0",
      "content_block_start:1",
      "content_block_delta:1",
      "content_block_delta:1",
      "content_block_stop:1",
      "content_block_start:2",
      "content_block_delta:2",
      "content_block_stop:2",
      "content_block_start:3",
      "content_block_delta:3",
      "content_block_stop:3",
      "message_delta",
      "message_stop",
    ]);
    expect(events.filter((event) => event.type === "content_block_start").map((event) => event.content_block.id ?? event.content_block.type)).toEqual([
      "text",
      "toolu_call_first",
      "toolu_call_second",
      "toolu_call_third",
    ]);
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: "tool_use" }, usage: { input_tokens: 30, output_tokens: 12 } });

    g.upstream.script(OPENAI_KEY, reply.raw({ body: pieces }));
    const final = await client.messages.stream(request).finalMessage();
    expect(final.content).toMatchObject([
      { type: "text", text: "Two calls." },
      { type: "tool_use", id: "toolu_call_first", name: "read", input: { path: "a.txt" } },
      { type: "tool_use", id: "toolu_call_second", name: "list", input: { dir: "src" } },
      { type: "tool_use", id: "toolu_call_third", name: "now", input: {} },
    ]);
  });

  it("text after a tool call is held back and sent after it; DeepSeek-style usage on the last choice chunk is read", async () => {
    g.upstream.script(
      OPENAI_KEY,
      reply.raw({
        body: [
          chunk({ role: "assistant", content: "" }),
          call(0, { id: "call_x", name: "read", arguments: "{}" }),
          chunk({ content: "and a note" }),
          chunk({ content: "" }, "tool_calls", { usage: { prompt_tokens: 50, completion_tokens: 4, total_tokens: 54, prompt_cache_hit_tokens: 40 } }),
          "data: [DONE]\n\n",
        ],
      }),
    );
    const final = await client.messages.stream(request).finalMessage();
    expect(final.content).toMatchObject([
      { type: "tool_use", id: "toolu_call_x", input: {} },
      { type: "text", text: "and a note" },
    ]);
    expect(final.usage).toMatchObject({ input_tokens: 10, cache_read_input_tokens: 40, output_tokens: 4 });
    expect(final.stop_reason).toBe("tool_use");
  });

  it("a refusal and a length stop map to Anthropic's stop reasons", async () => {
    g.upstream.script(OPENAI_KEY, reply.ok({ content: "cut sho", finishReason: "length" }));
    expect((await client.messages.stream(request).finalMessage()).stop_reason).toBe("max_tokens");
    g.upstream.script(OPENAI_KEY, reply.ok({ content: "", finishReason: "content_filter" }));
    const filtered = await client.messages.create(request);
    expect(filtered.stop_reason).toBe("refusal");
  });
});
