/**
 * Seed catalogue: the three providers and eleven current models.
 *
 * Prices are USD per million tokens (standard tier, no batch discount) as published on the
 * pages below, as read by the authors in 2026-02; context sizes from the same pages. Each seeded
 * price row names its page and that date in `t_model_prices.source`. Cache prices:
 * - OpenAI "cached input" (https://openai.com/api/pricing): 10% of input for the GPT-5 family,
 *   25% for GPT-4.1, 50% for GPT-4o mini; OpenAI charges nothing extra for cache writes.
 * - Anthropic (https://docs.claude.com/en/docs/about-claude/pricing): cache hits 0.1x input,
 *   5-minute cache writes 1.25x, 1-hour cache writes 2x.
 * - DeepSeek (https://api-docs.deepseek.com/quick_start/pricing): "input (cache hit)" $0.028
 *   against $0.28 on a miss; no separate write price.
 * Reasoning tokens are output tokens on all three and priced as output.
 * Prices change: admins add a price with its effective date in the dashboard or the admin API
 * (the cost of earlier requests stays), and a re-seed never overwrites a row that already exists.
 * Models the installed SDKs mark deprecated (e.g. claude-sonnet-4-5, end-of-life 2026-11-30 in
 * @anthropic-ai/sdk) are left out.
 */

/** A provider row as seeded; ids are fixed so clients and docs can rely on them. */
export interface SeedProvider {
  id: number;
  code: string;
  name: string;
  baseUrl: string;
  apiFormat: "openai" | "anthropic" | "deepseek";
  timeoutMs: number;
}

/** A model row as seeded. */
export interface SeedModel {
  providerCode: string;
  modelCode: string;
  displayName: string;
  contextWindow: number;
  maxOutputTokens: number;
  inputPricePerM: number;
  outputPricePerM: number;
  /** Cache hits; null when the provider prices none apart. */
  cacheReadPricePerM: number | null;
  /** Cache writes (Anthropic's 5-minute TTL); null when not priced apart. */
  cacheWritePricePerM: number | null;
  /** Anthropic's 1-hour cache writes; null when not priced apart. */
  cacheWrite1hPricePerM: number | null;
  supportsTools: boolean;
  supportsVision: boolean;
}

/** Where the seeded prices come from, by provider: the page and when it was read. */
export const SEED_PRICE_SOURCES: Readonly<Record<string, string>> = {
  openai: "https://openai.com/api/pricing (read 2026-02)",
  anthropic: "https://docs.claude.com/en/docs/about-claude/pricing (read 2026-02)",
  deepseek: "https://api-docs.deepseek.com/quick_start/pricing (read 2026-02)",
};

export const SEED_PROVIDERS: readonly SeedProvider[] = [
  { id: 1, code: "openai", name: "OpenAI", baseUrl: "https://api.openai.com/v1", apiFormat: "openai", timeoutMs: 120_000 },
  { id: 2, code: "anthropic", name: "Anthropic Claude", baseUrl: "https://api.anthropic.com", apiFormat: "anthropic", timeoutMs: 120_000 },
  { id: 3, code: "deepseek", name: "DeepSeek", baseUrl: "https://api.deepseek.com", apiFormat: "deepseek", timeoutMs: 300_000 },
];

export const SEED_MODELS: readonly SeedModel[] = [
  { providerCode: "openai", modelCode: "gpt-5", displayName: "GPT-5", contextWindow: 400_000, maxOutputTokens: 128_000, inputPricePerM: 1.25, outputPricePerM: 10, cacheReadPricePerM: 0.125, cacheWritePricePerM: null, cacheWrite1hPricePerM: null, supportsTools: true, supportsVision: true },
  { providerCode: "openai", modelCode: "gpt-5-mini", displayName: "GPT-5 mini", contextWindow: 400_000, maxOutputTokens: 128_000, inputPricePerM: 0.25, outputPricePerM: 2, cacheReadPricePerM: 0.025, cacheWritePricePerM: null, cacheWrite1hPricePerM: null, supportsTools: true, supportsVision: true },
  { providerCode: "openai", modelCode: "gpt-5-nano", displayName: "GPT-5 nano", contextWindow: 400_000, maxOutputTokens: 128_000, inputPricePerM: 0.05, outputPricePerM: 0.4, cacheReadPricePerM: 0.005, cacheWritePricePerM: null, cacheWrite1hPricePerM: null, supportsTools: true, supportsVision: true },
  { providerCode: "openai", modelCode: "gpt-4.1", displayName: "GPT-4.1", contextWindow: 1_047_576, maxOutputTokens: 32_768, inputPricePerM: 2, outputPricePerM: 8, cacheReadPricePerM: 0.5, cacheWritePricePerM: null, cacheWrite1hPricePerM: null, supportsTools: true, supportsVision: true },
  { providerCode: "openai", modelCode: "gpt-4.1-mini", displayName: "GPT-4.1 mini", contextWindow: 1_047_576, maxOutputTokens: 32_768, inputPricePerM: 0.4, outputPricePerM: 1.6, cacheReadPricePerM: 0.1, cacheWritePricePerM: null, cacheWrite1hPricePerM: null, supportsTools: true, supportsVision: true },
  { providerCode: "openai", modelCode: "gpt-4o-mini", displayName: "GPT-4o mini", contextWindow: 128_000, maxOutputTokens: 16_384, inputPricePerM: 0.15, outputPricePerM: 0.6, cacheReadPricePerM: 0.075, cacheWritePricePerM: null, cacheWrite1hPricePerM: null, supportsTools: true, supportsVision: true },
  { providerCode: "anthropic", modelCode: "claude-opus-4-6", displayName: "Claude Opus 4.6", contextWindow: 200_000, maxOutputTokens: 128_000, inputPricePerM: 5, outputPricePerM: 25, cacheReadPricePerM: 0.5, cacheWritePricePerM: 6.25, cacheWrite1hPricePerM: 10, supportsTools: true, supportsVision: true },
  { providerCode: "anthropic", modelCode: "claude-sonnet-4-6", displayName: "Claude Sonnet 4.6", contextWindow: 200_000, maxOutputTokens: 64_000, inputPricePerM: 3, outputPricePerM: 15, cacheReadPricePerM: 0.3, cacheWritePricePerM: 3.75, cacheWrite1hPricePerM: 6, supportsTools: true, supportsVision: true },
  { providerCode: "anthropic", modelCode: "claude-haiku-4-5", displayName: "Claude Haiku 4.5", contextWindow: 200_000, maxOutputTokens: 64_000, inputPricePerM: 1, outputPricePerM: 5, cacheReadPricePerM: 0.1, cacheWritePricePerM: 1.25, cacheWrite1hPricePerM: 2, supportsTools: true, supportsVision: true },
  { providerCode: "deepseek", modelCode: "deepseek-chat", displayName: "DeepSeek Chat (V3.2, non-thinking)", contextWindow: 128_000, maxOutputTokens: 8_192, inputPricePerM: 0.28, outputPricePerM: 0.42, cacheReadPricePerM: 0.028, cacheWritePricePerM: null, cacheWrite1hPricePerM: null, supportsTools: true, supportsVision: false },
  { providerCode: "deepseek", modelCode: "deepseek-reasoner", displayName: "DeepSeek Reasoner (V3.2, thinking)", contextWindow: 128_000, maxOutputTokens: 65_536, inputPricePerM: 0.28, outputPricePerM: 0.42, cacheReadPricePerM: 0.028, cacheWritePricePerM: null, cacheWrite1hPricePerM: null, supportsTools: true, supportsVision: false },
];
