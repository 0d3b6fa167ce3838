/**
 * DeepSeek error codes (https://api-docs.deepseek.com/quick_start/error_codes): 402 is
 * "Insufficient Balance" (disable the key and alert), 422 invalid parameters, 429 rate limit,
 * 503 overload. The shared status rules already say exactly that; the rule below only makes the
 * balance case explicit whatever body comes with it.
 */
import type { ProviderError } from "../provider-error";
import type { CallScope } from "../shared/call-scope";
import { providerErrorFromOpenAISdk } from "../shared/openai-compatible-errors";
import type { ErrorClassification, UpstreamErrorFacts } from "../shared/upstream-error-classify";

/** DeepSeek's rule on top of the shared status rules. */
export function classifyDeepSeekError(facts: UpstreamErrorFacts): ErrorClassification | undefined {
  if (facts.status === 402 || /insufficient balance/i.test(facts.message ?? "")) {
    return { kind: "quota_exceeded", code: "insufficient_balance" };
  }
  return undefined;
}

/** Classifies anything a DeepSeek call threw. */
export function toDeepSeekProviderError(error: unknown, scope: CallScope): ProviderError | unknown {
  return providerErrorFromOpenAISdk(error, scope, classifyDeepSeekError);
}
