import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { anthropicAdapter } from "../../lib/providers/anthropic/anthropic-adapter";
import { chunkHasContent, isUsageChunk, type ChatCompletionChunk, type ChatCompletionChunkDelta, type ChatRequest } from "../../lib/providers/provider-spec";
import { reply, startFakeUpstream, type FakeUpstream } from "../support/fake-upstream";
import { collectChunks, contextFor, streamedText } from "./provider-test-support";

const key = "sk-ant-api03-test-0001";
let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());

const weatherTool: NonNullable<ChatRequest["tools"]>[number] = {
  type: "function",
  function: { name: "get_weather", description: "Current weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
};

function toolArguments(chunks: ChatCompletionChunk[], index: number): string {
  return chunks
    .flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []))
    .filter((delta) => delta.index === index)
    .map((delta) => delta.function?.arguments ?? "")
    .join("");
}

describe("anthropicAdapter.chat", () => {
  it("translates the request and the answer", async () => {
    upstream.script(key, reply.ok({ content: "Paris." }));
    const result = await anthropicAdapter.chat(
      {
        model: "claude-sonnet-4-6",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Capital of France?" },
        ],
        temperature: 1.4,
        stop: ["\n\n"],
      },
      contextFor(upstream, "anthropic", key),
    );

    const sent = upstream.requests[0];
    expect(sent.path).toBe("/v1/messages");
    expect(sent.headers["anthropic-version"]).toBe("2023-06-01");
    expect(sent.apiKey).toBe(key);
    expect(sent.body).toEqual({
      model: "claude-sonnet-4-6",
      max_tokens: 4096,
      system: "Be brief.",
      messages: [{ role: "user", content: "Capital of France?" }],
      temperature: 1,
      stop_sequences: ["\n\n"],
      stream: false,
    });
    expect(result.warnings.map((warning) => warning.message)).toEqual(["temperature 1.4 was clamped to 1 (Anthropic accepts 0 to 1)"]);
    expect(result.completion).toMatchObject({
      id: "msg_fake_1",
      object: "chat.completion",
      model: "claude-sonnet-4-6",
      choices: [{ index: 0, message: { role: "assistant", content: "Paris.", refusal: null }, finish_reason: "stop" }],
    });
  });

  it("counts cached input in prompt tokens and thinking as reasoning", async () => {
    upstream.script(key, reply.ok({ content: "done", reasoning: "step by step", usage: { promptTokens: 100, cachedTokens: 60, cacheCreationTokens: 10, completionTokens: 50, reasoningTokens: 20 } }));
    const result = await anthropicAdapter.chat({ model: "claude-sonnet-5", messages: [{ role: "user", content: "x" }] }, contextFor(upstream, "anthropic", key));

    expect(result.usage).toEqual({ promptTokens: 100, completionTokens: 50, totalTokens: 150, cachedTokens: 60, cacheCreationTokens: 10, reasoningTokens: 20 });
    expect(result.completion.usage).toEqual({
      prompt_tokens: 100,
      completion_tokens: 50,
      total_tokens: 150,
      prompt_tokens_details: { cached_tokens: 60, cache_creation_tokens: 10 },
      completion_tokens_details: { reasoning_tokens: 20 },
    });
    expect((result.completion.choices[0].message as { reasoning_content?: string }).reasoning_content).toBe("step by step");
  });

  it("sends tools and tool history, and returns tool_use as tool_calls", async () => {
    upstream.script(key, reply.ok({ content: "Checking.", toolCalls: [{ id: "toolu_9", name: "get_weather", arguments: { city: "Rome" } }] }));
    const result = await anthropicAdapter.chat(
      {
        model: "claude-sonnet-5",
        tools: [weatherTool],
        tool_choice: "required",
        parallel_tool_calls: false,
        messages: [
          { role: "user", content: "Weather in Paris, then Rome?" },
          { role: "assistant", content: null, tool_calls: [{ id: "toolu_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
          { role: "tool", tool_call_id: "toolu_1", content: "18C and sunny" },
        ],
      },
      contextFor(upstream, "anthropic", key),
    );

    const sent = upstream.requests[0].body;
    expect(sent.tools).toEqual([{ name: "get_weather", description: "Current weather", input_schema: weatherTool.function.parameters }]);
    expect(sent.tool_choice).toEqual({ type: "any", disable_parallel_tool_use: true });
    expect(sent.messages).toEqual([
      { role: "user", content: "Weather in Paris, then Rome?" },
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "18C and sunny" }] },
    ]);

    const choice = result.completion.choices[0];
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBe("Checking.");
    expect(choice.message.tool_calls).toEqual([{ id: "toolu_9", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } }]);
  });

  it("sends images as base64 and url sources", async () => {
    await anthropicAdapter.chat(
      {
        model: "claude-sonnet-5",
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "What is in these?" },
              { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/4AAQSkZJRg==" } },
              { type: "image_url", image_url: { url: "https://example.com/dog.png" } },
            ],
          },
        ],
      },
      contextFor(upstream, "anthropic", key),
    );
    expect(upstream.requests[0].body.messages[0].content).toEqual([
      { type: "text", text: "What is in these?" },
      { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/4AAQSkZJRg==" } },
      { type: "image", source: { type: "url", url: "https://example.com/dog.png" } },
    ]);
  });

  it.each([
    ["length", "length"],
    ["content_filter", "content_filter"],
    ["pause_turn", "stop"],
    ["model_context_window_exceeded", "length"],
  ])("maps stop reason for %s to %s", async (finishReason, expected) => {
    upstream.script(key, reply.ok({ content: "x", finishReason }));
    const result = await anthropicAdapter.chat({ model: "claude-sonnet-5", messages: [{ role: "user", content: "x" }] }, contextFor(upstream, "anthropic", key));
    expect(result.completion.choices[0].finish_reason).toBe(expected);
  });
});

