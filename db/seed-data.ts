/**
 * Seed catalogue: the three providers and eleven current models.
 *
 * Prices are USD per million tokens (standard tier, no batch/cache discounts) as published on
 * https://openai.com/api/pricing, https://www.anthropic.com/pricing#api and
 * https://api-docs.deepseek.com/quick_start/pricing, as known to the authors in 2026-02;
 * context sizes from the same pages. Prices change: admins edit them in the dashboard, and a
 * re-seed never overwrites a row that already exists. Models the installed SDKs mark deprecated
 * (e.g. claude-sonnet-4-5, end-of-life 2026-11-30 in @anthropic-ai/sdk) are left out.
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
  supportsTools: boolean;
  supportsVision: boolean;
}

export const SEED_PROVIDERS: readonly SeedProvider[] = [
  { id: 1, code: "openai", name: "OpenAI", baseUrl: "https://api.openai.com/v1", apiFormat: "openai", timeoutMs: 120_000 },
  { id: 2, code: "anthropic", name: "Anthropic Claude", baseUrl: "https://api.anthropic.com", apiFormat: "anthropic", timeoutMs: 120_000 },
  { id: 3, code: "deepseek", name: "DeepSeek", baseUrl: "https://api.deepseek.com", apiFormat: "deepseek", timeoutMs: 300_000 },
];

export const SEED_MODELS: readonly SeedModel[] = [
  { providerCode: "openai", modelCode: "gpt-5", displayName: "GPT-5", contextWindow: 400_000, maxOutputTokens: 128_000, inputPricePerM: 1.25, outputPricePerM: 10, supportsTools: true, supportsVision: true },
  { providerCode: "openai", modelCode: "gpt-5-mini", displayName: "GPT-5 mini", contextWindow: 400_000, maxOutputTokens: 128_000, inputPricePerM: 0.25, outputPricePerM: 2, supportsTools: true, supportsVision: true },
  { providerCode: "openai", modelCode: "gpt-5-nano", displayName: "GPT-5 nano", contextWindow: 400_000, maxOutputTokens: 128_000, inputPricePerM: 0.05, outputPricePerM: 0.4, supportsTools: true, supportsVision: true },
  { providerCode: "openai", modelCode: "gpt-4.1", displayName: "GPT-4.1", contextWindow: 1_047_576, maxOutputTokens: 32_768, inputPricePerM: 2, outputPricePerM: 8, supportsTools: true, supportsVision: true },
  { providerCode: "openai", modelCode: "gpt-4.1-mini", displayName: "GPT-4.1 mini", contextWindow: 1_047_576, maxOutputTokens: 32_768, inputPricePerM: 0.4, outputPricePerM: 1.6, supportsTools: true, supportsVision: true },
  { providerCode: "openai", modelCode: "gpt-4o-mini", displayName: "GPT-4o mini", contextWindow: 128_000, maxOutputTokens: 16_384, inputPricePerM: 0.15, outputPricePerM: 0.6, supportsTools: true, supportsVision: true },
  { providerCode: "anthropic", modelCode: "claude-opus-4-6", displayName: "Claude Opus 4.6", contextWindow: 200_000, maxOutputTokens: 128_000, inputPricePerM: 5, outputPricePerM: 25, supportsTools: true, supportsVision: true },
  { providerCode: "anthropic", modelCode: "claude-sonnet-4-6", displayName: "Claude Sonnet 4.6", contextWindow: 200_000, maxOutputTokens: 64_000, inputPricePerM: 3, outputPricePerM: 15, supportsTools: true, supportsVision: true },
  { providerCode: "anthropic", modelCode: "claude-haiku-4-5", displayName: "Claude Haiku 4.5", contextWindow: 200_000, maxOutputTokens: 64_000, inputPricePerM: 1, outputPricePerM: 5, supportsTools: true, supportsVision: true },
  { providerCode: "deepseek", modelCode: "deepseek-chat", displayName: "DeepSeek Chat (V3.2, non-thinking)", contextWindow: 128_000, maxOutputTokens: 8_192, inputPricePerM: 0.28, outputPricePerM: 0.42, supportsTools: true, supportsVision: false },
  { providerCode: "deepseek", modelCode: "deepseek-reasoner", displayName: "DeepSeek Reasoner (V3.2, thinking)", contextWindow: 128_000, maxOutputTokens: 65_536, inputPricePerM: 0.28, outputPricePerM: 0.42, supportsTools: true, supportsVision: false },
];
