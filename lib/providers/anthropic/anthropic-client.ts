/**
 * Cached `@anthropic-ai/sdk` clients for Anthropic keys.
 */
import Anthropic from "@anthropic-ai/sdk";
import type { ProviderCallContext } from "../provider-spec";
import { ProviderClientCache } from "../shared/provider-client-cache";
import { upstreamFetch } from "../shared/upstream-fetch";

/**
 * A client for one key. `baseURL` is the provider's base URL without `/v1` (the SDK appends
 * `/v1/messages`); `maxRetries: 0` because the key router is the only retry loop; the keep-alive
 * upstream fetch unless the call context brings its own.
 */
function createAnthropicClient(context: ProviderCallContext): Anthropic {
  return new Anthropic({
    apiKey: context.apiKey,
    baseURL: context.baseUrl,
    maxRetries: 0,
    timeout: context.timeoutMs,
    fetch: context.fetch ?? upstreamFetch,
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