describe("anthropicAdapter.stream", () => {
  it("turns events into a role chunk, content, a finish chunk and a usage chunk", async () => {
    upstream.script(key, reply.ok({ content: "Hello from Claude", usage: { promptTokens: 30, cachedTokens: 20, completionTokens: 4 } }));
    const stream = await anthropicAdapter.stream({ model: "claude-sonnet-5", messages: [{ role: "user", content: "hi" }] }, contextFor(upstream, "anthropic", key));
    const chunks = await collectChunks(stream);

    expect(upstream.requests[0].body.stream).toBe(true);
    expect(chunks[0].choices[0].delta).toEqual({ role: "assistant", content: "" });
    expect(chunkHasContent(chunks[0])).toBe(false);
    expect(streamedText(chunks)).toBe("Hello from Claude");
    expect(chunks.every((chunk) => chunk.id === "msg_fake_1" && chunk.object === "chat.completion.chunk")).toBe(true);
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe("stop");
    const usage = chunks.at(-1)!;
    expect(isUsageChunk(usage)).toBe(true);
    expect(usage.usage).toEqual({ prompt_tokens: 30, completion_tokens: 4, total_tokens: 34, prompt_tokens_details: { cached_tokens: 20 }, completion_tokens_details: { reasoning_tokens: 0 } });
  });

  it("streams tool calls with id and name first, then argument fragments", async () => {
    upstream.script(key, reply.ok({ toolCalls: [{ id: "toolu_a", name: "get_weather", arguments: { city: "Oslo" } }, { id: "toolu_b", name: "get_time", arguments: { zone: "CET" } }] }));
    const chunks = await collectChunks(
      await anthropicAdapter.stream({ model: "claude-sonnet-5", tools: [weatherTool], messages: [{ role: "user", content: "x" }] }, contextFor(upstream, "anthropic", key)),
    );
    const starts = chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? [])).filter((delta) => delta.id);
    expect(starts).toEqual([
      { index: 0, id: "toolu_a", type: "function", function: { name: "get_weather", arguments: "" } },
      { index: 1, id: "toolu_b", type: "function", function: { name: "get_time", arguments: "" } },
    ]);
    expect(JSON.parse(toolArguments(chunks, 0))).toEqual({ city: "Oslo" });
    expect(JSON.parse(toolArguments(chunks, 1))).toEqual({ zone: "CET" });
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe("tool_calls");
  });

  it("translates a recorded tool-use stream (with ping)", async () => {
    upstream.script(key, reply.fixture("anthropic-tool-use-stream.sse"));
    const chunks = await collectChunks(
      await anthropicAdapter.stream({ model: "claude-sonnet-5", tools: [weatherTool], messages: [{ role: "user", content: "Weather in SF?" }] }, contextFor(upstream, "anthropic", key)),
    );
    expect(streamedText(chunks)).toBe("Okay, let's check the weather for San Francisco, CA:");
    expect(JSON.parse(toolArguments(chunks, 0))).toEqual({ location: "San Francisco, CA", unit: "fahrenheit" });
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe("tool_calls");
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 472, completion_tokens: 89, total_tokens: 561 });
  });

  it("streams thinking as reasoning_content and ignores unknown events", async () => {
    const events = [
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_x","type":"message","role":"assistant","model":"claude-sonnet-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}}\n\n',
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Hmm."}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"sig"}}\n\n',
      'event: brand_new_event\ndata: {"type":"brand_new_event","detail":1}\n\n',
      'event: content_block_start\ndata: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Yes."}}\n\n',
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":9,"input_tokens":7,"cache_read_input_tokens":3}}\n\n',
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    ];
    upstream.script(key, reply.raw({ body: events }));
    const chunks = await collectChunks(await anthropicAdapter.stream({ model: "claude-sonnet-5", messages: [{ role: "user", content: "x" }] }, contextFor(upstream, "anthropic", key)));
    const deltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta as ChatCompletionChunkDelta));
    expect(deltas.map((delta) => delta.reasoning_content ?? "").join("")).toBe("Hmm.");
    expect(chunkHasContent(chunks[1])).toBe(true);
    expect(streamedText(chunks)).toBe("Yes.");
    // message_delta usage is cumulative and may update input counts.
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 9, prompt_tokens_details: { cached_tokens: 3 } });
  });
});

describe("anthropicAdapter.validateKey", () => {
  it("lists models with the Anthropic headers", async () => {
    await anthropicAdapter.validateKey(contextFor(upstream, "anthropic", key));
    expect(upstream.requests[0]).toMatchObject({ method: "GET", path: "/v1/models", dialect: "anthropic", apiKey: key });
  });
});
