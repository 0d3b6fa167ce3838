/**
 * Format -> registry entry: the one list of provider formats, the protocols each speaks, its
 * adapter and its capabilities. Adding a provider means adding its folder and one line here; the
 * `ProviderFormat` type, the admin API's accepted formats and the dashboard's format list are
 * derived from this object.
 */
import { anthropicFormat } from "./anthropic/anthropic-format";
import { deepSeekFormat } from "./deepseek/deepseek-format";
import { openAICompatibleFormat } from "./openai/openai-compatible-format";
import { openAIFormat } from "./openai/openai-format";
import type { ProviderFormatEntry, UpstreamEndpoint } from "./provider-format";
import type { ProviderAdapter, WireProtocol } from "./provider-spec";

const registry = {
  openai: openAIFormat,
  "openai-compatible": openAICompatibleFormat,
  anthropic: anthropicFormat,
  deepseek: deepSeekFormat,
} satisfies Record<string, ProviderFormatEntry>;

/** Wire format an adapter speaks; matches the provider's `api_format` column. */
export type ProviderFormat = keyof typeof registry;

/** Every format the registry knows, in the registry's order. */
export const providerFormats: readonly ProviderFormat[] = Object.freeze(Object.keys(registry) as ProviderFormat[]);

/** True when `value` names a format the registry has an adapter for. */
export function isProviderFormat(value: string): value is ProviderFormat {
  return Object.hasOwn(registry, value);
}

/** The format a provider row's `api_format` names, or `null` when the registry does not know it. */
export function providerFormatOf(apiFormat: string): ProviderFormat | null {
  return isProviderFormat(apiFormat) ? apiFormat : null;
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

/**
 * True when a provider of `format` serves `endpoint` itself (one of its protocols, or an
 * endpoint beside them), so a door for it passes bytes through.
 */
export function servesEndpoint(format: ProviderFormat, endpoint: UpstreamEndpoint): boolean {
  const entry = registry[format];
  return (entry.protocols as readonly string[]).includes(endpoint) || (entry.endpoints as readonly string[]).includes(endpoint);
}

/** What people choosing a format see (dashboard, docs): no adapter, no functions. */
export interface ProviderFormatDescription {
  format: ProviderFormat;
  label: string;
  exampleBaseUrl: string;
  protocols: readonly WireProtocol[];
  endpoints: readonly string[];
}

/** Every format, described, in the registry's order. */
export function describeProviderFormats(): ProviderFormatDescription[] {
  return providerFormats.map((format) => {
    const { label, exampleBaseUrl, protocols, endpoints } = registry[format];
    return { format, label, exampleBaseUrl, protocols, endpoints };
  });
}
