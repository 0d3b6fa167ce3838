/**
 * Anthropic error quirks (https://docs.anthropic.com/en/api/errors): an exhausted credit balance
 * comes back as 400 `invalid_request_error` ("Your credit balance is too low…"), billing problems
 * as `billing_error`, overload as 529 `overloaded_error` (also as an `error` event inside a 200
 * stream).
 */
import Anthropic from "@anthropic-ai/sdk";
import { isProviderError, ProviderError } from "../provider-error";
import { abortedCallError, connectionError, timeoutError, type CallScope } from "../shared/call-scope";
import { providerErrorFromFacts, type ErrorClassification, type UpstreamErrorFacts } from "../shared/upstream-error-classify";

/** Anthropic's rule on top of the shared status rules. */
export function classifyAnthropicError(facts: UpstreamErrorFacts): ErrorClassification | undefined {
  if (/credit balance is too low/i.test(facts.message ?? "")) return { kind: "quota_exceeded", code: "insufficient_credit" };
  if (facts.upstreamType === "billing_error") return { kind: "quota_exceeded", code: "billing_error" };
  return undefined;
}

/**
 * Classifies anything an Anthropic call threw. Before a response, only what the upstream or the
 * network produced (the SDK's connection, timeout and HTTP errors) becomes a `ProviderError`;
 * anything else was thrown before the request left the process (e.g. a `RangeError` from
 * serializing a body nested too deeply) and is returned as it is, so the router never blames the
 * key for it. While streaming, the request has left: a failure is a cut stream.
 *
 * @param whileStreaming the error broke an accepted stream: network failures are then a cut
 *   stream (`stream_truncated`) rather than a failed connection
 */
export function toAnthropicProviderError(error: unknown, scope: CallScope, whileStreaming = false): ProviderError | unknown {
  if (isProviderError(error)) return error;
  if (error instanceof Anthropic.APIConnectionTimeoutError) return timeoutError(scope);
  if (scope.aborted()) return abortedCallError(scope);
  if (error instanceof Anthropic.APIConnectionError || error instanceof Anthropic.APIUserAbortError) {
    return connectionError(scope, whileStreaming ? "stream_truncated" : "connection_error", error);
  }
  if (error instanceof Anthropic.APIError) {
    return providerErrorFromFacts(
      {
        provider: "anthropic",
        // An `error` event inside a 200 stream has no status: classified by its type.
        status: error.status ?? 0,
        headers: error.headers,
        upstreamType: error.type,
        upstreamCode: error.errorCode,
        message: error.apiMessage ?? error.message.replace(/^\d{3} /, ""),
        apiKey: scope.apiKey,
      },
      classifyAnthropicError,
    );
  }
  if (error instanceof SyntaxError) {
    return new ProviderError({ kind: "transient", status: 0, code: "stream_malformed", message: "upstream sent an event that is not JSON", provider: "anthropic" });
  }
  return whileStreaming ? connectionError(scope, "stream_truncated", error) : error;
}
