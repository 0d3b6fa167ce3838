/**
 * Chooses the shared-state backend: Upstash when a REST URL and token are configured, in-process
 * memory otherwise (the local default; correct for one instance only).
 */
import { Redis } from "@upstash/redis";
import type { LimitStore } from "./limit-store";
import { MemoryLimitStore } from "./memory-limit-store";
import { createStoreRequestLimiter, createUpstashRequestLimiter, type RequestLimiter } from "./request-limiter";
import { UpstashLimitStore } from "./upstash-limit-store";

/** Options of {@link createLimitStore}. */
export interface CreateLimitStoreOptions {
  /** `UPSTASH_REDIS_REST_URL`; with the token it selects Upstash. */
  upstashUrl?: string;
  /** `UPSTASH_REDIS_REST_TOKEN`. */
  upstashToken?: string;
  /**
   * Prefix of every Redis key.
   * @default "modelgate"
   */
  prefix?: string;
  /**
   * A ready client instead of url and token (tests, or custom client settings). `@upstash/redis`
   * 1.39 always calls the global `fetch` and takes no `fetch` option, so this is the seam for
   * anything fetch-like.
   */
  redis?: Redis;
  /**
   * Clock of the memory request limiter (`@upstash/ratelimit` reads `Date.now()` itself).
   * @default Date.now
   */
  now?: () => number;
  /**
   * Longest wait for one shared-state call, in milliseconds (`LIMIT_STORE_TIMEOUT_MS`). The client
   * makes no retries of its own: an outage is answered at once by each caller's policy (the router
   * fails closed with 503, see request-limiter.ts for the HTTP limiter).
   * @default 500
   */
  timeoutMs?: number;
  /**
   * Redis timeout of the Upstash request limiter, in milliseconds.
   * @default timeoutMs
   */
  requestLimiterTimeoutMs?: number;
  /**
   * Let HTTP requests through when the limiter's Redis is down (see request-limiter.ts).
   * @default false
   */
  requestLimiterFailOpen?: boolean;
  /**
   * `@upstash/ratelimit`'s in-process block cache.
   * @default false
   */
  requestLimiterEphemeralCache?: boolean;
}

/** What {@link createLimitStore} built. */
export interface LimitBackend {
  /** Key admission, cooldowns, claims and versions. */
  store: LimitStore;
  /** The per-caller limiter for HTTP middleware, on the same backend. */
  requestLimiter: RequestLimiter;
  /** Which backend was chosen. */
  kind: "memory" | "upstash";
}

/**
 * Builds the limit store and the HTTP request limiter on the same backend.
 * @throws Error when only one of `upstashUrl` and `upstashToken` is given (a half-configured
 *   deployment would otherwise silently fall back to per-instance limits).
 */
export function createLimitStore({
  upstashUrl,
  upstashToken,
  prefix = "modelgate",
  redis,
  now = Date.now,
  timeoutMs = 500,
  requestLimiterTimeoutMs = timeoutMs,
  requestLimiterFailOpen = false,
  requestLimiterEphemeralCache = false,
}: CreateLimitStoreOptions = {}): LimitBackend {
  if (Boolean(upstashUrl) !== Boolean(upstashToken)) {
    throw new Error("UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN must be set together");
  }
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);
  // No client retries: its default of 5 with exponential backoff stalled every request 4-9 s in
  // an outage. A signal function gives each request its own deadline (a plain signal would be
  // shared, and the client answers an aborted plain signal with a fake success).
  const client =
    redis ??
    (upstashUrl && upstashToken
      ? new Redis({ url: upstashUrl, token: upstashToken, retry: false, signal: () => AbortSignal.timeout(timeoutMs) })
      : undefined);
  if (client === undefined) {
    const store = new MemoryLimitStore();
    return { store, requestLimiter: createStoreRequestLimiter(store, { now, failOpen: requestLimiterFailOpen }), kind: "memory" };
  }
  return {
    store: new UpstashLimitStore(client, { prefix, timeoutMs }),
    requestLimiter: createUpstashRequestLimiter(client, {
      prefix,
      now,
      timeoutMs: requestLimiterTimeoutMs,
      failOpen: requestLimiterFailOpen,
      ephemeralCache: requestLimiterEphemeralCache,
    }),
    kind: "upstash",
  };
}
