/**
 * Cached `@anthropic-ai/sdk` clients for Anthropic keys.
 */
import Anthropic from "@anthropic-ai/sdk";
import type { ProviderCallContext } from "../provider-spec";
import { ProviderClientCache } from "../shared/provider-client-cache";
import { upstreamFetch } from "../shared/upstream-fetch";

/**
 * The Messages API version of every call the adapter makes. The SDK (1.x) would send
 * `2026-10-21`, under which any `temperature`, `top_p` or `top_k` is a 400 ("Extra inputs are not
 * permitted"); `2023-06-01` accepts them where the model does, takes every field this adapter
 * sends (adaptive thinking, `output_config`, top-level `cache_control`), and is what Claude Code
 * and the forwarded path send, so translated and forwarded calls meet the same API.
 */
export const ANTHROPIC_API_VERSION = "2023-06-01";

/**
 * A client for one key. `baseURL` is the provider's base URL without `/v1` (the SDK appends
 * `/v1/messages`); `maxRetries: 0` because the key router is the only retry loop; the keep-alive
 * upstream fetch unless the call context brings its own; the pinned API version. No
 * OpenTelemetry spans: the gateway registers no tracer provider, so every call only built a
 * no-op span (and parsed the base URL for its attributes), a few percent of a translated call.
 */
function createAnthropicClient(context: ProviderCallContext): Anthropic {
  return new Anthropic({
    apiKey: context.apiKey,
    baseURL: context.baseUrl,
    maxRetries: 0,
    timeout: context.timeoutMs,
    fetch: context.fetch ?? upstreamFetch,
    defaultHeaders: { "anthropic-version": ANTHROPIC_API_VERSION },
    openTelemetry: false,
  });
}

const anthropicClients = new ProviderClientCache<Anthropic>(createAnthropicClient);

/** The cached client for this key, base URL and timeout (built on first use). */
export function anthropicClientFor(context: ProviderCallContext): Anthropic {
  return anthropicClients.get(context);
}

/** Number of cached Anthropic clients (for tests and diagnostics). */
export function anthropicClientCount(): number {
  return anthropicClients.size;
}
