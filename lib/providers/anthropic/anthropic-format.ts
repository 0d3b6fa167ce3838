/**
 * The `anthropic` format: the Messages API (base URL `https://api.anthropic.com`, without `/v1`).
 * Forwarded calls carry the client's `anthropic-version` and `anthropic-beta` (and any other
 * `anthropic-*` header) unchanged, because request fields and their beta headers travel together.
 */
import { joinUrl, type ProviderFormatEntry, type UpstreamEndpoint } from "../provider-format";
import type { HeaderReader } from "../shared/retry-after";
import { anthropicAdapter } from "./anthropic-adapter";
import { ANTHROPIC_API_VERSION } from "./anthropic-client";
import { classifyAnthropicError } from "./anthropic-error-classify";

/** The API version sent when the client named none (the one every Messages client accepts). */
export const ANTHROPIC_DEFAULT_VERSION = ANTHROPIC_API_VERSION;

const paths: Partial<Record<UpstreamEndpoint, string>> = {
  messages: "v1/messages",
  count_tokens: "v1/messages/count_tokens",
};

/** Client headers forwarded to Anthropic besides the `anthropic-*` ones. */
const FORWARDED = ["x-claude-code-session-id"];

function anthropicHeaders(apiKey: string, clientHeaders: HeaderReader): Record<string, string> {
  const headers: Record<string, string> = {
    "x-api-key": apiKey,
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "anthropic-version": clientHeaders.get("anthropic-version") ?? ANTHROPIC_DEFAULT_VERSION,
  };
  const beta = clientHeaders.get("anthropic-beta");
  if (beta) headers["anthropic-beta"] = beta;
  for (const name of FORWARDED) {
    const value = clientHeaders.get(name);
    if (value) headers[name] = value;
  }
  return headers;
}

/** Registry entry of the `anthropic` format. */
export const anthropicFormat: ProviderFormatEntry = {
  format: "anthropic",
  label: "Anthropic",
  exampleBaseUrl: "https://api.anthropic.com",
  protocols: ["messages"],
  endpoints: ["count_tokens"],
  adapter: anthropicAdapter,
  passThrough: {
    url: (endpoint, baseUrl) => joinUrl(baseUrl, paths[endpoint] ?? endpoint),
    headers: anthropicHeaders,
  },
  errorRule: classifyAnthropicError,
};
