/**
 * The shared sliding-window arithmetic: what counts at `now`, exact retry times, validation.
 */
import { describe, expect, it } from "vitest";
import { bucketMsOf, bucketOf, evaluateWindow, firstCountedBucket, floorDivide, normalizeWindows, type NormalizedWindow } from "../../lib/limits/sliding-window";

const MINUTE = 60_000;

describe("evaluateWindow", () => {
  it("counts every bucket that holds part of the trailing window plus one guard bucket, the oldest one in full", () => {
    const window: NormalizedWindow = { name: "rpm", limit: 10, windowMs: MINUTE, cost: 1 };
    expect(bucketMsOf(MINUTE)).toBe(1000);
    // 8 units in second 59, 2 in second 60: at 60.5 s both count.
    const buckets: Array<[number, number]> = [
      [59, 8],
      [60, 2],
    ];
    expect(evaluateWindow(window, buckets, 60_500)).toEqual({ allowed: false, retryAfterMs: 120_999 - 60_500, available: 0, resetAt: 120_999 });
    // Second 59 stops counting at 120.999 s, when the guarded window (59.999 s, 120.999 s] starts after it.
    expect(evaluateWindow(window, buckets, 120_998).allowed).toBe(false);
    expect(evaluateWindow(window, buckets, 120_999)).toEqual({ allowed: true, retryAfterMs: 0, available: 8, resetAt: 121_999 });
  });

  it("returns the first millisecond at which the same request fits (random cases)", () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    let denials = 0;
    for (let round = 0; round < 3_000; round++) {
      const windowMs = 60 + random(600);
      const bucketMs = bucketMsOf(windowMs);
      const limit = random(12);
      const window: NormalizedWindow = { name: "w", limit, windowMs, cost: random(limit + 2) };
      const now = 1_000 * windowMs + random(windowMs);
      const buckets: Array<[number, number]> = [];
      for (let index = firstCountedBucket(now, windowMs, bucketMs); index <= bucketOf(now, bucketMs); index++) {
        if (random(4) === 0) buckets.push([index, random(4)]);
      }
      const verdict = evaluateWindow(window, buckets, now);
      if (verdict.allowed) continue;
      denials += 1;
      expect(verdict.retryAfterMs).toBeGreaterThan(0);
      if (window.cost > limit) continue;
      const retryAt = now + verdict.retryAfterMs;
      expect(evaluateWindow(window, buckets, retryAt).allowed, JSON.stringify({ window, buckets, now })).toBe(true);
      expect(evaluateWindow(window, buckets, retryAt - 1).allowed, JSON.stringify({ window, buckets, now })).toBe(false);
    }
    expect(denials).toBeGreaterThan(300);
  });

  it("denies a cost above the limit with the time until the window is empty", () => {
    const verdict = evaluateWindow({ name: "tpm", limit: 100, windowMs: MINUTE, cost: 101 }, [], 10_000);
    expect(verdict).toEqual({ allowed: false, retryAfterMs: 62_000, available: 100, resetAt: 10_000 });
  });
});

describe("floorDivide", () => {
  it("divides integers exactly and rounds negatives down", () => {
    expect(floorDivide(-1, 60_000)).toBe(-1);
    expect(floorDivide(119_999, 60_000)).toBe(1);
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
