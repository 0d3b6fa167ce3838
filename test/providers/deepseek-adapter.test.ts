import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deepSeekAdapter } from "../../lib/providers/deepseek/deepseek-adapter";
import { isProviderError } from "../../lib/providers/provider-error";
import { chunkHasContent, isUsageChunk, type ChatCompletionChunkDelta, type ChatRequest } from "../../lib/providers/provider-spec";
import { reply, startFakeUpstream, type FakeUpstream } from "../support/fake-upstream";
import { collectChunks, collectUntilError, contextFor, streamedText } from "./provider-test-support";

const key = "sk-deepseek-test-0001";
let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());

const reasoningOf = (chunks: { choices: { delta: ChatCompletionChunkDelta }[] }[]) =>
  chunks.map((chunk) => chunk.choices.map((choice) => choice.delta.reasoning_content ?? "").join("")).join("");

describe("deepSeekAdapter.chat", () => {
  it("passes reasoning_content through and maps cache hits and reasoning tokens", async () => {
    upstream.script(key, reply.ok({ content: "42", reasoning: "Let me think.", usage: { promptTokens: 100, completionTokens: 30, cachedTokens: 64, reasoningTokens: 25 } }));
    const result = await deepSeekAdapter.chat({ model: "deepseek-reasoner", messages: [{ role: "user", content: "?" }] }, contextFor(upstream, "deepseek", key));

    expect(upstream.requests[0].path).toBe("/chat/completions");
    const message = result.completion.choices[0].message as typeof result.completion.choices[0]["message"] & { reasoning_content?: string };
    expect(message.content).toBe("42");
    expect(message.reasoning_content).toBe("Let me think.");
    expect(result.usage).toEqual({ promptTokens: 100, completionTokens: 30, totalTokens: 130, cachedTokens: 64, reasoningTokens: 25 });
    expect(result.completion.usage?.prompt_tokens_details?.cached_tokens).toBe(64);
  });

  it("strips reasoning_content from history except on tool-call turns, and maps max_completion_tokens", async () => {
    const request: ChatRequest = {
      model: "deepseek-reasoner",
      max_completion_tokens: 512,
      messages: [
        { role: "user", content: "a" },
        { role: "assistant", content: "b", reasoning_content: "old thoughts" } as ChatRequest["messages"][number],
        { role: "user", content: "c" },
      ],
    };
    // The fake reasoner answers 400 if reasoning_content comes back, as the real one does.
    const result = await deepSeekAdapter.chat(request, contextFor(upstream, "deepseek", key));
    expect(result.completion.choices[0].message.content).toBe("Echo: c");
    const sent = upstream.requests[0].body;
    expect(sent.messages[1]).toEqual({ role: "assistant", content: "b" });
    expect(sent.max_tokens).toBe(512);
    expect(sent.max_completion_tokens).toBeUndefined();

    const toolTurn = {
      role: "assistant",
      content: null,
      reasoning_content: "need the tool",
      tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }],
    } as ChatRequest["messages"][number];
    await deepSeekAdapter.chat(
      { model: "deepseek-chat", messages: [{ role: "user", content: "a" }, toolTurn, { role: "tool", tool_call_id: "call_1", content: "r" }] },
      contextFor(upstream, "deepseek", key),
    );
    expect(upstream.requests[1].body.messages[1].reasoning_content).toBe("need the tool");
  });

  it("drops OpenAI-only options with warnings", async () => {
    const result = await deepSeekAdapter.chat(
      { model: "deepseek-chat", messages: [{ role: "user", content: "x" }], seed: 1, store: true, n: 2, parallel_tool_calls: false, temperature: 0.2 },
      contextFor(upstream, "deepseek", key),
    );
    expect(result.warnings.map((warning) => warning.message)).toEqual([
      "store is not supported by DeepSeek and was ignored",
      "seed is not supported by DeepSeek and was ignored",
      "parallel_tool_calls is not supported by DeepSeek and was ignored",
      "n > 1 is not supported by DeepSeek; one choice is returned",
    ]);
    expect(upstream.requests[0].body).toEqual({ model: "deepseek-chat", messages: [{ role: "user", content: "x" }], temperature: 0.2, stream: false });
  });

  it("tolerates the blank lines DeepSeek sends while a request queues", async () => {
    upstream.script(key, reply.ok({ content: "after the wait", keepAlives: 3 }));
    const result = await deepSeekAdapter.chat({ model: "deepseek-chat", messages: [{ role: "user", content: "x" }] }, contextFor(upstream, "deepseek", key));
    expect(result.completion.choices[0].message.content).toBe("after the wait");
  });

  it("treats finish_reason insufficient_system_resource as a transient failure", async () => {
    upstream.script(key, reply.ok({ content: "half an ans", finishReason: "insufficient_system_resource" }));
    const error = await deepSeekAdapter.chat({ model: "deepseek-chat", messages: [{ role: "user", content: "x" }] }, contextFor(upstream, "deepseek", key)).catch((caught) => caught);
    expect(isProviderError(error) && error.kind).toBe("transient");
    expect(error.code).toBe("insufficient_system_resource");
  });
});

