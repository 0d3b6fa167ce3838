/**
 * Format -> adapter. Adding a provider means adding its folder and one line here.
 */
import { anthropicAdapter } from "./anthropic/anthropic-adapter";
import { deepSeekAdapter } from "./deepseek/deepseek-adapter";
import { openAIAdapter } from "./openai/openai-adapter";
import type { ProviderAdapter, ProviderFormat } from "./provider-spec";

const adapters: Readonly<Record<ProviderFormat, ProviderAdapter>> = {
  openai: openAIAdapter,
  anthropic: anthropicAdapter,
  deepseek: deepSeekAdapter,
};

/** True when `value` names a format the registry has an adapter for. */
export function isProviderFormat(value: string): value is ProviderFormat {
  return Object.hasOwn(adapters, value);
}

/**
 * The adapter for a provider's api format.
 *
 * @throws Error for a format without an adapter (a configuration error, not an upstream one)
 */
export function getAdapter(format: ProviderFormat | string): ProviderAdapter {
  if (!isProviderFormat(format)) throw new Error(`no provider adapter for format "${format}"`);
  return adapters[format];
}
