/**
 * Canonical (OpenAI) request -> Anthropic Messages request
 * (https://docs.anthropic.com/en/api/messages). Options Anthropic lacks become warnings, never
 * exceptions.
 */
import type { MessageCreateParamsBase } from "@anthropic-ai/sdk/resources/messages";
import { isProviderError, ProviderError } from "../provider-error";
import { adjusted, dropped, type ChatRequest, type TranslationWarning } from "../provider-spec";
import { toAnthropicConversation } from "./anthropic-message-convert";
import { toAnthropicTools } from "./anthropic-tool-convert";

/**
 * The Messages request we send. The API documents `temperature`, `top_p` and `top_k`
 * (https://docs.anthropic.com/en/api/messages) although this SDK version's types omit them; the
 * SDK sends the body as given.
 */
export type AnthropicMessageRequest = Omit<MessageCreateParamsBase, "stream"> & {
  temperature?: number;
  top_p?: number;
  top_k?: number;
};

/** A converted request with the warnings its conversion produced. */
export interface AnthropicConvertedRequest {
  params: AnthropicMessageRequest;
  warnings: TranslationWarning[];
}

/** `max_tokens` when the client sent none (Anthropic requires one). */
export const anthropicDefaultMaxTokens = 4096;
/** Highest `max_tokens` we pass on; above every current Claude model's output limit. */
export const anthropicMaxTokensCap = 128_000;

/** OpenAI options with no Anthropic counterpart, and the value that means "not used". */
const unsupportedOptions: { name: keyof ChatRequest; isUnset?: (value: unknown) => boolean }[] = [
  { name: "n", isUnset: (value) => value === 1 },
  { name: "presence_penalty", isUnset: (value) => value === 0 },
  { name: "frequency_penalty", isUnset: (value) => value === 0 },
  { name: "logit_bias" },
  { name: "logprobs", isUnset: (value) => value === false },
  { name: "top_logprobs" },
  { name: "seed" },
  { name: "response_format", isUnset: (value) => (value as { type?: string }).type === "text" },
  { name: "reasoning_effort" },
  { name: "audio" },
  { name: "modalities" },
  { name: "prediction" },
  { name: "web_search_options" },
  { name: "service_tier" },
  { name: "verbosity" },
  { name: "functions" },
  { name: "function_call" },
];

/**
 * Converts a canonical request into an Anthropic Messages request.
 *
 * @throws ProviderError (`client_error`, 400) when a part of the request is too malformed to
 *   convert (e.g. a `function` tool without `function`, an `image_url` part without its URL): the
 *   request's fault, so the router answers 400 instead of failing over and blaming every key.
 */
export function toAnthropicRequest(request: ChatRequest): AnthropicConvertedRequest {
  try {
    return convertRequest(request);
  } catch (error) {
    if (isProviderError(error)) throw error;
    throw new ProviderError({
      kind: "client_error",
      status: 400,
      code: "invalid_request",
      message: "The request cannot be converted for Anthropic: a message, tool or tool_choice is malformed",
      provider: "anthropic",
    });
  }
}

function convertRequest(request: ChatRequest): AnthropicConvertedRequest {
  const warnings: TranslationWarning[] = [];
  const { system, messages } = toAnthropicConversation(request.messages, warnings);
  const params: AnthropicMessageRequest = {
    model: request.model,
    max_tokens: maxTokens(request, warnings),
    messages,
    ...(system !== undefined ? { system } : {}),
    ...toAnthropicTools(request, warnings),
  };

  const temperature = clampedTemperature(request.temperature, warnings);
  if (temperature !== undefined) params.temperature = temperature;
  if (request.top_p != null) params.top_p = request.top_p;
  const stopSequences = (typeof request.stop === "string" ? [request.stop] : (request.stop ?? [])).filter((stop) => stop !== "");
  if (stopSequences.length > 0) params.stop_sequences = stopSequences;
  if (request.user) params.metadata = { user_id: request.user };

  for (const { name, isUnset } of unsupportedOptions) {
    const value = request[name];
    if (value === undefined || value === null || isUnset?.(value)) continue;
    warnings.push(dropped(String(name), `${name} is not supported by Anthropic and was ignored`));
  }
  return { params, warnings };
}

function maxTokens(request: ChatRequest, warnings: TranslationWarning[]): number {
  const requested = request.max_completion_tokens ?? request.max_tokens ?? anthropicDefaultMaxTokens;
  if (requested > anthropicMaxTokensCap) {
    warnings.push(adjusted("max_tokens", `max_tokens ${requested} was capped to ${anthropicMaxTokensCap}`));
    return anthropicMaxTokensCap;
  }
  return Math.max(1, Math.floor(requested));
}

/** OpenAI accepts 0–2, Anthropic 0–1: clamp rather than reject. */
function clampedTemperature(temperature: number | null | undefined, warnings: TranslationWarning[]): number | undefined {
  if (temperature === null || temperature === undefined) return undefined;
  const clamped = Math.min(Math.max(temperature, 0), 1);
  if (clamped !== temperature) warnings.push(adjusted("temperature", `temperature ${temperature} was clamped to ${clamped} (Anthropic accepts 0 to 1)`));
  return clamped;
}