describe("deepSeekAdapter.stream", () => {
  it("streams reasoning and content, and moves usage into its own chunk", async () => {
    upstream.script(key, reply.ok({ content: "Hello there", reasoning: "User greets me.", usage: { promptTokens: 13, completionTokens: 40, cachedTokens: 8, reasoningTokens: 36 } }));
    const stream = await deepSeekAdapter.stream({ model: "deepseek-reasoner", messages: [{ role: "user", content: "hi" }] }, contextFor(upstream, "deepseek", key));
    const chunks = await collectChunks(stream);

    expect(upstream.requests[0].body.stream_options).toEqual({ include_usage: true });
    expect(reasoningOf(chunks)).toBe("User greets me.");
    expect(streamedText(chunks)).toBe("Hello there");
    expect(chunkHasContent(chunks[0])).toBe(false);
    expect(chunkHasContent(chunks[1])).toBe(true);
    const finish = chunks.at(-2)!;
    expect(finish.choices[0].finish_reason).toBe("stop");
    expect(finish.usage).toBeNull();
    const usage = chunks.at(-1)!;
    expect(isUsageChunk(usage)).toBe(true);
    expect(usage.usage).toMatchObject({ prompt_tokens: 13, completion_tokens: 40, prompt_cache_hit_tokens: 8, prompt_tokens_details: { cached_tokens: 8 }, completion_tokens_details: { reasoning_tokens: 36 } });
  });

  it("skips ': keep-alive' comments (recorded reasoner stream)", async () => {
    upstream.script(key, reply.fixture("deepseek-reasoner-stream.sse", { chunkDelayMs: 5 }));
    const chunks = await collectChunks(await deepSeekAdapter.stream({ model: "deepseek-reasoner", messages: [{ role: "user", content: "hi" }] }, contextFor(upstream, "deepseek", key)));
    expect(chunks).toHaveLength(7);
    expect(reasoningOf(chunks)).toBe("Okay, the user says hi.");
    expect(streamedText(chunks)).toBe("Hello!");
    expect(chunks.at(-1)?.usage?.prompt_tokens_details?.cached_tokens).toBe(8);
  });

  it("yields nothing for keep-alives sent before the first token", async () => {
    upstream.script(key, reply.ok({ content: "ok", keepAlives: 5, keepAliveIntervalMs: 10 }));
    const chunks = await collectChunks(await deepSeekAdapter.stream({ model: "deepseek-chat", messages: [{ role: "user", content: "x" }] }, contextFor(upstream, "deepseek", key)));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "usage")).toEqual(["", "ok", "", "usage"]);
  });

  it("throws a transient error for insufficient_system_resource mid-stream", async () => {
    upstream.script(key, reply.ok({ content: "part of it", finishReason: "insufficient_system_resource" }));
    const stream = await deepSeekAdapter.stream({ model: "deepseek-chat", messages: [{ role: "user", content: "x" }] }, contextFor(upstream, "deepseek", key));
    const { chunks, error } = await collectUntilError(stream);
    expect(streamedText(chunks)).toBe("part of it");
    expect(error).toMatchObject({ kind: "transient", code: "insufficient_system_resource" });
  });

  it("reports dropped options on the stream", async () => {
    const stream = await deepSeekAdapter.stream({ model: "deepseek-chat", messages: [{ role: "user", content: "x" }], user: "u1" }, contextFor(upstream, "deepseek", key));
    await collectChunks(stream);
    expect(stream.warnings.map((warning) => warning.message)).toEqual(["user is not supported by DeepSeek and was ignored"]);
  });
});

describe("deepSeekAdapter.validateKey", () => {
  it("lists models at /models", async () => {
    await deepSeekAdapter.validateKey(contextFor(upstream, "deepseek", key));
    expect(upstream.requests[0]).toMatchObject({ method: "GET", path: "/models", dialect: "deepseek" });
  });
});
