/**
 * The shared sliding-window arithmetic: exact retry times, integer-safe division, validation.
 */
import { describe, expect, it } from "vitest";
import { bucketOf, ceilDivide, evaluateWindow, floorDivide, normalizeWindows, type NormalizedWindow } from "../../lib/limits/sliding-window";

/** The counters a window would see at `at` if nothing arrived after `now`. */
function countersAt(current: number, previous: number, now: number, at: number, windowMs: number): [number, number] {
  const buckets = bucketOf(at, windowMs) - bucketOf(now, windowMs);
  if (buckets === 0) return [current, previous];
  if (buckets === 1) return [0, current];
  return [0, 0];
}

describe("evaluateWindow", () => {
  it("estimates usage as current + the fading share of the previous bucket, rounded up", () => {
    const window: NormalizedWindow = { name: "rpm", limit: 10, windowMs: 60_000, cost: 1 };
    // 15 s into the bucket, 3/4 of the previous 8 still count: 6, plus 2 current = 8 used.
    expect(evaluateWindow(window, 2, 8, 60_000 + 15_000)).toEqual({ allowed: true, retryAfterMs: 0, available: 2, resetAt: 120_000 });
    // 1 ms later 7.99… rounds up to 8: still 10 used with the cost, still allowed.
    expect(evaluateWindow(window, 2, 8, 60_000 + 15_001).allowed).toBe(true);
    expect(evaluateWindow({ ...window, cost: 3 }, 2, 8, 60_000 + 15_000).allowed).toBe(false);
  });

  it("returns the first millisecond at which the same request fits (random cases)", () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    let denials = 0;
    for (let round = 0; round < 5_000; round++) {
      const windowMs = 1 + random(50);
      const limit = random(12);
      const window: NormalizedWindow = { name: "w", limit, windowMs, cost: random(limit + 2) };
      const now = 1_000 * windowMs + random(windowMs);
      const current = random(limit + 3);
      const previous = random(limit + 3);
      const verdict = evaluateWindow(window, current, previous, now);
      if (verdict.allowed) continue;
      denials += 1;
      expect(verdict.retryAfterMs).toBeGreaterThan(0);
      if (window.cost > limit) continue;
      const retryAt = now + verdict.retryAfterMs;
      const [currentThen, previousThen] = countersAt(current, previous, now, retryAt, windowMs);
      expect(evaluateWindow(window, currentThen, previousThen, retryAt).allowed, JSON.stringify({ window, current, previous, now })).toBe(true);
      const [currentBefore, previousBefore] = countersAt(current, previous, now, retryAt - 1, windowMs);
      expect(evaluateWindow(window, currentBefore, previousBefore, retryAt - 1).allowed, JSON.stringify({ window, current, previous, now })).toBe(false);
    }
    expect(denials).toBeGreaterThan(500);
  });

  it("waits until both buckets are empty for a cost above the limit", () => {
    const verdict = evaluateWindow({ name: "tpm", limit: 100, windowMs: 60_000, cost: 101 }, 0, 0, 10_000);
    expect(verdict).toEqual({ allowed: false, retryAfterMs: 110_000, available: 100, resetAt: 60_000 });
  });
});

describe("floorDivide and ceilDivide", () => {
  it("divide integers exactly near 2^53 and round negatives down", () => {
    const divisor = 86_400_000;
    const quotient = Math.floor(Number.MAX_SAFE_INTEGER / divisor) - 1;
    expect(floorDivide(quotient * divisor + divisor - 1, divisor)).toBe(quotient);
    expect(floorDivide(-1, 60_000)).toBe(-1);
    expect(ceilDivide(1, 60_000)).toBe(1);
    expect(ceilDivide(120_000, 60_000)).toBe(2);
  });
});

describe("normalizeWindows", () => {
  it("rounds limits down and costs up, and rejects nonsense", () => {
    expect(normalizeWindows([{ name: "tpm", limit: 10.9, windowMs: 1_000, cost: 0.2 }])).toEqual([{ name: "tpm", limit: 10, windowMs: 1_000, cost: 1 }]);
    expect(() => normalizeWindows([{ name: "a", limit: 1, windowMs: 1.5, cost: 1 }])).toThrow(RangeError);
    expect(() => normalizeWindows([{ name: "a", limit: Number.NaN, windowMs: 1, cost: 1 }])).toThrow(RangeError);
    expect(() => normalizeWindows([{ name: "a", limit: 1, windowMs: 1, cost: Number.POSITIVE_INFINITY }])).toThrow(RangeError);
  });
});
