/**
 * Canonical request -> DeepSeek request (https://api-docs.deepseek.com/api/create-chat-completion).
 * DeepSeek is OpenAI-compatible but not OpenAI: a few OpenAI-only options are dropped with a
 * warning, and `reasoning_content` in the history is handled as DeepSeek's guides require.
 */
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import { dropped, type ChatRequest, type TranslationWarning } from "../provider-spec";

/** OpenAI options DeepSeek does not document; sending them buys nothing and risks a 400. */
const openAIOnlyOptions = [
  "audio",
  "modalities",
  "prediction",
  "web_search_options",
  "service_tier",
  "store",
  "metadata",
  "verbosity",
  "prompt_cache_key",
  "prompt_cache_retention",
  "prompt_cache_options",
  "safety_identifier",
  "moderation",
  "logit_bias",
  "seed",
  "parallel_tool_calls",
  "functions",
  "function_call",
  "user",
] as const;

/** A converted request with the warnings its conversion produced. */
export interface DeepSeekConvertedRequest<Params> {
  params: Params;
  warnings: TranslationWarning[];
}

type AssistantWithReasoning = Extract<ChatCompletionMessageParam, { role: "assistant" }> & { reasoning_content?: unknown };

/** The non-streaming DeepSeek request. */
export function toDeepSeekChatRequest(request: ChatRequest): DeepSeekConvertedRequest<ChatCompletionCreateParamsNonStreaming> {
  const { params, warnings } = convertCommon(request);
  return { params: { ...params, stream: false }, warnings };
}

/** The streaming DeepSeek request, always asking for the final usage chunk. */
export function toDeepSeekStreamRequest(request: ChatRequest): DeepSeekConvertedRequest<ChatCompletionCreateParamsStreaming> {
  const { params, warnings } = convertCommon(request);
  return {
    params: { ...params, stream: true, stream_options: { ...request.stream_options, include_usage: true } },
    warnings,
  };
}

function convertCommon(request: ChatRequest): DeepSeekConvertedRequest<Omit<ChatRequest, "stream" | "stream_options">> {
  const { stream: _stream, stream_options: _streamOptions, ...rest } = request;
  const params: Record<string, unknown> = { ...rest };
  const warnings: TranslationWarning[] = [];

  for (const option of openAIOnlyOptions) {
    if (params[option] === undefined || params[option] === null) continue;
    delete params[option];
    warnings.push(dropped(option, `${option} is not supported by DeepSeek and was ignored`));
  }
  if (typeof params.n === "number" && params.n > 1) warnings.push(dropped("n", "n > 1 is not supported by DeepSeek; one choice is returned"));
  delete params.n;

  // DeepSeek documents only `max_tokens`.
  if (params.max_completion_tokens != null) {
    params.max_tokens ??= params.max_completion_tokens;
    delete params.max_completion_tokens;
  }

  // The reasoner rejects logprobs (https://api-docs.deepseek.com/guides/reasoning_model).
  if (String(request.model).includes("reasoner") && (params.logprobs != null || params.top_logprobs != null)) {
    delete params.logprobs;
    delete params.top_logprobs;
    warnings.push(dropped("logprobs", "logprobs are not supported by deepseek-reasoner and were ignored"));
  }

  params.messages = request.messages.map(stripReasoningContent);
  return { params: params as Omit<ChatRequest, "stream" | "stream_options">, warnings };
}

/**
 * Drops `reasoning_content` from assistant history unless the turn made tool calls: the reasoner
 * answers 400 when it is sent back (https://api-docs.deepseek.com/guides/reasoning_model), while
 * thinking mode requires it on tool-call turns (https://api-docs.deepseek.com/guides/thinking_mode).
 */
function stripReasoningContent(message: ChatCompletionMessageParam): ChatCompletionMessageParam {
  if (message.role !== "assistant") return message;
  const assistant = message as AssistantWithReasoning;
  if (assistant.reasoning_content === undefined) return message;
  if (assistant.tool_calls && assistant.tool_calls.length > 0) return message;
  const { reasoning_content: _reasoning, ...withoutReasoning } = assistant;
  return withoutReasoning;
}
