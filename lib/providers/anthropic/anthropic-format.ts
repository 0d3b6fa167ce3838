/**
 * The `anthropic` format: the Messages API (base URL `https://api.anthropic.com`, without `/v1`).
 * Forwarded calls carry the client's `anthropic-version` and `anthropic-beta` (and any other
 * `anthropic-*` header) unchanged, because request fields and their beta headers travel together.
 */
import { joinUrl, type ProviderFormatEntry, type UpstreamEndpoint } from "../provider-format";
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
const FORWARDED: ReadonlySet<string> = new Set(["x-claude-code-session-id"]);

function anthropicHeaders(apiKey: string, clientHeaders: Headers): Record<string, string> {
  const headers: Record<string, string> = {};
  // `anthropic-version`, `anthropic-beta`, `anthropic-workspace-id` and whatever Anthropic adds next.
  clientHeaders.forEach((value, name) => {
    if (name.startsWith("anthropic-") || FORWARDED.has(name)) headers[name] = value;
  });
  headers["anthropic-version"] ??= ANTHROPIC_DEFAULT_VERSION;
  headers["x-api-key"] = apiKey;
  headers["content-type"] = "application/json";
  headers.accept = "application/json, text/event-stream";
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
