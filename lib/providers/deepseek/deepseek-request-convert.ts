/**
 * Canonical request -> DeepSeek request (https://api-docs.deepseek.com/api/create-chat-completion).
 * DeepSeek is OpenAI-compatible but not OpenAI: a few OpenAI-only options are dropped with a
 * warning, a JSON schema becomes JSON mode plus the schema in the system prompt
 * (https://api-docs.deepseek.com/guides/json_mode), Anthropic's `thinking` becomes DeepSeek's
 * on/off switch (https://api-docs.deepseek.com/guides/thinking_mode), and the messages are
 * converted by deepseek-message-convert.ts.
 */
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import { adjusted, dropped, emulated, type CanonicalThinking, type ChatRequest, type TranslationWarning } from "../provider-spec";
import { stripToolsCacheControl } from "../shared/canonical-extensions";
import { toDeepSeekMessages } from "./deepseek-message-convert";

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
  // Anthropic's sampling option, which a door may carry in the canonical request.
  "top_k",
] as const;

/** A converted request with the warnings its conversion produced. */
export interface DeepSeekConvertedRequest<Params> {
  params: Params;
  warnings: TranslationWarning[];
}

/**
 * The non-streaming DeepSeek request.
 *
 * @throws ProviderError (`client_error`, 400) for an image or file part, which DeepSeek cannot read
 */
export function toDeepSeekChatRequest(request: ChatRequest): DeepSeekConvertedRequest<ChatCompletionCreateParamsNonStreaming> {
  const { params, warnings } = convertCommon(request);
  return { params: { ...params, stream: false }, warnings };
}

/**
 * The streaming DeepSeek request, always asking for the final usage chunk.
 *
 * @throws ProviderError (`client_error`, 400) for an image or file part, which DeepSeek cannot read
 */
export function toDeepSeekStreamRequest(request: ChatRequest): DeepSeekConvertedRequest<ChatCompletionCreateParamsStreaming> {
  const { params, warnings } = convertCommon(request);
  return {
    params: { ...params, stream: true, stream_options: { ...request.stream_options, include_usage: true } },
    warnings,
  };
}

type DeepSeekParams = Omit<ChatRequest, "stream" | "stream_options" | "thinking" | "cache_control">;

function convertCommon(request: ChatRequest): DeepSeekConvertedRequest<DeepSeekParams> {
  // A top-level cache_control asks for caching DeepSeek does by itself: nothing to say.
  const { stream: _stream, stream_options: _streamOptions, thinking, cache_control: _cacheControl, ...rest } = request;
  const params: Record<string, unknown> = { ...rest };
  const warnings: TranslationWarning[] = [];
  params.messages = toDeepSeekMessages(request.messages, warnings);
  if (request.tools) params.tools = stripToolsCacheControl(request.tools);
  if (thinking) params.thinking = deepSeekThinking(thinking, warnings);

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

  if (request.response_format?.type === "json_schema") {
    const { name, schema } = request.response_format.json_schema;
    params.response_format = { type: "json_object" };
    params.messages = withSchemaInstruction(params.messages as ChatCompletionMessageParam[], jsonSchemaInstruction(name, schema));
    warnings.push(emulated("response_format", "DeepSeek has no JSON schema mode; JSON mode was used with the schema in the system prompt"));
  }
  return { params: params as DeepSeekParams, warnings };
}

/** DeepSeek's switch takes `enabled` or `disabled` only: no budget, no display, no adaptive mode. */
function deepSeekThinking(thinking: CanonicalThinking, warnings: TranslationWarning[]): { type: "enabled" | "disabled" } {
  if (thinking.type === "disabled") return { type: "disabled" };
  const extras = thinking.type === "adaptive" ? ["adaptive"] : [];
  if (thinking.type === "enabled" && thinking.budget_tokens !== undefined) extras.push(`budget_tokens ${thinking.budget_tokens}`);
  if (thinking.display) extras.push(`display "${thinking.display}"`);
  if (extras.length > 0) warnings.push(adjusted("thinking", `DeepSeek's thinking is on or off; sent as enabled without ${extras.join(", ")}`));
  return { type: "enabled" };
}

/** The instruction that carries a JSON schema; it names JSON, which DeepSeek's JSON mode requires. */
export function jsonSchemaInstruction(name: string, schema: Record<string, unknown> | undefined): string {
  return `Respond with a single JSON object (${name}) that conforms to this JSON schema, and nothing else:\n${JSON.stringify(schema ?? { type: "object" })}`;
}

/** Adds the instruction as a system message after the leading system messages. */
function withSchemaInstruction(messages: ChatCompletionMessageParam[], instruction: string): ChatCompletionMessageParam[] {
  let position = 0;
  while (position < messages.length && messages[position].role === "system") position++;
  return [...messages.slice(0, position), { role: "system", content: instruction }, ...messages.slice(position)];
}
