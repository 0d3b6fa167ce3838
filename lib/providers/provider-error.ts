/**
 * The one error type adapters throw. The router decides from `kind` what to do with the key
 * (cool down, disable, mark invalid, try the next one) and whether to fail over at all.
 */
import type { ProviderFormat } from "./provider-spec";
import { redactSecrets } from "../logging/logger";

/**
 * What went wrong, from the key router's point of view:
 * - `rate_limited`: the key hit a rate limit; cool it down for `retryAfterMs` and try another key.
 * - `quota_exceeded`: credit, balance or quota is exhausted; disable the key and try another.
 * - `invalid_key`: the key is unknown, revoked or not allowed; mark it invalid and try another.
 * - `transient`: upstream 5xx or overload, timeout, dropped connection, cut stream; try another.
 * - `client_error`: the request itself is wrong (400/404/422…); another key will not help.
 */
export type ProviderErrorKind = "rate_limited" | "quota_exceeded" | "invalid_key" | "transient" | "client_error";

/** Constructor options of {@link ProviderError}. */
export interface ProviderErrorOptions {
  kind: ProviderErrorKind;
  /** Upstream HTTP status; for an error event inside a 2xx stream, the status the same error has outside a stream; 0 for network errors, timeouts and cut streams. */
  status: number;
  /** Short machine code, e.g. `rate_limited`, `insufficient_quota`, `upstream_timeout`, `stream_truncated`. */
  code: string;
  /** Human-readable message; secrets are redacted again by the constructor. */
  message: string;
  /** Which adapter raised it. */
  provider?: ProviderFormat;
  /** How long the upstream asked us to wait, when it said. */
  retryAfterMs?: number;
  /** Upstream request id (`x-request-id`, `request-id`) for support tickets. */
  requestId?: string;
  /** The upstream's own error `type` (e.g. `rate_limit_error`), when it sent one. */
  upstreamType?: string;
  /** The upstream's own error `code` (e.g. `model_not_found`), when it sent one. */
  upstreamCode?: string;
  /** Exact secrets to strip from `message` besides anything key-shaped. */
  secrets?: readonly (string | undefined)[];
}

/** Kinds the router fails over on; a `client_error` goes back to the client as it is. */
const retryableKinds: ReadonlySet<ProviderErrorKind> = new Set(["rate_limited", "quota_exceeded", "invalid_key", "transient"]);

/** Longest message kept; upstream HTML error pages can be kilobytes. */
const maximumMessageLength = 500;

/**
 * A classified upstream failure. Its message never contains an API key, and it deliberately
 * carries no `cause`: SDK errors hold request details that could include credentials.
 */
export class ProviderError extends Error {
  override readonly name = "ProviderError";
  readonly kind: ProviderErrorKind;
  readonly status: number;
  readonly code: string;
  readonly provider?: ProviderFormat;
  readonly retryAfterMs?: number;
  readonly requestId?: string;
  readonly upstreamType?: string;
  readonly upstreamCode?: string;
  /** True when another key might succeed (every kind but `client_error`). */
  readonly retryable: boolean;

  constructor(options: ProviderErrorOptions) {
    const message = redactSecrets(options.message, options.secrets);
    super(message.length > maximumMessageLength ? `${message.slice(0, maximumMessageLength)}…` : message);
    this.kind = options.kind;
    this.status = options.status;
    this.code = options.code;
    this.retryable = retryableKinds.has(options.kind);
    if (options.provider !== undefined) this.provider = options.provider;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.requestId) this.requestId = options.requestId;
    if (options.upstreamType) this.upstreamType = options.upstreamType;
    if (options.upstreamCode) this.upstreamCode = options.upstreamCode;
  }
}

/** Type guard usable across module copies (checks the shape, not only the prototype). */
export function isProviderError(value: unknown): value is ProviderError {
  return (
    value instanceof ProviderError ||
    (value instanceof Error && value.name === "ProviderError" && typeof (value as ProviderError).kind === "string")
  );
}
