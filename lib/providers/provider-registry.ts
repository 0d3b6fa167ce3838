/**
 * Format -> registry entry: the one list of provider formats, the protocols each speaks and its
 * adapter. Adding a provider means adding its folder and one line here.
 */
import { anthropicFormat } from "./anthropic/anthropic-format";
import { deepSeekFormat } from "./deepseek/deepseek-format";
import { openAIFormat } from "./openai/openai-format";
import type { ProviderFormatEntry } from "./provider-format";
import type { ProviderAdapter, ProviderFormat, WireProtocol } from "./provider-spec";

const registry: Readonly<Record<ProviderFormat, ProviderFormatEntry>> = {
  openai: openAIFormat,
  anthropic: anthropicFormat,
  deepseek: deepSeekFormat,
};

/** True when `value` names a format the registry has an adapter for. */
export function isProviderFormat(value: string): value is ProviderFormat {
  return Object.hasOwn(registry, value);
}

/** The registry entry of a format. @throws Error for a format the registry does not know. */
export function formatEntry(format: ProviderFormat | string): ProviderFormatEntry {
  if (!isProviderFormat(format)) throw new Error(`no provider adapter for format "${format}"`);
  return registry[format];
}

/**
 * The adapter for a provider's api format.
 *
 * @throws Error for a format without an adapter (a configuration error, not an upstream one)
 */
export function getAdapter(format: ProviderFormat | string): ProviderAdapter {
  return formatEntry(format).adapter;
}

/** True when a provider of `format` speaks `protocol` itself, so a door of that protocol passes bytes through. */
export function speaksProtocol(format: ProviderFormat, protocol: WireProtocol): boolean {
  return registry[format].protocols.includes(protocol);
}
