/**
 * Chat usage -> Anthropic usage. Anthropic's `input_tokens` excludes cached input, which it
 * reports apart (`cache_read_input_tokens`, `cache_creation_input_tokens`); Chat's
 * `prompt_tokens` includes it (DeepSeek reports its cache hits as `prompt_cache_hit_tokens`).
 */
import type { CompletionUsage } from "openai/resources/completions";

/** Chat usage as upstreams send it (DeepSeek's cache field included). */
export type ChatUsage = CompletionUsage & { prompt_cache_hit_tokens?: number };

/** Token counts in Anthropic's terms. */
export interface AnthropicTokenCounts {
  input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  output_tokens: number;
  /** Reasoning tokens (a part of `output_tokens`), 0 when not reported. */
  thinking_tokens: number;
}

/** Anthropic's counts for a Chat usage object. */
export function anthropicTokenCounts(usage: ChatUsage | null | undefined): AnthropicTokenCounts {
  const prompt = usage?.prompt_tokens ?? 0;
  const cached = usage?.prompt_tokens_details?.cached_tokens || usage?.prompt_cache_hit_tokens || 0;
  // OpenAI's own name for cache writes, or the canonical one Anthropic's adapter fills.
  const details = usage?.prompt_tokens_details as { cache_write_tokens?: number; cache_creation_tokens?: number } | undefined;
  const written = details?.cache_write_tokens ?? details?.cache_creation_tokens ?? 0;
  return {
    input_tokens: Math.max(0, prompt - cached - written),
    cache_read_input_tokens: cached,
    cache_creation_input_tokens: written,
    output_tokens: usage?.completion_tokens ?? 0,
    thinking_tokens: usage?.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

/** The `usage` object of an Anthropic `Message` for these counts. */
export function messageUsage(counts: AnthropicTokenCounts) {
  return {
    input_tokens: counts.input_tokens,
    cache_creation_input_tokens: counts.cache_creation_input_tokens,
    cache_read_input_tokens: counts.cache_read_input_tokens,
    cache_creation: null,
    output_tokens: counts.output_tokens,
    output_tokens_details: counts.thinking_tokens > 0 ? { thinking_tokens: counts.thinking_tokens } : null,
    server_tool_use: null,
    service_tier: null,
    inference_geo: null,
    speed: null,
  };
}
