/**
 * OpenAI error quirks (https://platform.openai.com/docs/guides/error-codes): a 429 means either a
 * rate limit (cool the key down) or `insufficient_quota` (billing exhausted: disable the key).
 */
import type { ProviderError } from "../provider-error";
import type { CallScope } from "../shared/call-scope";
import { providerErrorFromOpenAISdk } from "../shared/openai-compatible-errors";
import type { ErrorClassification, UpstreamErrorFacts } from "../shared/upstream-error-classify";

/** OpenAI's rule on top of the shared status rules. */
export function classifyOpenAIError(facts: UpstreamErrorFacts): ErrorClassification | undefined {
  if (facts.upstreamCode === "insufficient_quota" || facts.upstreamType === "insufficient_quota") {
    return { kind: "quota_exceeded", code: "insufficient_quota" };
  }
  return undefined;
}

/** Classifies anything an OpenAI call threw. */
export function toOpenAIProviderError(error: unknown, scope: CallScope): ProviderError | unknown {
  return providerErrorFromOpenAISdk(error, scope, classifyOpenAIError);
}
