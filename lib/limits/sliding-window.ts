/**
 * The sliding-window arithmetic both limit stores share.
 *
 * Each window of `windowMs` is kept as fine buckets of `windowMs / 60` (at least 1 ms): a counter
 * per bucket. An admission at `now` counts EVERY bucket that holds any part of the trailing window
 * `(now − windowMs − bucketMs, now]`: the window itself plus one bucket of guard, the oldest
 * bucket in full although part of it is older. So the count is never below the true usage of the
 * trailing window, and a request is admitted only when that count plus its cost fits the limit.
 * Hence, for every window of `windowMs` (any start, not just bucket or minute boundaries), what
 * was admitted in it is at most the limit: take the last admission in the window; at that moment
 * everything admitted earlier in the window was counted. The guard bucket keeps that true by a
 * margin of at least one bucket (1 s of a minute) when instances' clocks differ slightly or
 * requests reach the upstream with some jitter. The price: a unit counts for between one window
 * plus one bucket and one window plus two buckets (at most 1/30 of the window longer than it
 * strictly must).
 *
 * Corrections (TPM settled to the real usage) go to the bucket of the reservation they correct,
 * so a refund never frees room later in the window than the reservation took it.
 *
 * All arithmetic is on integers so the in-memory store and the Lua script in Redis (doubles too)
 * decide identically, and a denial's `retryAfterMs` is the exact first millisecond at which the
 * same request would be admitted if nothing else arrived.
 *
 * upstash-limit-scripts.ts mirrors {@link evaluateWindow} line for line in Lua: change both.
 */
import type { WindowLimit } from "./limit-store";

/** Buckets per window. */
export const BUCKETS_PER_WINDOW = 60;

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
  /** When the oldest units still counted (this reservation included, when allowed) stop counting (epoch ms); `now` when none count. */
  resetAt: number;
}

/** `floor(dividend / divisor)` for integers and a positive divisor. */
export function floorDivide(dividend: number, divisor: number): number {
  return Math.floor(dividend / divisor);
}

/** Length of one bucket of a window, in ms. */
export function bucketMsOf(windowMs: number): number {
  return Math.max(1, floorDivide(windowMs, BUCKETS_PER_WINDOW));
}

/** Index of the bucket that holds `at`. */
export function bucketOf(at: number, bucketMs: number): number {
  return floorDivide(at, bucketMs);
}

/** The oldest bucket that still holds part of the guarded trailing window `(now − windowMs − bucketMs, now]`. */
export function firstCountedBucket(now: number, windowMs: number, bucketMs: number): number {
  return floorDivide(now - windowMs - bucketMs + 1, bucketMs);
}

/** How long a window's newest bucket can still count after `now`: what its storage must live. */
export function windowLifetimeMs(windowMs: number, bucketMs: number): number {
  return windowMs + 2 * bucketMs;
}

/**
 * Evaluates one window at `now` from its bucket counters, `[bucket index, units]` in ascending
 * index order (buckets before {@link firstCountedBucket} are ignored).
 *
 * A cost above the limit can never be admitted; it is denied with the time until the window is
 * empty, which is only a hint.
 */
export function evaluateWindow(window: NormalizedWindow, buckets: ReadonlyArray<readonly [number, number]>, now: number): WindowVerdict {
  const { limit, windowMs, cost } = window;
  const bucketMs = bucketMsOf(windowMs);
  const first = firstCountedBucket(now, windowMs, bucketMs);
  let used = 0;
  let oldest: number | undefined;
  for (const [index, units] of buckets) {
    if (index < first || units <= 0) continue;
    used += units;
    oldest ??= index;
  }
  // A bucket stops counting once the guarded window starts after it: at (index + 2) × bucketMs + windowMs − 1.
  const endOfCount = (index: number) => (index + 2) * bucketMs + windowMs - 1;
  const available = Math.max(0, limit - used);
  if (used + cost <= limit) {
    // With this reservation counted: it is the oldest when nothing older is.
    const oldestAfter = oldest ?? (cost > 0 ? bucketOf(now, bucketMs) : undefined);
    return { allowed: true, retryAfterMs: 0, available, resetAt: oldestAfter === undefined ? now : endOfCount(oldestAfter) };
  }
  const resetAt = oldest === undefined ? now : endOfCount(oldest);
  if (cost > limit) return { allowed: false, retryAfterMs: windowLifetimeMs(windowMs, bucketMs), available, resetAt };
  const excess = used + cost - limit;
  let freed = 0;
  for (const [index, units] of buckets) {
    if (index < first || units <= 0) continue;
    freed += units;
    if (freed >= excess) return { allowed: false, retryAfterMs: endOfCount(index) - now, available, resetAt };
  }
  // Unreachable: all buckets gone leaves room for any cost up to the limit.
  return { allowed: false, retryAfterMs: windowLifetimeMs(windowMs, bucketMs), available, resetAt };
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

/** @throws RangeError unless the cap is a non-negative integer, the id non-empty and the ttl positive. */
export function assertConcurrency(concurrency: { limit: number; leaseId: string; ttlMs: number }): void {
  if (!Number.isSafeInteger(concurrency.limit) || concurrency.limit < 0) throw new RangeError(`concurrency limit must be an integer >= 0, got ${concurrency.limit}`);
  if (concurrency.leaseId.length === 0) throw new RangeError("leaseId must not be empty");
  assertTtlMs(concurrency.ttlMs);
}
