/**
 * Hono middleware that counts each request against a {@link RequestLimiter}.
 *
 * Every limited response carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and
 * `X-RateLimit-Reset` (epoch seconds, GitHub's convention). A denial throws a
 * {@link RateLimitError}; the app's one `onError` renders it (`Retry-After` in seconds, the
 * envelope for `/api/*`, OpenAI's `rate_limit_error` for `/v1/*`). A limiter whose shared state
 * is down throws {@link UnavailableError} (503), see request-limiter.ts for why it fails closed.
 */
import type { Context, Env, MiddlewareHandler } from "hono";
import { RateLimitError, UnavailableError } from "../errors";
import { clientIp } from "../http/client-ip";
import { setLateHeader } from "../http/late-header";
import { RequestLimiterUnavailableError, type RequestLimiter } from "./request-limiter";

/**
 * The `data` of a 429 envelope: which limit refused (a setting's name, or a fixed rule such as
 * `login_lockout`) and when it lifts, so the dashboard can say both.
 */
export function limitRefusal(limit: string, retryAfterMs: number, now: number) {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return { limit, retryAfterSeconds, resetAt: new Date(now + retryAfterSeconds * 1000).toISOString() };
}

/** A value known at construction or computed per request; `undefined` skips limiting. */
type PerRequest<E extends Env, T> = T | ((c: Context<E>) => T | undefined | Promise<T | undefined>);

/** Options of {@link rateLimit}. */
export interface RateLimitOptions<E extends Env = Env> {
  /** Where requests are counted. */
  limiter: RequestLimiter;
  /**
   * Requests allowed per window; a function can read the caller (a client key's own RPM) and
   * return `undefined` for "no limit".
   * @default 100
   */
  max?: PerRequest<E, number>;
  /**
   * Window length in milliseconds.
   * @default 900_000 (15 minutes)
   */
  windowMs?: number;
  /**
   * Who is counted; `undefined` skips limiting for this request.
   * @default the client IP (API Gateway's source IP, the Node socket, else the last X-Forwarded-For hop)
   */
  keyOf?: (c: Context<E>) => string | undefined | Promise<string | undefined>;
  /**
   * Namespace of the counted keys, so two route groups limit independently.
   * @default "requests"
   */
  prefix?: string;
  /**
   * The setting that sets this limit (`RATE_LIMIT_MAX`, `ADMIN_RATE_LIMIT_MAX`): named in the 429's
   * message and `data`, so an operator knows what to raise. Without it the 429 carries no `data`.
   */
  setting?: string;
  /**
   * Clock for `Retry-After` when the limiter gives only a reset time.
   * @default Date.now
   */
  now?: () => number;
}

/**
 * Creates the middleware.
 * @throws RangeError on a bad constant `max`, a bad `windowMs` or an empty prefix.
 * @example app.use("/api/auth/*", rateLimit({ limiter, max: 100, windowMs: 15 * 60_000, prefix: "login" }))
 */
export function rateLimit<E extends Env = Env>({
  limiter,
  max = 100,
  windowMs = 15 * 60_000,
  keyOf = clientIp,
  prefix = "requests",
  setting,
  now = Date.now,
}: RateLimitOptions<E>): MiddlewareHandler<E> {
  if (typeof max === "number" && (!Number.isSafeInteger(max) || max < 0)) throw new RangeError(`max must be a non-negative integer, got ${max}`);
  if (!Number.isSafeInteger(windowMs) || windowMs <= 0) throw new RangeError(`windowMs must be a positive integer, got ${windowMs}`);
  if (prefix.length === 0) throw new RangeError("prefix must not be empty");

  return async function rateLimitMiddleware(c, next) {
    // Awaited only when they are promises: an await costs a turn of the microtask queue.
    const keyOrPromise = keyOf(c);
    const key = keyOrPromise instanceof Promise ? await keyOrPromise : keyOrPromise;
    const limitOrPromise = typeof max === "function" ? max(c) : max;
    const limit = limitOrPromise instanceof Promise ? await limitOrPromise : limitOrPromise;
    if (key === undefined || limit === undefined) return next();

    let result;
    try {
      result = await limiter.limit(`${prefix}:${key}`, limit, windowMs);
    } catch (error) {
      if (error instanceof RequestLimiterUnavailableError) throw new UnavailableError("Rate limiter unavailable, retry shortly", 1000);
      throw error;
    }
    const headers = {
      "X-RateLimit-Limit": String(result.limit),
      "X-RateLimit-Remaining": String(result.remaining),
      "X-RateLimit-Reset": String(Math.ceil(result.resetAt / 1000)),
    };
    if (!result.success) {
      const retryAfterMs = Math.max(0, result.retryAfterMs ?? result.resetAt - now());
      const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
      if (setting === undefined) throw new RateLimitError(`Too many requests, retry in ${retryAfterSeconds} s`, retryAfterMs, headers);
      const per = `${result.limit} per ${Math.round(windowMs / 1000)} s`;
      throw new RateLimitError(`Too many requests (${setting}: ${per}), retry in ${retryAfterSeconds} s`, retryAfterMs, headers, limitRefusal(setting, retryAfterMs, now()));
    }
    await next();
    // Set after the handler: a handler that returns a fresh Response would drop earlier headers.
    for (const [name, value] of Object.entries(headers)) setLateHeader(c, name, value);
  };
}
