/**
 * Cached `openai` SDK clients for OpenAI keys.
 */
import type OpenAI from "openai";
import type { ProviderCallContext } from "../provider-spec";
import { createOpenAICompatibleClient } from "../shared/openai-compatible-client";
import { ProviderClientCache } from "../shared/provider-client-cache";

const openAIClients = new ProviderClientCache<OpenAI>(createOpenAICompatibleClient);

/** The cached client for this key, base URL and timeout (built on first use). */
export function openAIClientFor(context: ProviderCallContext): OpenAI {
  return openAIClients.get(context);
}

/** Number of cached OpenAI clients (for tests and diagnostics). */
export function openAIClientCount(): number {
  return openAIClients.size;
}
