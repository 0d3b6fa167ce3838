/**
 * DeepSeek completion -> canonical result: `reasoning_content` stays on the message as DeepSeek
 * sends it, and the cache hit count moves into OpenAI's `prompt_tokens_details.cached_tokens`
 * (DeepSeek reports it only as `prompt_cache_hit_tokens`, https://api-docs.deepseek.com/guides/kv_cache/).
 */
import type { CompletionUsage } from "openai/resources/completions";
import type { ChatCompletion, ChatResult, TranslationWarning } from "../provider-spec";
import { normalizeCompletionUsage, type ProviderCompletionUsage } from "../shared/usage-normalize";
import { mapDeepSeekFinishReason } from "./deepseek-finish-reason";

/**
 * Wraps a DeepSeek completion into a {@link ChatResult}.
 *
 * @throws ProviderError when DeepSeek cut the answer short (`insufficient_system_resource`)
 */
export function toDeepSeekChatResult(completion: ChatCompletion, warnings: TranslationWarning[]): ChatResult {
  const choices = (completion.choices ?? []).map((choice) => ({
    ...choice,
    finish_reason: mapDeepSeekFinishReason(choice.finish_reason) ?? "stop",
  }));
  const usage = completion.usage ? normalizeDeepSeekUsage(completion.usage) : undefined;
  return {
    completion: { ...completion, choices, ...(usage ? { usage } : {}) },
    usage: normalizeCompletionUsage(usage),
    warnings,
  };
}

/** DeepSeek usage with `prompt_tokens_details.cached_tokens` filled from `prompt_cache_hit_tokens`. */
export function normalizeDeepSeekUsage(usage: CompletionUsage): CompletionUsage {
  const deepSeekUsage = usage as ProviderCompletionUsage;
  const cachedTokens = usage.prompt_tokens_details?.cached_tokens ?? deepSeekUsage.prompt_cache_hit_tokens ?? 0;
  return { ...usage, prompt_tokens_details: { ...usage.prompt_tokens_details, cached_tokens: cachedTokens } };
}
