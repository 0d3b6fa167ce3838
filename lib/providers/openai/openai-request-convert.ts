/**
 * Canonical request -> OpenAI Chat request. The canonical shape is OpenAI's, so this pins the
 * streaming fields and removes the canonical extensions OpenAI would answer 400 to: every
 * `cache_control` (OpenAI caches prompts by itself), assistant `thinking_blocks` and
 * `reasoning_content` (reasoning of other providers, which OpenAI Chat cannot take back), and
 * Anthropic's `thinking` switch, which becomes `reasoning_effort`.
 */
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from "openai/resources/chat/completions";
import type { ReasoningEffort } from "openai/resources/shared";
import { adjusted, dropped, type CanonicalThinking, type ChatRequest, type TranslationWarning } from "../provider-spec";
import { stripMessageExtensions, stripToolsCacheControl } from "../shared/canonical-extensions";

/** A converted request with the warnings its conversion produced. */
export interface OpenAIConvertedRequest<Params> {
  params: Params;
  warnings: TranslationWarning[];
}

type OpenAIParams = Omit<ChatRequest, "stream" | "stream_options" | "thinking" | "cache_control">;

/**
 * The non-streaming request: `stream: false` and no `stream_options` (OpenAI rejects
 * `stream_options` without `stream: true`).
 */
export function toOpenAIChatRequest(request: ChatRequest, format: OpenAIChatFormat = "openai"): OpenAIConvertedRequest<ChatCompletionCreateParamsNonStreaming> {
  const { params, warnings } = convertCommon(request, format);
  return { params: { ...params, stream: false }, warnings };
}

/**
 * The streaming request, always with `stream_options.include_usage` so the final chunk carries
 * usage (litellm #5632: without it streamed calls log zero tokens). The gateway strips that chunk
 * when its own client did not ask for it.
 */
export function toOpenAIStreamRequest(request: ChatRequest, format: OpenAIChatFormat = "openai"): OpenAIConvertedRequest<ChatCompletionCreateParamsStreaming> {
  const { params, warnings } = convertCommon(request, format);
  return { params: { ...params, stream: true, stream_options: { ...request.stream_options, include_usage: true } }, warnings };
}

/** The formats whose upstream speaks OpenAI's Chat Completions. */
type OpenAIChatFormat = "openai" | "openai-compatible";

/**
 * OpenAI's reasoning models (o-series, GPT-5 and later) take `reasoning_effort`; the others
 * answer 400 "Unsupported parameter: 'reasoning_effort'". A name rule, like the models' own.
 */
export function isOpenAIReasoningModel(model: string): boolean {
  return /^(o\d|gpt-(?:[5-9]|\d{2,}))/.test(model);
}

/**
 * What OpenAI's own API needs beyond the canonical request: `max_completion_tokens` (reasoning
 * models refuse `max_tokens`; every current model takes the new name), and `reasoning_effort`
 * only for models that reason. Other servers of the format get the request as it is.
 */
function fitOpenAIModel(params: OpenAIParams, warnings: TranslationWarning[]): void {
  if (params.max_tokens != null) {
    params.max_completion_tokens ??= params.max_tokens;
    delete params.max_tokens;
  }
  if (params.reasoning_effort != null && !isOpenAIReasoningModel(params.model)) {
    warnings.push(dropped("reasoning_effort", `reasoning_effort is not supported by ${params.model}, which does not reason, and was ignored`));
    delete params.reasoning_effort;
  }
}

function convertCommon(request: ChatRequest, format: OpenAIChatFormat): OpenAIConvertedRequest<OpenAIParams> {
  const { stream: _stream, stream_options: _streamOptions, thinking, cache_control: _cacheControl, ...rest } = request;
  const warnings: TranslationWarning[] = [];
  const params: OpenAIParams = { ...rest, messages: request.messages.map((message) => stripMessageExtensions(message)) };
  if (request.tools) params.tools = stripToolsCacheControl(request.tools);
  // Anthropic's sampling option, which a door may carry in the canonical request.
  if ("top_k" in params) {
    const { top_k: topK } = params as { top_k?: unknown };
    delete (params as { top_k?: unknown }).top_k;
    if (topK != null) warnings.push(dropped("top_k", "top_k is not supported by OpenAI's Chat API and was ignored"));
  }
  if (thinking) {
    const effort = reasoningEffortFor(thinking);
    if (params.reasoning_effort != null) {
      warnings.push(dropped("thinking", "thinking was ignored: the request also sets reasoning_effort, which OpenAI uses"));
    } else if (effort === undefined) {
      warnings.push(dropped("thinking", "thinking disabled has no OpenAI equivalent; the model's default reasoning applies"));
    } else {
      params.reasoning_effort = effort;
      warnings.push(adjusted("thinking", `thinking ${describe(thinking)} was sent as reasoning_effort "${effort}"`));
    }
  }
  if (format === "openai") fitOpenAIModel(params, warnings);
  return { params, warnings };
}

/** Budget buckets: under 2048 tokens `low`, under 4096 `medium`, else `high`; adaptive is `medium`. */
export function reasoningEffortFor(thinking: CanonicalThinking): ReasoningEffort | undefined {
  if (thinking.type === "disabled") return undefined;
  if (thinking.type === "adaptive" || thinking.budget_tokens === undefined) return "medium";
  if (thinking.budget_tokens < 2048) return "low";
  return thinking.budget_tokens < 4096 ? "medium" : "high";
}

function describe(thinking: CanonicalThinking): string {
  return thinking.type === "enabled" && thinking.budget_tokens !== undefined ? `enabled (budget ${thinking.budget_tokens})` : thinking.type;
}
