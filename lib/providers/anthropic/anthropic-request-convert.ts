/**
 * Canonical (OpenAI) request -> Anthropic Messages request (https://docs.anthropic.com/en/api/messages),
 * canonical extensions included (thinking, signed thinking blocks, prompt caching). Every field
 * of the request is either carried or reported as a warning; `n > 1`, which cannot be honoured
 * without changing the answer's shape, is a 400.
 */
import type { MessageCreateParamsBase, ToolChoice } from "@anthropic-ai/sdk/resources/messages";
import { isProviderError, ProviderError } from "../provider-error";
import { adjusted, dropped, type ChatRequest, type TranslationWarning } from "../provider-spec";
import { cacheControlOf } from "./anthropic-content-convert";
import { toAnthropicConversation } from "./anthropic-message-convert";
import { anthropicModelRules, type AnthropicModelRules } from "./anthropic-model-rules";
import { appendToSystem, toAnthropicOutputFormat } from "./anthropic-output-format";
import { toAnthropicThinking } from "./anthropic-thinking-convert";
import { toAnthropicTools } from "./anthropic-tool-convert";

/**
 * The Messages request we send. The API documents `temperature`, `top_p` and `top_k` under the
 * `2023-06-01` version this adapter pins (https://docs.anthropic.com/en/api/messages) although
 * this SDK version's types omit them; the SDK sends the body as given.
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

/** Request fields this conversion reads; any other field that is set is reported as dropped. */
const carriedFields: ReadonlySet<string> = new Set([
  "model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "top_k", "stop", "user",
  "safety_identifier", "tools", "tool_choice", "parallel_tool_calls", "stream", "stream_options", "response_format",
  "reasoning_effort", "thinking", "cache_control", "n",
]);

/** Values of uncarried fields that ask for nothing (OpenAI's defaults), so dropping them changes nothing. */
const defaultValues: Readonly<Record<string, unknown>> = { presence_penalty: 0, frequency_penalty: 0, logprobs: false, store: false };

/**
 * Converts a canonical request into an Anthropic Messages request.
 *
 * @throws ProviderError (`client_error`, 400) for `n > 1`, and when a part of the request is too
 *   malformed to convert (e.g. a `function` tool without `function`, an `image_url` part without
 *   its URL): the request's fault, so the router answers 400 instead of failing over and blaming
 *   every key.
 */
export function toAnthropicRequest(request: ChatRequest): AnthropicConvertedRequest {
  if (typeof request.n === "number" && request.n > 1) {
    throw clientError(`n: Anthropic returns one choice per request; n = ${request.n} is not supported by provider format "anthropic"`);
  }
  try {
    return convertRequest(request);
  } catch (error) {
    if (isProviderError(error)) throw error;
    throw clientError("The request cannot be converted for Anthropic: a message, tool or tool_choice is malformed");
  }
}

function clientError(message: string): ProviderError {
  return new ProviderError({ kind: "client_error", status: 400, code: "invalid_request", message, provider: "anthropic" });
}

function convertRequest(request: ChatRequest): AnthropicConvertedRequest {
  const warnings: TranslationWarning[] = [];
  const rules = anthropicModelRules(String(request.model));
  const { system, messages } = toAnthropicConversation(request.messages, warnings);
  const tools = toAnthropicTools(request, warnings);
  const reasoning = toAnthropicThinking(
    request,
    { rules, toolChoice: tools.tool_choice as ToolChoice | undefined, maxTokens: maxTokens(request, warnings), maxTokensCap: anthropicMaxTokensCap },
    warnings,
  );
  const output = toAnthropicOutputFormat(request.response_format, warnings);
  const finalSystem = output.instruction ? appendToSystem(system, output.instruction) : system;

  const params: AnthropicMessageRequest = {
    model: request.model,
    max_tokens: reasoning.maxTokens,
    messages,
    ...(finalSystem !== undefined ? { system: finalSystem } : {}),
    ...tools,
  };
  if (reasoning.thinking) params.thinking = reasoning.thinking;
  if (reasoning.effort || output.format) {
    params.output_config = { ...(reasoning.effort ? { effort: reasoning.effort } : {}), ...(output.format ? { format: output.format } : {}) };
  }
  const cacheControl = cacheControlOf(request);
  if (cacheControl) params.cache_control = cacheControl;
  const thinkingOn = reasoning.thinking !== undefined && reasoning.thinking.type !== "disabled";
  addSampling(params, request, rules, thinkingOn, warnings);

  const stopSequences = (typeof request.stop === "string" ? [request.stop] : (request.stop ?? [])).filter((stop) => stop !== "");
  if (stopSequences.length > 0) params.stop_sequences = stopSequences;
  const userId = request.user || request.safety_identifier;
  if (userId) params.metadata = { user_id: userId };

  for (const [name, value] of Object.entries(request)) {
    if (carriedFields.has(name) || value === undefined || value === null || defaultValues[name] === value) continue;
    warnings.push(dropped(name, `${name} is not supported by Anthropic and was ignored`));
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

/**
 * `temperature`, `top_p` and `top_k`, within what Anthropic takes: temperature 0–1 (OpenAI's
 * 0–2 is clamped); with thinking on, only the default temperature, `top_p` ≥ 0.95 and no
 * `top_k`; on models after 4.6, only default sampling at all.
 */
function addSampling(params: AnthropicMessageRequest, request: ChatRequest, rules: AnthropicModelRules, thinkingOn: boolean, warnings: TranslationWarning[]): void {
  const restricted = thinkingOn || !rules.sampling;
  const why = thinkingOn ? "with thinking on" : "on this model";
  const temperature = request.temperature;
  if (temperature !== null && temperature !== undefined) {
    if (restricted && temperature !== 1) {
      warnings.push(dropped("temperature", `Anthropic accepts only the default temperature ${why}; temperature ${temperature} was not sent`));
    } else {
      const clamped = Math.min(Math.max(temperature, 0), 1);
      if (clamped !== temperature) warnings.push(adjusted("temperature", `temperature ${temperature} was clamped to ${clamped} (Anthropic accepts 0 to 1)`));
      params.temperature = clamped;
    }
  }
  const topP = request.top_p;
  if (topP !== null && topP !== undefined) {
    const floor = !rules.sampling ? 0.99 : thinkingOn ? 0.95 : 0;
    if (topP < floor) warnings.push(adjusted("top_p", `top_p ${topP} was raised to ${floor}, the lowest Anthropic accepts ${why}`));
    params.top_p = Math.max(topP, floor);
  }
  const topK = (request as { top_k?: number | null }).top_k;
  if (typeof topK === "number") {
    if (restricted) warnings.push(dropped("top_k", `Anthropic does not accept top_k ${why}; it was not sent`));
    else params.top_k = topK;
  }
}
