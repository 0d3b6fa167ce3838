/**
 * Anthropic's error vocabulary: the `error.type` for an HTTP status, or for the code of a
 * failure inside a stream, and the error body (`{type:"error", error:{type, message}, request_id}`)
 * the Anthropic SDK and Claude Code read. The status is what drives their retries, so it is kept.
 */

/** `error.type` values by status (https://docs.claude.com/en/api/errors and the SDK's error classes). */
const typesByStatus: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  409: "conflict_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  502: "api_error",
  503: "overloaded_error",
  504: "timeout_error",
  529: "overloaded_error",
};

/** The Anthropic `error.type` for an HTTP status; other 4xx are `invalid_request_error`, other 5xx `api_error`. */
export function anthropicErrorTypeForStatus(status: number): string {
  return typesByStatus[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
}

/** The `error.type` of an in-stream `event: error` for a gateway failure code (`rate_limited`, `upstream_overloaded`, `idle_timeout`, …). */
export function anthropicErrorTypeForCode(code: string): string {
  if (code === "rate_limited") return "rate_limit_error";
  if (code === "upstream_overloaded") return "overloaded_error";
  if (code.endsWith("timeout")) return "timeout_error";
  return "api_error";
}

/** Anthropic's error body. */
export function anthropicErrorBody(type: string, message: string, requestId: string | null) {
  return { type: "error" as const, error: { type, message }, request_id: requestId };
}
