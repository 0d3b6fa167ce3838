/**
 * One suite over both LimitStore implementations: memory, and Upstash through the REST bridge to
 * the real Redis with the real @upstash/redis client (auto-pipelining on, base64 on).
 */
import { randomUUID } from "node:crypto";
import { Redis as UpstashRedis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LimitStore, WindowLimit } from "../../lib/limits/limit-store";
import { MemoryLimitStore } from "../../lib/limits/memory-limit-store";
import { UpstashLimitStore } from "../../lib/limits/upstash-limit-store";
import { startUpstashBridge, type UpstashBridge } from "../support/upstash-bridge";
import { deleteKeysUnder, redisAvailableFor, redisUrl, uniquePrefix } from "./redis-test-support";

const redisUp = await redisAvailableFor("LimitStore over Upstash");
const prefix = uniquePrefix("limit-store");
/** Minute- and day-aligned, so bucket arithmetic in the expectations stays readable. */
const T0 = Date.UTC(2027, 0, 1);
const MINUTE = 60_000;
const DAY = 86_400_000;

let bridge: UpstashBridge | undefined;

interface Backend {
  name: "memory" | "upstash";
  enabled: boolean;
  create: () => LimitStore;
}

const backends: Backend[] = [
  { name: "memory", enabled: true, create: () => new MemoryLimitStore() },
  {
    name: "upstash",
    enabled: redisUp,
    create: () => new UpstashLimitStore(new UpstashRedis({ url: bridge!.url, token: bridge!.token }), { prefix }),
  },
];

beforeAll(async () => {
  if (redisUp) bridge = await startUpstashBridge({ redisUrl });
});

afterAll(async () => {
  await bridge?.close();
  if (redisUp) await deleteKeysUnder(prefix);
});

/** A fresh subject per test, so tests in one backend never share counters. */
const newSubject = () => `key-${randomUUID().slice(0, 8)}`;

const rpm = (limit: number, cost = 1): WindowLimit => ({ name: "rpm", limit, windowMs: MINUTE, cost });
const tpm = (limit: number, cost: number): WindowLimit => ({ name: "tpm", limit, windowMs: MINUTE, cost });
const rpd = (limit: number, cost = 1): WindowLimit => ({ name: "rpd", limit, windowMs: DAY, cost });

