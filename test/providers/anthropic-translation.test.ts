/**
 * The canonical request's extensions and OpenAI-only options through the real Anthropic adapter
 * against the fake upstream, asserting what reached "Anthropic": structured output, prompt
 * caching, thinking and effort per model generation, signed thinking in history and answers,
 * `n > 1`, dropped fields and the pinned API version.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { anthropicAdapter } from "../../lib/providers/anthropic/anthropic-adapter";
import { jsonObjectInstruction } from "../../lib/providers/anthropic/anthropic-output-format";
import { isProviderError } from "../../lib/providers/provider-error";
import type { ChatCompletionChunkDelta, ChatRequest, TranslationWarning } from "../../lib/providers/provider-spec";
import { reply, startFakeUpstream, type FakeUpstream } from "../support/fake-upstream";
import { collectChunks, contextFor } from "./provider-test-support";

const key = "sk-ant-api03-translation-0001";
let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());

const ephemeral = { type: "ephemeral" } as const;
const hour = { type: "ephemeral", ttl: "1h" } as const;

/** Sends a request through the adapter; returns what the upstream received and the warnings. */
async function send(request: object) {
  const result = await anthropicAdapter.chat({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "Hi" }], ...request } as ChatRequest, contextFor(upstream, "anthropic", key));
  const sent = upstream.requests.at(-1)!;
  return { body: sent.body, headers: sent.headers, result, warnings: result.warnings.map(label) };
}

function label(warning: TranslationWarning): string {
  return `${warning.action} ${warning.field}`;
}

describe("structured output", () => {
  it("sends a JSON schema as output_config.format without name, description or strict", async () => {
    const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false };
    const { body, warnings } = await send({ response_format: { type: "json_schema", json_schema: { name: "place", description: "A place", schema, strict: true } } });
    expect(body.output_config).toEqual({ format: { type: "json_schema", schema } });
    expect(body).not.toHaveProperty("response_format");
    expect(warnings).toEqual([]);
  });

  it("warns only when strict: false was asked, since Anthropic enforces the schema", async () => {
    const { warnings } = await send({ response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" }, strict: false } } });
    expect(warnings).toEqual(["adjusted response_format.json_schema.strict"]);
  });

  it("turns json_object into a system instruction, and text into nothing", async () => {
    const json = await send({ messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }], response_format: { type: "json_object" } });
    expect(json.body.system).toBe(`Be brief.\n\n${jsonObjectInstruction}`);
    expect(json.body).not.toHaveProperty("output_config");
    expect(json.warnings).toEqual(["emulated response_format"]);
    const text = await send({ response_format: { type: "text" } });
    expect(text.body).not.toHaveProperty("system");
    expect(text.warnings).toEqual([]);
  });
});

describe("prompt caching", () => {
  it("keeps every cache_control on its block, a message's on its last block, and the top-level one", async () => {
    const { body, warnings } = await send({
      cache_control: hour,
      messages: [
        { role: "system", content: [{ type: "text", text: "Policy." }, { type: "text", text: "Long manual.", cache_control: ephemeral }] },
        { role: "user", content: [{ type: "text", text: "Read this." }, { type: "text", text: "Document." }], cache_control: ephemeral },
        { role: "assistant", content: "Done." },
        { role: "user", content: "Question?" },
      ],
      tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object" } }, cache_control: ephemeral }],
    });
    expect(body.cache_control).toEqual(hour);
    expect(body.system).toEqual([
      { type: "text", text: "Policy." },
      { type: "text", text: "Long manual.", cache_control: ephemeral },
    ]);
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Read this." }, { type: "text", text: "Document.", cache_control: ephemeral }] },
      { role: "assistant", content: "Done." },
      { role: "user", content: "Question?" },
    ]);
    expect(body.tools).toEqual([{ name: "lookup", input_schema: { type: "object" }, cache_control: ephemeral }]);
    expect(warnings).toEqual([]);
  });

  it("marks assistant turns, tool results and images", async () => {
    const image = "data:image/png;base64,iVBORw0KGgo=";
    const { body } = await send({
      messages: [
        { role: "user", content: [{ type: "image_url", image_url: { url: image }, cache_control: ephemeral }] },
        { role: "assistant", content: null, tool_calls: [{ id: "toolu_1", type: "function", function: { name: "f", arguments: "{}" } }], cache_control: ephemeral },
        { role: "tool", tool_call_id: "toolu_1", content: "result", cache_control: ephemeral },
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" }, cache_control: ephemeral }] },
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "f", input: {}, cache_control: ephemeral }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "result", cache_control: ephemeral }] },
    ]);
  });
});

