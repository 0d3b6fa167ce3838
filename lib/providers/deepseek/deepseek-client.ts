/**
 * Cached `openai` SDK clients for DeepSeek keys (DeepSeek speaks the OpenAI wire format at
 * `https://api.deepseek.com`, https://api-docs.deepseek.com/).
 */
import type OpenAI from "openai";
import type { ProviderCallContext } from "../provider-spec";
import { createOpenAICompatibleClient } from "../shared/openai-compatible-client";
import { ProviderClientCache } from "../shared/provider-client-cache";

const deepSeekClients = new ProviderClientCache<OpenAI>(createOpenAICompatibleClient);

/** The cached client for this key, base URL and timeout (built on first use). */
export function deepSeekClientFor(context: ProviderCallContext): OpenAI {
  return deepSeekClients.get(context);
}