for (const backend of backends) {
  describe.skipIf(!backend.enabled)(`LimitStore: ${backend.name}`, () => {
    let store: LimitStore;
    beforeAll(() => {
      store = backend.create();
    });

    it("admits within every window and reports remaining and reset per window", async () => {
      const admission = await store.admit(newSubject(), [rpm(10), tpm(1000, 300), rpd(100)], T0 + 5_000);
      expect(admission).toEqual({
        allowed: true,
        retryAfterMs: 0,
        remaining: { rpm: 9, tpm: 700, rpd: 99 },
        resetAt: { rpm: T0 + MINUTE, tpm: T0 + MINUTE, rpd: T0 + DAY },
      });
      expect(store.kind).toBe(backend.name);
    });

    it("is all-or-nothing: a TPM denial consumes no RPM or RPD unit", async () => {
      const subject = newSubject();
      expect((await store.admit(subject, [rpm(10), tpm(1000, 900), rpd(100)], T0)).allowed).toBe(true);
      const denied = await store.admit(subject, [rpm(10), tpm(1000, 200), rpd(100)], T0 + 1_000);
      expect(denied.allowed).toBe(false);
      expect(denied.deniedBy).toBe("tpm");
      expect(denied.remaining).toEqual({ rpm: 9, tpm: 100, rpd: 99 });
      const next = await store.admit(subject, [rpm(10), tpm(1000, 100), rpd(100)], T0 + 2_000);
      expect(next.allowed).toBe(true);
      expect(next.remaining).toEqual({ rpm: 8, tpm: 0, rpd: 98 });
    });

    it("names the window that needs the longest wait when several deny", async () => {
      const subject = newSubject();
      await store.admit(subject, [rpm(1), rpd(1)], T0);
      const denied = await store.admit(subject, [rpm(1), rpd(1)], T0 + 1_000);
      // Sliding: yesterday's request still fades through the next day, so 1/day waits two bucket ends.
      expect(denied.deniedBy).toBe("rpd");
      expect(denied.retryAfterMs).toBe(2 * DAY - 1_000);
    });

    it("gives the exact retry time: denied 1 ms before it, admitted at it", async () => {
      const subject = newSubject();
      for (let index = 0; index < 3; index++) expect((await store.admit(subject, [rpm(3)], T0 + 10_000)).allowed).toBe(true);
      const denied = await store.admit(subject, [rpm(3)], T0 + 20_000);
      expect(denied).toMatchObject({ allowed: false, deniedBy: "rpm", remaining: { rpm: 0 } });
      // The 3 units fade through the next minute; 1 more fits once ⌈3 × (60 − e) / 60⌉ <= 2, at e = 20 s:
      // T0 + 80 s, 60 s after the denial.
      expect(denied.retryAfterMs).toBe(60_000);
      const retryAt = T0 + 20_000 + denied.retryAfterMs;
      expect((await store.admit(subject, [rpm(3)], retryAt - 1)).allowed).toBe(false);
      expect((await store.admit(subject, [rpm(3)], retryAt)).allowed).toBe(true);
    });

    it("rolls windows over with injected time: the previous minute fades, two minutes later it is gone", async () => {
      const subject = newSubject();
      for (let index = 0; index < 10; index++) await store.admit(subject, [rpm(10)], T0 + 30_000);
      expect((await store.admit(subject, [rpm(10)], T0 + 59_999)).allowed).toBe(false);
      // Half-way through the next minute half of the 10 still counts.
      const halfway = await store.admit(subject, [rpm(10)], T0 + MINUTE + 30_000);
      expect(halfway).toMatchObject({ allowed: true, remaining: { rpm: 4 }, resetAt: { rpm: T0 + 2 * MINUTE } });
      const later = await store.admit(subject, [rpm(10)], T0 + 3 * MINUTE);
      expect(later).toMatchObject({ allowed: true, remaining: { rpm: 9 } });
    });

    it("never admits a cost above the limit", async () => {
      const admission = await store.admit(newSubject(), [tpm(1000, 1001)], T0);
      expect(admission).toMatchObject({ allowed: false, deniedBy: "tpm", remaining: { tpm: 1000 } });
      expect(admission.retryAfterMs).toBeGreaterThan(0);
    });

    it("adjusts: real usage above the estimate counts, refunds give units back but never below zero", async () => {
      const subject = newSubject();
      await store.admit(subject, [tpm(1000, 500)], T0);
      await store.adjust(subject, [{ name: "tpm", windowMs: MINUTE, amount: 300 }], T0 + 1_000);
      expect((await store.admit(subject, [tpm(1000, 0)], T0 + 2_000)).remaining.tpm).toBe(200);
      await store.adjust(subject, [{ name: "tpm", windowMs: MINUTE, amount: -600 }], T0 + 3_000);
      expect((await store.admit(subject, [tpm(1000, 0)], T0 + 4_000)).remaining.tpm).toBe(800);
      await store.adjust(subject, [{ name: "tpm", windowMs: MINUTE, amount: -5_000 }], T0 + 5_000);
      const afterRefund = await store.admit(subject, [tpm(1000, 1000)], T0 + 6_000);
      expect(afterRefund).toMatchObject({ allowed: true, remaining: { tpm: 0 } });
      expect((await store.admit(subject, [tpm(1000, 1)], T0 + 7_000)).allowed).toBe(false);
    });

    it("extends a cooldown but never shortens it, and lets it expire", async () => {
      const subject = newSubject();
      await store.setCooldown(subject, T0 + 10_000, T0);
      await store.setCooldown(subject, T0 + 5_000, T0 + 1_000);
      const cooling = await store.admit(subject, [rpm(10)], T0 + 2_000);
      expect(cooling).toMatchObject({ allowed: false, deniedBy: "cooldown", retryAfterMs: 8_000, remaining: { rpm: 10 } });
      await store.setCooldown(subject, T0 + 20_000, T0 + 3_000);
      expect(await store.getCooldowns([subject, newSubject()], T0 + 4_000)).toEqual(new Map([[subject, T0 + 20_000]]));
      expect((await store.admit(subject, [rpm(10)], T0 + 19_999)).deniedBy).toBe("cooldown");
      expect(await store.getCooldowns([subject], T0 + 20_000)).toEqual(new Map());
      const after = await store.admit(subject, [rpm(10)], T0 + 20_000);
      expect(after).toMatchObject({ allowed: true, remaining: { rpm: 9 } });
    });

    it("ignores a cooldown deadline in the past and clears one early", async () => {
      const subject = newSubject();
      await store.setCooldown(subject, T0 - 1, T0);
      expect(await store.getCooldowns([subject], T0)).toEqual(new Map());
      await store.setCooldown(subject, T0 + 60_000, T0);
      await store.clearCooldown(subject);
      expect((await store.admit(subject, [], T0 + 1)).allowed).toBe(true);
      expect(await store.getCooldowns([], T0)).toEqual(new Map());
    });

    it("claims once per TTL, and again after release or expiry", async () => {
      const name = `alert-${randomUUID().slice(0, 8)}`;
      expect(await store.claim(name, 30_000, T0)).toBe(true);
      expect(await store.claim(name, 30_000, T0 + 29_999)).toBe(false);
      expect(await store.claim(name, 30_000, T0 + 30_000)).toBe(true);
      await store.release(name);
      expect(await store.claim(name, 30_000, T0 + 30_001)).toBe(true);
      const racers = await Promise.all(Array.from({ length: 20 }, () => store.claim(`${name}-race`, 1_000, T0)));
      expect(racers.filter(Boolean)).toHaveLength(1);
    });

    it("counts versions from 0", async () => {
      const name = `config-${randomUUID().slice(0, 8)}`;
      expect(await store.getVersion(name)).toBe(0);
      expect(await store.bumpVersion(name)).toBe(1);
      expect(await store.bumpVersion(name)).toBe(2);
      expect(await store.getVersion(name)).toBe(2);
    });

    it("admits exactly 60 of 200 parallel admissions against a limit of 60", async () => {
      const subject = newSubject();
      const admissions = await Promise.all(Array.from({ length: 200 }, () => store.admit(subject, [rpm(60), tpm(100_000, 10)], T0 + 1_000)));
      expect(admissions.filter((admission) => admission.allowed)).toHaveLength(60);
      expect(admissions.filter((admission) => admission.deniedBy === "rpm")).toHaveLength(140);
      expect((await store.admit(subject, [tpm(100_000, 0)], T0 + 2_000)).remaining.tpm).toBe(100_000 - 600);
    });

    it("rejects malformed windows before touching state", async () => {
      await expect(store.admit(newSubject(), [rpm(1), rpm(2)], T0)).rejects.toThrow(RangeError);
      await expect(store.admit(newSubject(), [{ name: "rpm", limit: 1, windowMs: 0, cost: 1 }], T0)).rejects.toThrow(RangeError);
      await expect(store.admit(newSubject(), [{ name: "tpm", limit: 1, windowMs: MINUTE, cost: -1 }], T0)).rejects.toThrow(RangeError);
    });

    it("rounds fractional costs up", async () => {
      const admission = await store.admit(newSubject(), [tpm(10, 2.1)], T0);
      expect(admission.remaining.tpm).toBe(7);
    });
  });
}

describe("MemoryLimitStore memory bound", () => {
  it("sweeps expired counters, cooldowns and claims", async () => {
    const store = new MemoryLimitStore({ sweepIntervalMs: 1_000 });
    for (let index = 0; index < 1_000; index++) {
      await store.admit(`subject-${index}`, [rpm(10)], T0);
      await store.setCooldown(`subject-${index}`, T0 + 5_000, T0);
      await store.claim(`claim-${index}`, 5_000, T0);
    }
    expect(store.entryCount).toBe(3_000);
    await store.getCooldowns([], T0 + 2 * MINUTE);
    expect(store.entryCount).toBe(0);
  });
});
