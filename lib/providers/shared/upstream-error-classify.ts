/**
 * Status- and type-based classification shared by every adapter. Provider folders add their
 * quirks on top (OpenAI's 429 `insufficient_quota`, Anthropic's 400 "credit balance is too
 * low", DeepSeek's 402) and fall back to these rules.
 */
import { ProviderError, type ProviderErrorKind } from "../provider-error";
import type { ProviderFormat } from "../provider-spec";
import { parseRetryAfterMs, type HeaderReader } from "./retry-after";

/** A kind plus the short machine code that goes with it. */
export interface ErrorClassification {
  kind: ProviderErrorKind;
  code: string;
}

/** What an upstream said about a failure. */
export interface UpstreamErrorFacts {
  provider: ProviderFormat;
  /** HTTP status; 0 for an error event inside a 2xx stream. */
  status: number;
  headers?: HeaderReader | null;
  /** The body's error `type`, e.g. `rate_limit_error`, `insufficient_quota`. */
  upstreamType?: string | null;
  /** The body's error `code`, e.g. `invalid_api_key`, `model_not_found`. */
  upstreamCode?: string | null;
  /** The body's error message (redacted before use). */
  message?: string | null;
  /** The key used for the call, redacted from the message. */
  apiKey: string;
}

/** A provider's extra rules; `undefined` falls through to the shared ones. */
export type ProviderErrorRule = (facts: UpstreamErrorFacts) => ErrorClassification | undefined;

/** Classification by HTTP status alone (https://platform.openai.com/docs/guides/error-codes, https://docs.anthropic.com/en/api/errors). */
export function classifyHttpStatus(status: number): ErrorClassification {
  if (status === 401) return { kind: "invalid_key", code: "invalid_api_key" };
  if (status === 403) return { kind: "invalid_key", code: "permission_denied" };
  if (status === 402) return { kind: "quota_exceeded", code: "insufficient_balance" };
  if (status === 429) return { kind: "rate_limited", code: "rate_limited" };
  if (status === 408 || status === 504) return { kind: "transient", code: "upstream_timeout" };
  if (status === 409) return { kind: "transient", code: "upstream_conflict" };
  if (status === 503 || status === 529) return { kind: "transient", code: "upstream_overloaded" };
  if (status >= 500) return { kind: "transient", code: "upstream_error" };
  if (status === 404) return { kind: "client_error", code: "not_found" };
  if (status === 413) return { kind: "client_error", code: "request_too_large" };
  if (status === 422) return { kind: "client_error", code: "unprocessable_request" };
  if (status >= 400) return { kind: "client_error", code: "bad_request" };
  return { kind: "transient", code: "upstream_error" };
}

/** Error `type`/`code` values seen in error events inside 2xx streams, with their HTTP equivalents. */
const streamErrorTypes: Record<string, ErrorClassification & { status: number }> = {
  rate_limit_error: { kind: "rate_limited", code: "rate_limited", status: 429 },
  rate_limit_exceeded: { kind: "rate_limited", code: "rate_limited", status: 429 },
  insufficient_quota: { kind: "quota_exceeded", code: "insufficient_quota", status: 429 },
  billing_error: { kind: "quota_exceeded", code: "billing_error", status: 402 },
  authentication_error: { kind: "invalid_key", code: "invalid_api_key", status: 401 },
  invalid_api_key: { kind: "invalid_key", code: "invalid_api_key", status: 401 },
  permission_error: { kind: "invalid_key", code: "permission_denied", status: 403 },
  overloaded_error: { kind: "transient", code: "upstream_overloaded", status: 529 },
  api_error: { kind: "transient", code: "upstream_error", status: 500 },
  server_error: { kind: "transient", code: "upstream_error", status: 500 },
  timeout_error: { kind: "transient", code: "upstream_timeout", status: 504 },
  invalid_request_error: { kind: "client_error", code: "bad_request", status: 400 },
  not_found_error: { kind: "client_error", code: "not_found", status: 404 },
};

/**
 * Classification of an error event inside a 2xx stream, from its `code` or `type`. Unknown
 * values are transient: the stream was accepted, so the failure is the upstream's.
 */
export function classifyStreamErrorType(
  upstreamType: string | null | undefined,
  upstreamCode: string | null | undefined,
): ErrorClassification & { status: number } {
  return (
    (upstreamCode ? streamErrorTypes[upstreamCode] : undefined) ??
    (upstreamType ? streamErrorTypes[upstreamType] : undefined) ?? { kind: "transient", code: "stream_error", status: 0 }
  );
}

/**
 * Builds the `ProviderError` for an upstream error response (or an in-stream error event when
 * `facts.status` is 0), applying the provider's rule first.
 */
export function providerErrorFromFacts(facts: UpstreamErrorFacts, rule?: ProviderErrorRule): ProviderError {
  const inStream = facts.status === 0;
  const streamClassification = inStream ? classifyStreamErrorType(facts.upstreamType, facts.upstreamCode) : undefined;
  const classification = rule?.(facts) ?? streamClassification ?? classifyHttpStatus(facts.status);
  const status = inStream ? (streamClassification?.status ?? 0) : facts.status;
  const requestId = facts.headers?.get("x-request-id") ?? facts.headers?.get("request-id") ?? undefined;
  return new ProviderError({
    kind: classification.kind,
    code: classification.code,
    status,
    message: facts.message?.trim() || defaultMessage(facts.status, classification),
    provider: facts.provider,
    // Headers of a 2xx stream describe the accepted request, not the error inside it.
    retryAfterMs: inStream ? undefined : parseRetryAfterMs(facts.headers, { rateLimited: classification.kind === "rate_limited" }),
    requestId,
    upstreamType: facts.upstreamType ?? undefined,
    upstreamCode: facts.upstreamCode ?? undefined,
    secrets: [facts.apiKey],
  });
}

function defaultMessage(status: number, classification: ErrorClassification): string {
  return status > 0 ? `upstream answered HTTP ${status} (${classification.code})` : `upstream stream error (${classification.code})`;
}