describe("thinking and reasoning_effort", () => {
  it("passes adaptive and disabled thinking as Anthropic's", async () => {
    expect((await send({ thinking: { type: "adaptive", display: "summarized" } })).body.thinking).toEqual({ type: "adaptive", display: "summarized" });
    expect((await send({ thinking: { type: "disabled" } })).body.thinking).toEqual({ type: "disabled" });
  });

  it("keeps an enabled budget at least 1024 and below max_tokens, with warnings", async () => {
    const small = await send({ model: "claude-haiku-4-5", max_tokens: 1000, thinking: { type: "enabled", budget_tokens: 500 } });
    expect(small.body).toMatchObject({ thinking: { type: "enabled", budget_tokens: 1024 }, max_tokens: 2024 });
    expect(small.warnings).toEqual(["adjusted thinking.budget_tokens", "adjusted max_tokens"]);
    const fits = await send({ model: "claude-haiku-4-5", max_tokens: 8000, thinking: { type: "enabled", budget_tokens: 3000 } });
    expect(fits.body).toMatchObject({ thinking: { type: "enabled", budget_tokens: 3000 }, max_tokens: 8000 });
    expect(fits.warnings).toEqual([]);
  });

  it("maps reasoning_effort to adaptive thinking and output_config.effort on adaptive models", async () => {
    const high = await send({ model: "claude-opus-4-6", reasoning_effort: "high" });
    expect(high.body).toMatchObject({ thinking: { type: "adaptive" }, output_config: { effort: "high" } });
    expect(high.warnings).toEqual([]);
    const minimal = await send({ model: "claude-opus-4-6", reasoning_effort: "minimal" });
    expect(minimal.body.output_config).toEqual({ effort: "low" });
    expect(minimal.warnings).toEqual(["adjusted reasoning_effort"]);
    const none = await send({ model: "claude-opus-4-6", reasoning_effort: "none" });
    expect(none.body.thinking).toEqual({ type: "disabled" });
    expect(none.body).not.toHaveProperty("output_config");
  });

  it("maps reasoning_effort to a thinking budget on budget models", async () => {
    const high = await send({ model: "claude-haiku-4-5", max_tokens: 10000, reasoning_effort: "high" });
    expect(high.body).toMatchObject({ thinking: { type: "enabled", budget_tokens: 4096 }, max_tokens: 10000 });
    expect(high.body).not.toHaveProperty("output_config");
    expect(high.warnings).toEqual(["emulated reasoning_effort"]);
    const adaptive = await send({ model: "claude-haiku-4-5", thinking: { type: "adaptive" } });
    expect(adaptive.body.thinking).toEqual({ type: "enabled", budget_tokens: 2048 });
    expect(adaptive.warnings).toEqual(["adjusted thinking"]);
    const none = await send({ model: "claude-haiku-4-5", reasoning_effort: "none" });
    expect(none.body).not.toHaveProperty("thinking");
  });

  it("drops thinking when tool_choice forces a tool", async () => {
    const { body, warnings } = await send({
      thinking: { type: "adaptive" },
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
      tool_choice: "required",
    });
    expect(body.tool_choice).toEqual({ type: "any" });
    expect(body).not.toHaveProperty("thinking");
    expect(warnings).toEqual(["dropped thinking"]);
  });

  it("sends only default sampling with thinking on", async () => {
    const { body, warnings } = await send({ thinking: { type: "adaptive" }, temperature: 0.2, top_p: 0.5, top_k: 5 });
    expect(body).not.toHaveProperty("temperature");
    expect(body).not.toHaveProperty("top_k");
    expect(body.top_p).toBe(0.95);
    expect(warnings).toEqual(["dropped temperature", "adjusted top_p", "dropped top_k"]);
  });
});

