import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openAIAdapter } from "../../lib/providers/openai/openai-adapter";
import { chunkHasContent, isUsageChunk } from "../../lib/providers/provider-spec";
import { reply, startFakeUpstream, type FakeUpstream } from "../support/fake-upstream";
import { collectChunks, contextFor, streamedText } from "./provider-test-support";

const key = "sk-openai-test-0001";
let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());

describe("openAIAdapter.chat", () => {
  it("answers through the SDK and reports normalized usage", async () => {
    upstream.script(key, reply.ok({ content: "Bonjour", usage: { promptTokens: 40, completionTokens: 9, cachedTokens: 32, reasoningTokens: 4 } }));
    const result = await openAIAdapter.chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }, contextFor(upstream, "openai", key));

    expect(result.completion.choices[0].message.content).toBe("Bonjour");
    expect(result.completion.choices[0].finish_reason).toBe("stop");
    expect(result.usage).toEqual({ promptTokens: 40, completionTokens: 9, totalTokens: 49, cachedTokens: 32, reasoningTokens: 4 });
    expect(result.warnings).toEqual([]);
  });

  it("sends the request as given, without stream options, with the key as a bearer token", async () => {
    await openAIAdapter.chat(
      {
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" } }] }],
        temperature: 1.7,
        stream: true,
        stream_options: { include_usage: true },
      },
      contextFor(upstream, "openai", key),
    );
    const [sent] = upstream.requests;
    expect(sent.path).toBe("/v1/chat/completions");
    expect(sent.headers.authorization).toBe(`Bearer ${key}`);
    expect(sent.headers["x-stainless-retry-count"]).toBe("0");
    expect(sent.body).toEqual({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" } }] }],
      temperature: 1.7,
      stream: false,
    });
  });

  it("returns tool calls", async () => {
    upstream.script(key, reply.toolCall("get_weather", { city: "Paris" }));
    const result = await openAIAdapter.chat(
      { model: "gpt-4o-mini", messages: [{ role: "user", content: "Weather?" }], tools: [{ type: "function", function: { name: "get_weather" } }] },
      contextFor(upstream, "openai", key),
    );
    const choice = result.completion.choices[0];
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([{ id: "call_fake_1_0", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }]);
  });

  it("waits for a slow upstream that answers within the timeout", async () => {
    upstream.script(key, reply.slow(150, reply.ok({ content: "late" })));
    const result = await openAIAdapter.chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }, contextFor(upstream, "openai", key, { timeoutMs: 2000 }));
    expect(result.completion.choices[0].message.content).toBe("late");
  });
});

describe("openAIAdapter.stream", () => {
  it("always asks for usage and ends with a usage chunk", async () => {
    upstream.script(key, reply.ok({ content: "one two three", usage: { promptTokens: 20, completionTokens: 3, cachedTokens: 16 } }));
    const stream = await openAIAdapter.stream(
      { model: "gpt-4o-mini", messages: [{ role: "user", content: "count" }], stream_options: { include_obfuscation: false } },
      contextFor(upstream, "openai", key),
    );
    const chunks = await collectChunks(stream);

    expect(upstream.requests[0].body.stream).toBe(true);
    expect(upstream.requests[0].body.stream_options).toEqual({ include_obfuscation: false, include_usage: true });
    expect(streamedText(chunks)).toBe("one two three");
    expect(chunkHasContent(chunks[0])).toBe(false);
    expect(chunkHasContent(chunks[1])).toBe(true);
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe("stop");
    const last = chunks.at(-1)!;
    expect(isUsageChunk(last)).toBe(true);
    expect(last.usage).toMatchObject({ prompt_tokens: 20, completion_tokens: 3, total_tokens: 23, prompt_tokens_details: { cached_tokens: 16 } });
    expect(stream.warnings).toEqual([]);
  });

  it("passes streamed tool calls through (recorded OpenAI stream)", async () => {
    upstream.script(key, reply.fixture("openai-tool-call-stream.sse"));
    const chunks = await collectChunks(
      await openAIAdapter.stream({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Weather in Paris?" }] }, contextFor(upstream, "openai", key)),
    );
    const toolCallDeltas = chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
    expect(toolCallDeltas[0]).toMatchObject({ index: 0, id: "call_DdmO9pD3xa9XTPNJ32zg2hcA", function: { name: "get_weather" } });
    expect(toolCallDeltas.map((delta) => delta.function?.arguments ?? "").join("")).toBe('{"location":"Paris"}');
    expect(chunkHasContent(chunks[0])).toBe(true);
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe("tool_calls");
    expect(chunks.at(-1)?.usage?.prompt_tokens_details?.cached_tokens).toBe(64);
  });

  it("streams tool calls rendered by the fake upstream", async () => {
    upstream.script(key, reply.ok({ toolCalls: [{ name: "a", arguments: { x: 1 } }, { name: "b", arguments: "{}" }] }));
    const chunks = await collectChunks(await openAIAdapter.stream({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }, contextFor(upstream, "openai", key)));
    const deltas = chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
    const argumentsByIndex = [0, 1].map((index) =>
      deltas
        .filter((delta) => delta.index === index)
        .map((delta) => delta.function?.arguments ?? "")
        .join(""),
    );
    expect(argumentsByIndex).toEqual(['{"x":1}', "{}"]);
  });
});

describe("openAIAdapter.validateKey", () => {
  it("lists models with the key", async () => {
    await openAIAdapter.validateKey(contextFor(upstream, "openai", key));
    expect(upstream.requests[0]).toMatchObject({ method: "GET", path: "/v1/models", apiKey: key });
  });
});
