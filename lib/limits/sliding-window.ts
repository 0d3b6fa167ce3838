/**
 * The sliding-window arithmetic both limit stores share.
 *
 * Each window keeps two fixed buckets of `windowMs`: the current one and the previous one. The
 * usage estimate at `now` is `current + previous × (time left in the current bucket) / windowMs`,
 * so the previous bucket's units fade out linearly instead of all coming back at a boundary (a
 * plain fixed window lets 2× the limit through around every boundary). Cloudflare and
 * @upstash/ratelimit's `slidingWindow` use the same estimate.
 *
 * All arithmetic is on integers so the in-memory store and the Lua script in Redis (doubles
 * too) decide identically: the estimate is rounded up, and a denial's `retryAfterMs` is the exact
 * first millisecond at which the same request would be admitted if nothing else arrived.
 * Exactness holds while `limit × windowMs` stays below 2^53 (e.g. 10^8 units per day); above that
 * decisions may be off by a unit.
 *
 * upstash-limit-scripts.ts mirrors {@link evaluateWindow} line for line in Lua: change both.
 */
import type { WindowLimit } from "./limit-store";

/** A window whose numbers have been checked and made integral. */
export interface NormalizedWindow {
  name: string;
  limit: number;
  windowMs: number;
  cost: number;
}

/** What one window says about one admission. */
export interface WindowVerdict {
  allowed: boolean;
  /** 0 when allowed; else milliseconds until this window would admit the same cost. */
  retryAfterMs: number;
  /** Units free before this call's reservation (the caller subtracts the cost if every window allows). */
  available: number;
  /** End of the current bucket (epoch ms), when its units start to fade out. */
  resetAt: number;
}

/**
 * `floor(dividend / divisor)` for integers and a positive divisor. Exact while |dividend| < 2^53:
 * a correctly rounded quotient of such integers never rounds up across an integer.
 */
export function floorDivide(dividend: number, divisor: number): number {
  return Math.floor(dividend / divisor);
}

/** `ceil(dividend / divisor)` for a non-negative dividend and a positive divisor. */
export function ceilDivide(dividend: number, divisor: number): number {
  return floorDivide(dividend + divisor - 1, divisor);
}

/** Index of the fixed bucket that holds `now`. */
export function bucketOf(now: number, windowMs: number): number {
  return floorDivide(now, windowMs);
}

/** Time (epoch ms) after which a bucket no longer counts: the end of the bucket after it. */
export function bucketExpiresAt(bucket: number, windowMs: number): number {
  return (bucket + 2) * windowMs;
}

/**
 * Evaluates one window at `now` from its two bucket counters.
 *
 * A cost above the limit can never be admitted; it is denied with the time until both buckets
 * are empty, which is only a hint.
 */
export function evaluateWindow(window: NormalizedWindow, current: number, previous: number, now: number): WindowVerdict {
  const { limit, windowMs, cost } = window;
  const bucketStart = bucketOf(now, windowMs) * windowMs;
  const elapsed = now - bucketStart;
  const resetAt = bucketStart + windowMs;
  // Rounded up so the estimate never under-counts: allowed iff current + cost + ⌈carried⌉ <= limit.
  const used = current + ceilDivide(previous * (windowMs - elapsed), windowMs);
  const available = Math.max(0, limit - used);
  if (used + cost <= limit) return { allowed: true, retryAfterMs: 0, available, resetAt };
  if (cost > limit) return { allowed: false, retryAfterMs: resetAt + windowMs - now, available, resetAt };

  // Still in this bucket: need previous × (windowMs − e) <= room × windowMs.
  const room = limit - current - cost;
  if (room >= 0 && previous > 0) {
    const fadedEnoughAt = windowMs - floorDivide(room * windowMs, previous);
    if (fadedEnoughAt < windowMs) return { allowed: false, retryAfterMs: bucketStart + fadedEnoughAt - now, available, resetAt };
  }
  // In the next bucket the current counter becomes the fading one and the new bucket is empty.
  const nextFadedEnoughAt = current > 0 ? Math.max(0, windowMs - floorDivide((limit - cost) * windowMs, current)) : 0;
  return { allowed: false, retryAfterMs: resetAt + nextFadedEnoughAt - now, available, resetAt };
}

/**
 * Checks the windows of one admission and makes their numbers integral: limits round down, costs
 * round up (a fractional token estimate must not slip through).
 * @throws RangeError on a duplicate name, a non-positive or non-integer window, or a negative or non-finite number.
 */
export function normalizeWindows(windows: WindowLimit[]): NormalizedWindow[] {
  const seen = new Set<string>();
  return windows.map((window) => {
    if (seen.has(window.name)) throw new RangeError(`Duplicate window name "${window.name}"`);
    seen.add(window.name);
    assertWindowMs(window.windowMs);
    if (!Number.isFinite(window.limit) || window.limit < 0) {
      throw new RangeError(`Window "${window.name}": limit must be a finite number >= 0, got ${window.limit}`);
    }
    if (!Number.isFinite(window.cost) || window.cost < 0) {
      throw new RangeError(`Window "${window.name}": cost must be a finite number >= 0, got ${window.cost}`);
    }
    return { name: window.name, limit: Math.floor(window.limit), windowMs: window.windowMs, cost: Math.ceil(window.cost) };
  });
}

/** Checks an injected clock reading and drops sub-millisecond fractions. */
export function normalizeNow(now: number): number {
  if (!Number.isFinite(now)) throw new RangeError(`now must be a finite epoch-milliseconds number, got ${now}`);
  return Math.floor(now);
}

/** @throws RangeError unless `windowMs` is a positive integer. */
export function assertWindowMs(windowMs: number): void {
  if (!Number.isSafeInteger(windowMs) || windowMs <= 0) throw new RangeError(`windowMs must be a positive integer, got ${windowMs}`);
}

/** @throws RangeError unless `ttlMs` is a positive finite number. */
export function assertTtlMs(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a positive number, got ${ttlMs}`);
}