describe("signed thinking in history", () => {
  const signed = { type: "thinking", thinking: "Weather needs a tool.", signature: "sig-abc" } as const;
  const redacted = { type: "redacted_thinking", data: "opaque==" } as const;

  it("puts thinking_blocks first in their assistant turn, unchanged, across a tool round trip", async () => {
    const { body, warnings } = await send({
      thinking: { type: "enabled", budget_tokens: 1024 },
      max_tokens: 4096,
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }],
      messages: [
        { role: "user", content: "Weather in Oslo?" },
        {
          role: "assistant",
          content: "Checking.",
          reasoning_content: "Weather needs a tool.",
          thinking_blocks: [signed, redacted],
          tool_calls: [{ id: "toolu_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }],
        },
        { role: "tool", tool_call_id: "toolu_1", content: "4C" },
      ],
    });
    expect(body.messages[1]).toEqual({
      role: "assistant",
      content: [signed, redacted, { type: "text", text: "Checking." }, { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Oslo" } }],
    });
    expect(warnings).toEqual([]);
  });

  it("drops reasoning_content that has no signed blocks", async () => {
    const { body, warnings } = await send({
      messages: [
        { role: "user", content: "a" },
        { role: "assistant", content: "b", reasoning_content: "unsigned thoughts" },
        { role: "user", content: "c" },
      ],
    });
    expect(body.messages[1]).toEqual({ role: "assistant", content: "b" });
    expect(JSON.stringify(body)).not.toContain("unsigned thoughts");
    expect(warnings).toEqual(["dropped messages.reasoning_content"]);
  });
});

describe("thinking in answers", () => {
  const blocks = [
    { type: "thinking", thinking: "First I think.", signature: "sig-1" },
    { type: "redacted_thinking", data: "redacted==" },
  ] as const;

  it("returns reasoning_content and every thinking block with its signature", async () => {
    upstream.script(key, reply.ok({ content: "Answer.", thinkingBlocks: [...blocks] }));
    const { result } = await send({});
    const message = result.completion.choices[0].message as { reasoning_content?: string; thinking_blocks?: unknown };
    expect(message.reasoning_content).toBe("First I think.");
    expect(message.thinking_blocks).toEqual(blocks);
    expect(message).toMatchObject({ content: "Answer." });
  });

  it("streams thinking text, then its signature, and redacted blocks whole", async () => {
    upstream.script(key, reply.ok({ content: "Answer.", thinkingBlocks: [...blocks] }));
    const chunks = await collectChunks(await anthropicAdapter.stream({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "x" }] }, contextFor(upstream, "anthropic", key)));
    const deltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta as ChatCompletionChunkDelta));
    const reasoningEvents = deltas
      .map((delta) => (delta.reasoning_content ? `text:${delta.reasoning_content}` : delta.reasoning_signature ? `signature:${delta.reasoning_signature}` : delta.reasoning_redacted ? `redacted:${delta.reasoning_redacted}` : ""))
      .filter(Boolean);
    expect(reasoningEvents).toEqual(["text:First ", "text:I ", "text:think.", "signature:sig-1", "redacted:redacted=="]);
  });
});

describe("fields Anthropic cannot carry", () => {
  it("answers n > 1 with a 400 naming the field and the provider, before calling", async () => {
    const error = await anthropicAdapter.chat({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "x" }], n: 2 }, contextFor(upstream, "anthropic", key)).catch((caught: unknown) => caught);
    expect(isProviderError(error)).toBe(true);
    expect(error).toMatchObject({ kind: "client_error", status: 400, retryable: false, provider: "anthropic" });
    expect((error as Error).message).toMatch(/^n: .*"anthropic"/);
    expect(upstream.requests).toHaveLength(0);
  });

  it("drops the OpenAI-only options, and any field it does not know, with a warning each", async () => {
    const { body, warnings } = await send({
      logprobs: true,
      top_logprobs: 3,
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: 0.5,
      logit_bias: { "50256": -100 },
      modalities: ["text"],
      audio: { voice: "alloy", format: "mp3" },
      prediction: { type: "content", content: "x" },
      web_search_options: {},
      brand_new_option: true,
      n: 1,
      store: false,
    });
    expect(warnings).toEqual(
      ["logprobs", "top_logprobs", "seed", "presence_penalty", "frequency_penalty", "logit_bias", "modalities", "audio", "prediction", "web_search_options", "brand_new_option"].map((field) => `dropped ${field}`),
    );
    expect(Object.keys(body).sort()).toEqual(["max_tokens", "messages", "model", "stream"]);
  });
});

describe("sampling and the API version", () => {
  it("sends temperature, top_p and top_k under the pinned 2023-06-01, which the upstream accepts", async () => {
    const { body, headers, warnings } = await send({ temperature: 0.5, top_p: 0.9, top_k: 40 });
    expect(headers["anthropic-version"]).toBe("2023-06-01");
    expect(body).toMatchObject({ temperature: 0.5, top_p: 0.9, top_k: 40 });
    expect(warnings).toEqual([]);
  });

  it("drops non-default sampling on models after 4.6", async () => {
    const { body, warnings } = await send({ model: "claude-sonnet-5", temperature: 0.5, top_p: 0.9 });
    expect(body).not.toHaveProperty("temperature");
    expect(body.top_p).toBe(0.99);
    expect(warnings).toEqual(["dropped temperature", "adjusted top_p"]);
  });
});

describe("cache usage", () => {
  it("reports cache reads and cache writes, streamed and not", async () => {
    const usage = { promptTokens: 1000, cachedTokens: 600, cacheCreationTokens: 300, completionTokens: 20 };
    upstream.script(key, [reply.ok({ content: "x", usage }), reply.ok({ content: "x", usage })]);
    const { result } = await send({});
    expect(result.usage).toMatchObject({ promptTokens: 1000, cachedTokens: 600, cacheCreationTokens: 300 });
    const chunks = await collectChunks(await anthropicAdapter.stream({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "x" }] }, contextFor(upstream, "anthropic", key)));
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 1000, prompt_tokens_details: { cached_tokens: 600, cache_creation_tokens: 300 } });
  });
});
