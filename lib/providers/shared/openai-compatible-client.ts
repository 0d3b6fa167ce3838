/**
 * Builds `openai` SDK clients for OpenAI-compatible upstreams (OpenAI, DeepSeek).
 */
import OpenAI from "openai";
import type { ProviderCallContext } from "../provider-spec";
import { upstreamFetch } from "./upstream-fetch";

/**
 * A client for one key. `maxRetries: 0` because the key router is the only retry loop (the SDK
 * would otherwise retry 429s and 5xx twice on the same key); `organization`/`project` are set to
 * null so `OPENAI_ORG_ID`/`OPENAI_PROJECT_ID` in the environment never leak into calls; the
 * transport is the keep-alive upstream fetch unless the call context brings its own.
 */
export function createOpenAICompatibleClient(context: ProviderCallContext): OpenAI {
  return new OpenAI({
    apiKey: context.apiKey,
    baseURL: context.baseUrl,
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: context.timeoutMs,
    fetch: context.fetch ?? upstreamFetch,
  });
}
