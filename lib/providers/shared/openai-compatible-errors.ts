/**
 * Turns whatever the `openai` SDK throws into a `ProviderError`, for every OpenAI-compatible
 * adapter; each adapter passes its own classification rule.
 */
import OpenAI from "openai";
import { isProviderError, type ProviderError } from "../provider-error";
import { abortedCallError, connectionError, timeoutError, type CallScope } from "./call-scope";
import { providerErrorFromFacts, type ProviderErrorRule } from "./upstream-error-classify";

/** The `error` object OpenAI-compatible APIs put in error bodies and in-stream error chunks. */
export interface OpenAIErrorObject {
  message?: string;
  type?: string;
  code?: string | number | null;
  param?: string | null;
}

/**
 * Classifies an error thrown by an `openai` SDK call (or by reading its response).
 *
 * Only what the upstream or the network produced becomes a `ProviderError`: the SDK reports every
 * failed `fetch` as a connection error and every HTTP error as an `APIError`. Anything else was
 * thrown before the request left the process (e.g. a `RangeError` from serializing a body nested
 * too deeply) and is returned as it is, so the router answers it without blaming the key.
 *
 * @param rule the provider's quirks, applied before the shared status rules
 */
export function providerErrorFromOpenAISdk(error: unknown, scope: CallScope, rule?: ProviderErrorRule): ProviderError | unknown {
  if (isProviderError(error)) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError) return timeoutError(scope);
  if (scope.aborted()) return abortedCallError(scope);
  if (error instanceof OpenAI.APIConnectionError || error instanceof OpenAI.APIUserAbortError) {
    return connectionError(scope, "connection_error", error);
  }
  if (error instanceof OpenAI.APIError) {
    const body = (error.error ?? undefined) as OpenAIErrorObject | undefined;
    return providerErrorFromFacts(
      {
        provider: scope.provider,
        status: error.status ?? 0,
        headers: error.headers,
        upstreamType: error.type ?? body?.type,
        upstreamCode: stringCode(error.code ?? body?.code),
        message: body?.message ?? stripStatusPrefix(error.message),
        apiKey: scope.apiKey,
      },
      rule,
    );
  }
  return error;
}

/**
 * The `ProviderError` for an `{error: …}` payload that arrived inside a 2xx stream.
 */
export function providerErrorFromStreamPayload(payload: OpenAIErrorObject, scope: CallScope, rule?: ProviderErrorRule): ProviderError {
  return providerErrorFromFacts(
    {
      provider: scope.provider,
      status: 0,
      upstreamType: payload.type,
      upstreamCode: stringCode(payload.code),
      message: payload.message,
      apiKey: scope.apiKey,
    },
    rule,
  );
}

function stringCode(code: string | number | null | undefined): string | undefined {
  return code === null || code === undefined ? undefined : String(code);
}

/** The SDK prefixes messages with the status ("429 Rate limit…"); the status is a field already. */
function stripStatusPrefix(message: string): string {
  return message.replace(/^\d{3} /, "");
}
