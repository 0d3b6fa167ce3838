/**
 * A per-caller request limiter for HTTP middleware: the login limit (per IP), the admin limit
 * (per admin user) and each client key's own RPM on the chat routes.
 *
 * Two implementations: {@link createUpstashRequestLimiter} (`@upstash/ratelimit`, shared by all
 * instances; its sliding window is approximate around window boundaries) and
 * {@link createStoreRequestLimiter} (any {@link LimitStore}'s exact sliding window: the memory
 * store locally, the Upstash store's Lua when deployed; the login and admin limits use it).
 *
 * Failure policy, the same for both: when the shared state does not answer (error or timeout)
 * the limiter FAILS CLOSED by throwing {@link RequestLimiterUnavailableError}, which the
 * middleware turns into a 503. Why: the login throttle is a brute-force defence and would vanish
 * exactly when an attacker can make Redis slow; the chat routes cannot work without Redis anyway
 * (key admission goes through the same Upstash database), so failing open there buys nothing;
 * and a 503 says what happened instead of a misleading 429. `failOpen: true` opts out.
 */
import { Ratelimit } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis";
import type { LimitStore } from "./limit-store";
import { assertWindowMs } from "./sliding-window";

/** Outcome of one {@link RequestLimiter.limit} call. */
export interface RequestLimitResult {
  /** True when the request is within the limit (and was counted). */
  success: boolean;
  /** The `max` the call was checked against. */
  limit: number;
  /** Requests left in the window after this one. */
  remaining: number;
  /** When the current window resets (epoch ms). */
  resetAt: number;
  /** When denied: milliseconds until a retry could succeed, if the implementation knows better than `resetAt`. */
  retryAfterMs?: number;
}

/** Counts one request for `identifier` against `max` requests per `windowMs`. */
export interface RequestLimiter {
  limit(identifier: string, max: number, windowMs: number): Promise<RequestLimitResult>;
}

/** The shared state behind a limiter did not answer; the request was neither counted nor allowed. */
export class RequestLimiterUnavailableError extends Error {
  override name = "RequestLimiterUnavailableError";
}

/** Options of {@link createUpstashRequestLimiter}. */
export interface UpstashRequestLimiterOptions {
  /**
   * Key prefix; the limiter's keys live under `<prefix>:request:<max>:<windowMs>:…`.
   * @default "modelgate"
   */
  prefix?: string;
  /**
   * `@upstash/ratelimit`'s in-process cache of blocked identifiers. It saves a round trip for
   * callers already over the limit but keeps blocking them in this instance until the window
   * resets, even if the counter was reset elsewhere: off by default for correctness across
   * instances.
   * @default false
   */
  ephemeralCache?: boolean;
  /**
   * Milliseconds to wait for Redis before giving up (then the failure policy applies).
   * @default 1000
   */
  timeoutMs?: number;
  /**
   * Let requests through when Redis errors or times out, instead of throwing
   * {@link RequestLimiterUnavailableError}. See the module comment for why the default is closed.
   * @default false
   */
  failOpen?: boolean;
  /**
   * Clock, only used to compute `retryAfterMs`; `@upstash/ratelimit` reads `Date.now()` itself.
   * @default Date.now
   */
  now?: () => number;
}

/**
 * A limiter on `@upstash/ratelimit`'s sliding window. One `Ratelimit` instance is cached per
 * (max, windowMs), so the chat routes' per-client RPMs share instances by value.
 * @throws RangeError unless `timeoutMs` is positive.
 */
export function createUpstashRequestLimiter(
  redis: Redis,
  { prefix = "modelgate", ephemeralCache = false, timeoutMs = 1000, failOpen = false, now = Date.now }: UpstashRequestLimiterOptions = {},
): RequestLimiter {
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);
  const limiters = new Map<string, Ratelimit>();

  function limiterFor(max: number, windowMs: number): Ratelimit {
    const cacheKey = `${max}:${windowMs}`;
    let limiter = limiters.get(cacheKey);
    if (limiter === undefined) {
      limiter = new Ratelimit({
        redis,
        limiter: Ratelimit.slidingWindow(max, `${windowMs} ms`),
        // max and window in the prefix: two routes with different limits never share counters.
        prefix: `${prefix}:request:${cacheKey}`,
        ephemeralCache: ephemeralCache ? new Map<string, number>() : false,
        timeout: timeoutMs,
        analytics: false,
      });
      limiters.set(cacheKey, limiter);
    }
    return limiter;
  }

  return {
    async limit(identifier, max, windowMs) {
      assertLimit(max, windowMs);
      let response: Awaited<ReturnType<Ratelimit["limit"]>>;
      try {
        response = await limiterFor(max, windowMs).limit(identifier);
        // Lambda freezes the process after the handler returns: never leave work pending.
        await response.pending;
      } catch (error) {
        return unavailable(failOpen, max, windowMs, now(), error);
      }
      // @upstash/ratelimit answers `success: true, reason: "timeout"` when Redis was too slow.
      if (response.reason === "timeout") return unavailable(failOpen, max, windowMs, now());
      const retryAfterMs = response.success ? 0 : Math.max(0, response.reset - now());
      return { success: response.success, limit: max, remaining: Math.max(0, response.remaining), resetAt: response.reset, retryAfterMs };
    },
  };
}

/** Options of {@link createStoreRequestLimiter}. */
export interface StoreRequestLimiterOptions {
  /**
   * Clock passed to the store.
   * @default Date.now
   */
  now?: () => number;
  /**
   * See {@link UpstashRequestLimiterOptions.failOpen}.
   * @default false
   */
  failOpen?: boolean;
}

/**
 * A limiter over a {@link LimitStore} (the memory store locally). Uses the store's sliding window,
 * so denials carry the exact `retryAfterMs`.
 */
export function createStoreRequestLimiter(store: LimitStore, { now = Date.now, failOpen = false }: StoreRequestLimiterOptions = {}): RequestLimiter {
  return {
    async limit(identifier, max, windowMs) {
      assertLimit(max, windowMs);
      const name = `requests:${max}:${windowMs}`;
      const at = now();
      let admission;
      try {
        admission = await store.admit(`request:${identifier}`, [{ name, limit: max, windowMs, cost: 1 }], at);
      } catch (error) {
        return unavailable(failOpen, max, windowMs, at, error);
      }
      return {
        success: admission.allowed,
        limit: max,
        remaining: admission.remaining[name] ?? 0,
        resetAt: admission.resetAt[name] ?? at + windowMs,
        retryAfterMs: admission.retryAfterMs,
      };
    },
  };
}

function assertLimit(max: number, windowMs: number): void {
  if (!Number.isSafeInteger(max) || max < 0) throw new RangeError(`max must be a non-negative integer, got ${max}`);
  assertWindowMs(windowMs);
}

function unavailable(failOpen: boolean, max: number, windowMs: number, now: number, cause?: unknown): RequestLimitResult {
  if (!failOpen) throw new RequestLimiterUnavailableError("The request limiter's shared state did not answer", { cause });
  return { success: true, limit: max, remaining: max, resetAt: now + windowMs, retryAfterMs: 0 };
}
