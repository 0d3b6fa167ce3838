/**
 * Usage in one shape. Adapters put OpenAI-shaped `usage` on completions and on the final stream
 * chunk; these helpers turn that into {@link NormalizedUsage} and back.
 */
import type { CompletionUsage } from "openai/resources/completions";
import type { NormalizedUsage } from "../provider-spec";

/**
 * OpenAI usage plus the DeepSeek cache fields (https://api-docs.deepseek.com/guides/kv_cache/) and
 * the cache writes translated adapters report in `prompt_tokens_details.cache_creation_tokens`
 * (LiteLLM's name for Anthropic's `cache_creation_input_tokens`), with the 1-hour part in
 * `cache_creation_1h_tokens`.
 */
export type ProviderCompletionUsage = CompletionUsage & {
  prompt_cache_hit_tokens?: number;
  prompt_cache_miss_tokens?: number;
  prompt_tokens_details?: CompletionUsage.PromptTokensDetails & { cache_creation_tokens?: number; cache_creation_1h_tokens?: number };
};

/** Usage of a call that reported none. */
export function emptyUsage(): NormalizedUsage {
  return { promptTokens: 0, completionTokens: 0, totalTokens: 0, cachedTokens: 0, reasoningTokens: 0 };
}

/**
 * Normalizes an OpenAI-shaped `usage` (from a completion or the final stream chunk). Reads
 * DeepSeek's `prompt_cache_hit_tokens` when `prompt_tokens_details.cached_tokens` is absent.
 */
export function normalizeCompletionUsage(usage: ProviderCompletionUsage | null | undefined): NormalizedUsage {
  if (!usage) return emptyUsage();
  const promptTokens = usage.prompt_tokens ?? 0;
  const completionTokens = usage.completion_tokens ?? 0;
  const cacheCreationTokens = usage.prompt_tokens_details?.cache_creation_tokens ?? 0;
  const cacheCreation1hTokens = usage.prompt_tokens_details?.cache_creation_1h_tokens ?? 0;
  return {
    promptTokens,
    completionTokens,
    totalTokens: usage.total_tokens ?? promptTokens + completionTokens,
    cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? usage.prompt_cache_hit_tokens ?? 0,
    ...(cacheCreationTokens > 0 ? { cacheCreationTokens } : {}),
    ...(cacheCreation1hTokens > 0 ? { cacheCreation1hTokens } : {}),
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

/** OpenAI-shaped usage for a normalized one (what translated adapters put on completions). */
export function toCompletionUsage(usage: NormalizedUsage): ProviderCompletionUsage {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.totalTokens,
    prompt_tokens_details: {
      cached_tokens: usage.cachedTokens,
      ...(usage.cacheCreationTokens ? { cache_creation_tokens: usage.cacheCreationTokens } : {}),
      ...(usage.cacheCreation1hTokens ? { cache_creation_1h_tokens: usage.cacheCreation1hTokens } : {}),
    },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}
