/**
 * OpenAI completion -> canonical result: the shape is already canonical; this fills the usage
 * details and normalizes finish reasons.
 */
import type { ChatCompletion, ChatResult, TranslationWarning } from "../provider-spec";
import { normalizeCompletionUsage, type ProviderCompletionUsage } from "../shared/usage-normalize";
import { normalizeOpenAIFinishReason } from "./openai-finish-reason";

/**
 * Wraps an OpenAI-compatible completion into a {@link ChatResult}.
 *
 * @param warnings warnings collected while converting the request
 */
export function toOpenAIChatResult(completion: ChatCompletion, warnings: TranslationWarning[]): ChatResult {
  const usage = normalizeCompletionUsage(completion.usage as ProviderCompletionUsage | undefined);
  const choices = (completion.choices ?? []).map((choice) => ({
    ...choice,
    finish_reason: normalizeOpenAIFinishReason(choice.finish_reason) ?? "stop",
  }));
  const completionUsage = completion.usage
    ? {
        ...completion.usage,
        prompt_tokens_details: { ...completion.usage.prompt_tokens_details, cached_tokens: usage.cachedTokens },
      }
    : undefined;
  return {
    completion: { ...completion, choices, ...(completionUsage ? { usage: completionUsage } : {}) },
    usage,
    warnings,
  };
}
