/**
 * The one error hierarchy. Handlers throw; `app.onError` (lib/http/error-handler.ts) renders
 * the `{code, message, errors?}` envelope for `/api/*` and OpenAI's `{error:{…}}` for `/v1/*`.
 */

/** Options shared by every gateway error. */
export interface GatewayErrorOptions {
  /** Becomes `Retry-After` (seconds, rounded up) and `retry-after-ms`. */
  retryAfterMs?: number;
  /** Extra response headers (e.g. `X-RateLimit-*`). */
  headers?: Record<string, string>;
  /** Field-level problems for validation errors. */
  errors?: Array<{ field: string; message: string }>;
  /** Machine-readable details for the `/api/*` envelope's `data` (which limit refused, when it lifts). */
  data?: Record<string, unknown>;
  /** OpenAI `type` for `/v1/*` responses; derived from the status when absent. */
  openAiType?: string;
  /** The offending request parameter for OpenAI-style errors. */
  param?: string | null;
  cause?: unknown;
}

/** An error with an HTTP status, a machine code and a message safe to show to the caller. */
export class GatewayError extends Error {
  override name = "GatewayError";
  readonly status: number;
  readonly code: string;
  readonly retryAfterMs?: number;
  readonly headers: Record<string, string>;
  readonly errors?: Array<{ field: string; message: string }>;
  readonly data?: Record<string, unknown>;
  readonly openAiType?: string;
  readonly param: string | null;

  constructor(status: number, code: string, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
    this.headers = options.headers ?? {};
    this.errors = options.errors;
    this.data = options.data;
    this.openAiType = options.openAiType;
    this.param = options.param ?? null;
  }
}

/** 400: the request is malformed; `errors` names each bad field. */
export class ValidationError extends GatewayError {
  override name = "ValidationError";
  constructor(message: string, errors?: Array<{ field: string; message: string }>) {
    super(400, "invalid_request", message, { errors, openAiType: "invalid_request_error", param: errors?.[0]?.field ?? null });
  }
}

/** 401: no or bad credentials. */
export class AuthenticationError extends GatewayError {
  override name = "AuthenticationError";
  constructor(message = "Authentication required") {
    super(401, "unauthorized", message, { openAiType: "authentication_error" });
  }
}

/** 403: authenticated, but not allowed. */
export class PermissionError extends GatewayError {
  override name = "PermissionError";
  constructor(message = "Forbidden") {
    super(403, "forbidden", message, { openAiType: "permission_error" });
  }
}

/** 404: an unknown id or route. */
export class NotFoundError extends GatewayError {
  override name = "NotFoundError";
  constructor(message: string) {
    super(404, "not_found", message, { openAiType: "invalid_request_error" });
  }
}

/** 409: a unique value already exists. */
export class ConflictError extends GatewayError {
  override name = "ConflictError";
  constructor(message: string) {
    super(409, "conflict", message, { openAiType: "invalid_request_error" });
  }
}

/** 429: a limit denied the request; carries `Retry-After`. */
export class RateLimitError extends GatewayError {
  override name = "RateLimitError";
  constructor(message: string, retryAfterMs: number, headers: Record<string, string> = {}, data?: Record<string, unknown>) {
    super(429, "rate_limit_exceeded", message, { retryAfterMs, headers, data, openAiType: "rate_limit_error" });
  }
}

/** 503: no usable upstream key or a dependency is down. */
export class UnavailableError extends GatewayError {
  override name = "UnavailableError";
  /**
   * @param options.needsOperator nothing changes until an admin acts (no keys, all invalid): tells
   *   the OpenAI SDKs not to retry (`x-should-retry: false`) instead of waiting out `Retry-After`.
   */
  constructor(message: string, retryAfterMs?: number, options: { needsOperator?: boolean } = {}) {
    super(503, "service_unavailable", message, {
      retryAfterMs,
      openAiType: "service_unavailable",
      headers: options.needsOperator ? { "x-should-retry": "false" } : undefined,
    });
  }
}

/** Maps a status to OpenAI's error `type` vocabulary. */
export function openAiTypeForStatus(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "api_error";
  return "invalid_request_error";
}
