/**
 * What the registry knows about one provider format: the protocols its upstream speaks, the
 * adapter for canonical (translated) calls and key validation, and how bytes are forwarded to it
 * when a client already speaks one of its protocols. Each provider folder exports one of these.
 */
import type { ProviderAdapter, ProviderFormat, WireProtocol } from "./provider-spec";
import type { ProviderErrorRule } from "./shared/upstream-error-classify";

/** An upstream endpoint the gateway may call: a protocol's main endpoint, or one beside it. */
export type UpstreamEndpoint = WireProtocol | "embeddings" | "count_tokens";

/** How a request is forwarded byte for byte. */
export interface PassThroughSpec {
  /** The upstream URL of an endpoint, from the provider's base URL as stored. */
  url(endpoint: UpstreamEndpoint, baseUrl: string): string;
  /** Credentials, content type and the client headers this upstream understands (nothing else is forwarded). */
  headers(apiKey: string, clientHeaders: Headers): Record<string, string>;
}

/** One entry of the registry. */
export interface ProviderFormatEntry {
  format: ProviderFormat;
  /** Human name, for the dashboard and docs. */
  label: string;
  /** The base URL a provider of this format usually has. */
  exampleBaseUrl: string;
  /**
   * Protocols the upstream speaks. A door whose protocol is listed passes bytes through; any
   * other door translates into the canonical request and calls {@link adapter}.
   */
  protocols: readonly WireProtocol[];
  /** Endpoints besides the protocols' own, e.g. `embeddings`. */
  endpoints: readonly Exclude<UpstreamEndpoint, WireProtocol>[];
  /** Canonical calls (the translated paths) and key validation, through the official SDK. */
  adapter: ProviderAdapter;
  passThrough: PassThroughSpec;
  /** The provider's error quirks on top of the shared status rules. */
  errorRule?: ProviderErrorRule;
}

/** Joins a base URL and a path without doubling or losing the slash (a scan, not a regex: it runs on every forwarded call). */
export function joinUrl(baseUrl: string, path: string): string {
  let end = baseUrl.length;
  while (end > 0 && baseUrl.charCodeAt(end - 1) === SLASH) end--;
  let start = 0;
  while (start < path.length && path.charCodeAt(start) === SLASH) start++;
  return `${baseUrl.slice(0, end)}/${path.slice(start)}`;
}

const SLASH = 47;
