/**
 * The canonical request's extensions through the OpenAI-format adapters (DeepSeek, OpenAI and
 * OpenAI-compatible servers) against the fake upstream, asserting what the upstream received:
 * the fake answers 400 to what the real APIs refuse (the developer role, images and JSON
 * schemas on DeepSeek; Anthropic-style fields on OpenAI).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deepSeekAdapter } from "../../lib/providers/deepseek/deepseek-adapter";
import { isProviderError } from "../../lib/providers/provider-error";
import { getAdapter } from "../../lib/providers/provider-registry";
import type { ChatRequest, ProviderFormat, TranslationWarning } from "../../lib/providers/provider-spec";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream";
import { collectChunks, contextFor } from "./provider-test-support";

let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());

const ephemeral = { type: "ephemeral" } as const;
const label = (warning: TranslationWarning) => `${warning.action} ${warning.field}`;

/** Every canonical extension at once, on messages, parts, tools and the request. */
function withEveryExtension(model: string): ChatRequest {
  return {
    model,
    cache_control: ephemeral,
    messages: [
      { role: "system", content: [{ type: "text", text: "Rules.", cache_control: ephemeral }] },
      { role: "user", content: "Weather?", cache_control: ephemeral },
      {
        role: "assistant",
        content: null,
        reasoning_content: "Use the tool.",
        thinking_blocks: [{ type: "thinking", thinking: "Use the tool.", signature: "sig" }],
        tool_calls: [{ id: "call_1", type: "function", function: { name: "weather", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "call_1", content: "Sunny", cache_control: ephemeral },
      { role: "assistant", content: "It is sunny.", reasoning_content: "Easy.", thinking_blocks: [{ type: "redacted_thinking", data: "x" }] },
      { role: "user", content: "Thanks" },
    ],
    tools: [{ type: "function", function: { name: "weather", parameters: { type: "object" } }, cache_control: ephemeral }],
  } as unknown as ChatRequest;
}

async function sendWith(format: ProviderFormat, key: string, request: ChatRequest) {
  const result = await getAdapter(format).chat(request, contextFor(upstream, format, key));
  return { body: upstream.requests.at(-1)!.body, warnings: result.warnings.map(label) };
}

describe("DeepSeek", () => {
  const key = "sk-deepseek-translation-01";

  it("sends developer messages as system messages", async () => {
    const { body } = await sendWith("deepseek", key, { model: "deepseek-chat", messages: [{ role: "developer", content: "Be terse." }, { role: "user", content: "Hi" }] });
    expect(body.messages).toEqual([{ role: "system", content: "Be terse." }, { role: "user", content: "Hi" }]);
  });

  it("turns a JSON schema into JSON mode with the schema in the system prompt", async () => {
    const schema = { type: "object", properties: { answer: { type: "number" } }, required: ["answer"] };
    const { body, warnings } = await sendWith("deepseek", key, {
      model: "deepseek-chat",
      messages: [{ role: "system", content: "You do sums." }, { role: "user", content: "1+1" }],
      response_format: { type: "json_schema", json_schema: { name: "sum", schema, strict: true } },
    });
    expect(body.response_format).toEqual({ type: "json_object" });
    expect(body.messages[0]).toEqual({ role: "system", content: "You do sums." });
    expect(body.messages[1].role).toBe("system");
    expect(body.messages[1].content).toContain("JSON");
    expect(body.messages[1].content).toContain(JSON.stringify(schema));
    expect(body.messages[2]).toEqual({ role: "user", content: "1+1" });
    expect(warnings).toEqual(["emulated response_format"]);
  });

  it("passes thinking as DeepSeek's switch, and reasoning_effort as it is", async () => {
    const enabled = await sendWith("deepseek", key, { model: "deepseek-chat", messages: [{ role: "user", content: "x" }], thinking: { type: "enabled" }, reasoning_effort: "high" });
    expect(enabled.body).toMatchObject({ thinking: { type: "enabled" }, reasoning_effort: "high" });
    expect(enabled.warnings).toEqual([]);
    const budget = await sendWith("deepseek", key, { model: "deepseek-chat", messages: [{ role: "user", content: "x" }], thinking: { type: "enabled", budget_tokens: 4000 } });
    expect(budget.body.thinking).toEqual({ type: "enabled" });
    expect(budget.warnings).toEqual(["adjusted thinking"]);
    const disabled = await sendWith("deepseek", key, { model: "deepseek-chat", messages: [{ role: "user", content: "x" }], thinking: { type: "disabled" } });
    expect(disabled.body.thinking).toEqual({ type: "disabled" });
  });

  it("strips every cache_control and thinking block, keeping reasoning_content on the tool-call turn only", async () => {
    const { body, warnings } = await sendWith("deepseek", key, withEveryExtension("deepseek-chat"));
    expect(body).not.toHaveProperty("cache_control");
    expect(JSON.stringify(body)).not.toContain("cache_control");
    expect(JSON.stringify(body)).not.toContain("thinking_blocks");
    expect(body.messages[2]).toEqual({
      role: "assistant",
      content: null,
      reasoning_content: "Use the tool.",
      tool_calls: [{ id: "call_1", type: "function", function: { name: "weather", arguments: "{}" } }],
    });
    expect(body.messages[4]).toEqual({ role: "assistant", content: "It is sunny." });
    expect(body.tools).toEqual([{ type: "function", function: { name: "weather", parameters: { type: "object" } } }]);
    expect(warnings).toEqual([]);
  });

  it("warns when a tool-call turn's only reasoning was Anthropic's signed thinking", async () => {
    const { warnings } = await sendWith("deepseek", key, {
      model: "deepseek-chat",
      messages: [
        { role: "user", content: "x" },
        { role: "assistant", content: null, thinking_blocks: [{ type: "thinking", thinking: "Claude's plan.", signature: "sig" }], tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "c", content: "ok" },
      ],
    } as unknown as ChatRequest);
    expect(warnings).toEqual(["dropped messages[1].thinking_blocks"]);
  });

  it.each([
    ["image_url", { type: "image_url", image_url: { url: "https://example.com/cat.png" } }],
    ["file", { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" } }],
  ])("answers a %s part with a 400 naming the field and the provider, before calling", async (type, part) => {
    const request = { model: "deepseek-chat", messages: [{ role: "user", content: [{ type: "text", text: "Look" }, part] }] } as unknown as ChatRequest;
    for (const call of [() => deepSeekAdapter.chat(request, contextFor(upstream, "deepseek", key)), () => deepSeekAdapter.stream(request, contextFor(upstream, "deepseek", key))]) {
      const error = await call().catch((caught: unknown) => caught);
      expect(isProviderError(error)).toBe(true);
      expect(error).toMatchObject({ kind: "client_error", status: 400, provider: "deepseek" });
      expect((error as Error).message).toBe(`messages[0].content: "${type}" parts are not supported by provider format "deepseek", whose Chat API takes text only`);
    }
    expect(upstream.requests).toHaveLength(0);
  });

  it("streams with the same conversion", async () => {
    const chunks = await collectChunks(await deepSeekAdapter.stream({ model: "deepseek-chat", messages: [{ role: "developer", content: "d" }, { role: "user", content: "hi", cache_control: ephemeral } as ChatRequest["messages"][number]] }, contextFor(upstream, "deepseek", key)));
    expect(chunks.length).toBeGreaterThan(0);
    expect(upstream.requests[0].body.messages).toEqual([{ role: "system", content: "d" }, { role: "user", content: "hi" }]);
  });
});

describe.each(["openai", "openai-compatible"] as const)("%s", (format) => {
  const key = `sk-${format}-translation-01`;

  it("strips every canonical extension before sending", async () => {
    const { body, warnings } = await sendWith(format, key, withEveryExtension("gpt-4o-mini"));
    for (const field of ["cache_control", "thinking_blocks", "reasoning_content"]) expect(JSON.stringify(body)).not.toContain(field);
    expect(body.messages).toEqual([
      { role: "system", content: [{ type: "text", text: "Rules." }] },
      { role: "user", content: "Weather?" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "weather", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "call_1", content: "Sunny" },
      { role: "assistant", content: "It is sunny." },
      { role: "user", content: "Thanks" },
    ]);
    expect(warnings).toEqual([]);
  });

  it.each([
    [{ type: "enabled", budget_tokens: 1024 }, "low"],
    [{ type: "enabled", budget_tokens: 3000 }, "medium"],
    [{ type: "enabled", budget_tokens: 16000 }, "high"],
    [{ type: "adaptive" }, "medium"],
  ])("sends thinking %j as reasoning_effort %s with an adjusted warning", async (thinking, effort) => {
    const { body, warnings } = await sendWith(format, key, { model: "o4-mini", messages: [{ role: "user", content: "x" }], thinking } as ChatRequest);
    expect(body.reasoning_effort).toBe(effort);
    expect(body).not.toHaveProperty("thinking");
    expect(warnings).toEqual(["adjusted thinking"]);
  });

  it("omits thinking disabled, and lets an explicit reasoning_effort win", async () => {
    const disabled = await sendWith(format, key, { model: "o4-mini", messages: [{ role: "user", content: "x" }], thinking: { type: "disabled" } });
    expect(disabled.body).not.toHaveProperty("reasoning_effort");
    expect(disabled.warnings).toEqual(["dropped thinking"]);
    const both = await sendWith(format, key, { model: "o4-mini", messages: [{ role: "user", content: "x" }], thinking: { type: "adaptive" }, reasoning_effort: "low" });
    expect(both.body.reasoning_effort).toBe("low");
    expect(both.warnings).toEqual(["dropped thinking"]);
  });

  it("streams with the same conversion", async () => {
    await collectChunks(await getAdapter(format).stream(withEveryExtension("gpt-4o-mini"), contextFor(upstream, format, key)));
    expect(JSON.stringify(upstream.requests[0].body)).not.toContain("cache_control");
    expect(upstream.requests[0].body.stream_options).toEqual({ include_usage: true });
  });
});
