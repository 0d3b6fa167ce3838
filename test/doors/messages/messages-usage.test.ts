/**
 * Chat usage in Anthropic's terms: input without the cached part, cache reads and writes apart.
 */
import { describe, expect, it } from "vitest";
import { anthropicTokenCounts, type ChatUsage } from "../../../lib/doors/messages/messages-usage";

describe("anthropicTokenCounts", () => {
  it("splits cached input off, whatever name the upstream gives it", () => {
    const openAi = { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110, prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 15 }, completion_tokens_details: { reasoning_tokens: 4 } };
    expect(anthropicTokenCounts(openAi as ChatUsage)).toEqual({ input_tokens: 25, cache_read_input_tokens: 60, cache_creation_input_tokens: 15, output_tokens: 10, thinking_tokens: 4 });

    const canonical = { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110, prompt_tokens_details: { cached_tokens: 0, cache_creation_tokens: 30 } };
    expect(anthropicTokenCounts(canonical as ChatUsage)).toMatchObject({ input_tokens: 70, cache_creation_input_tokens: 30 });

    const deepSeek = { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110, prompt_cache_hit_tokens: 80 };
    expect(anthropicTokenCounts(deepSeek as ChatUsage)).toMatchObject({ input_tokens: 20, cache_read_input_tokens: 80 });

    expect(anthropicTokenCounts(undefined)).toEqual({ input_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, output_tokens: 0, thinking_tokens: 0 });
  });
});
