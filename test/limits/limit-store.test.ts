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

/** The most units in any window `(t − windowMs, t]`: a true sliding window over what was admitted. */
function maxInAnyWindow(events: Array<[number, number]>, windowMs: number): number {
  const sorted = [...events].sort((left, right) => left[0] - right[0]);
  let most = 0;
  for (const [end] of sorted) {
    const total = sorted.filter(([at]) => at > end - windowMs && at <= end).reduce((sum, [, units]) => sum + units, 0);
    most = Math.max(most, total);
  }
  return most;
}

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
        // The reservation's bucket (1 s of a minute, 24 min of a day) counts for a window and a guard bucket after it.
        resetAt: { rpm: T0 + 7_000 + MINUTE - 1, tpm: T0 + 7_000 + MINUTE - 1, rpd: T0 + 2_880_000 + DAY - 1 },
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
      // The day's first 24-minute bucket counts until a day and a guard bucket after its end.
      expect(denied.deniedBy).toBe("rpd");
      expect(denied.retryAfterMs).toBe(2_880_000 + DAY - 1 - 1_000);
    });

    it("gives the exact retry time: denied 1 ms before it, admitted at it", async () => {
      const subject = newSubject();
      for (let index = 0; index < 3; index++) expect((await store.admit(subject, [rpm(3)], T0 + 10_000)).allowed).toBe(true);
      const denied = await store.admit(subject, [rpm(3)], T0 + 20_000);
      expect(denied).toMatchObject({ allowed: false, deniedBy: "rpm", remaining: { rpm: 0 } });
      // The 3 units sit in second 10, which counts until the guarded trailing minute starts after it: T0 + 71.999 s.
      expect(denied.retryAfterMs).toBe(51_999);
      const retryAt = T0 + 20_000 + denied.retryAfterMs;
      expect((await store.admit(subject, [rpm(3)], retryAt - 1)).allowed).toBe(false);
      expect((await store.admit(subject, [rpm(3)], retryAt)).allowed).toBe(true);
    });

    it("rolls the window over with injected time: units count for a minute and a guard second after their second, then are gone", async () => {
      const subject = newSubject();
      for (let index = 0; index < 10; index++) await store.admit(subject, [rpm(10)], T0 + 30_000);
      expect((await store.admit(subject, [rpm(10)], T0 + 59_999)).allowed).toBe(false);
      // No fading estimate: half-way through the next minute all 10 still count.
      expect((await store.admit(subject, [rpm(10)], T0 + MINUTE + 30_000)).allowed).toBe(false);
      expect((await store.admit(subject, [rpm(10)], T0 + 91_998)).allowed).toBe(false);
      const later = await store.admit(subject, [rpm(10)], T0 + 91_999);
      expect(later).toMatchObject({ allowed: true, remaining: { rpm: 9 } });
    });

    it("never admits a cost above the limit", async () => {
      const admission = await store.admit(newSubject(), [tpm(1000, 1001)], T0);
      expect(admission).toMatchObject({ allowed: false, deniedBy: "tpm", remaining: { tpm: 1000 } });
      expect(admission.retryAfterMs).toBeGreaterThan(0);
    });

    it("adjusts where the reservation was made: usage above the estimate counts, refunds give units back but never below zero", async () => {
      const subject = newSubject();
      await store.admit(subject, [tpm(1000, 500)], T0);
      await store.adjust(subject, [{ name: "tpm", windowMs: MINUTE, amount: 300, at: T0 }], T0 + 1_000);
      expect((await store.admit(subject, [tpm(1000, 0)], T0 + 2_000)).remaining.tpm).toBe(200);
      await store.adjust(subject, [{ name: "tpm", windowMs: MINUTE, amount: -600, at: T0 }], T0 + 3_000);
      expect((await store.admit(subject, [tpm(1000, 0)], T0 + 4_000)).remaining.tpm).toBe(800);
      await store.adjust(subject, [{ name: "tpm", windowMs: MINUTE, amount: -5_000, at: T0 }], T0 + 5_000);
      const afterRefund = await store.admit(subject, [tpm(1000, 1000)], T0 + 6_000);
      expect(afterRefund).toMatchObject({ allowed: true, remaining: { tpm: 0 } });
      expect((await store.admit(subject, [tpm(1000, 1)], T0 + 7_000)).allowed).toBe(false);
      // A correction of a reservation that has left the window changes nothing.
      await store.adjust(subject, [{ name: "tpm", windowMs: MINUTE, amount: 700, at: T0 }], T0 + 3 * MINUTE);
      expect((await store.admit(subject, [tpm(1000, 0)], T0 + 3 * MINUTE)).remaining.tpm).toBe(1000);
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

    it("RPM: never more than the limit in ANY trailing minute, even for bursts at bucket ends", async () => {
      const subject = newSubject();
      const admitted: Array<[number, number]> = [];
      // A burst at the very end of a minute, then one attempt every 250 ms for three minutes.
      const attempts = [...Array.from({ length: 10 }, () => T0 + 59_990), ...Array.from({ length: 720 }, (_, index) => T0 + 60_000 + 250 * index)];
      for (const at of attempts) if ((await store.admit(subject, [rpm(10)], at)).allowed) admitted.push([at, 1]);
      expect(maxInAnyWindow(admitted, MINUTE)).toBeLessThanOrEqual(10);
      // Not a starved limit: about 10 a minute went through.
      expect(admitted.length).toBeGreaterThanOrEqual(30);
    });

    it("TPM with corrections: the corrected usage stays at or under the limit in any trailing minute", async () => {
      const subject = newSubject();
      let seed = 11;
      const random = (n: number) => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        return seed % n;
      };
      const limit = 1000;
      const used = new Map<number, number>();
      const pending: Array<{ at: number; reserved: number; settleAt: number; real: number }> = [];
      for (let at = T0; at < T0 + 4 * MINUTE; at += 50 + random(400)) {
        // Settle what has finished: the real usage is at most the reservation (the output budget is a maximum).
        for (const call of pending.filter((call) => call.settleAt <= at)) {
          await store.adjust(subject, [{ name: "tpm", windowMs: MINUTE, amount: call.real - call.reserved, at: call.at }], call.settleAt);
          used.set(call.at, (used.get(call.at) ?? 0) - call.reserved + call.real);
          pending.splice(pending.indexOf(call), 1);
        }
        const reserved = 20 + random(200);
        if ((await store.admit(subject, [tpm(limit, reserved)], at)).allowed) {
          used.set(at, (used.get(at) ?? 0) + reserved);
          pending.push({ at, reserved, settleAt: at + 200 + random(20_000), real: random(reserved + 1) });
        }
      }
      expect(maxInAnyWindow([...used], MINUTE)).toBeLessThanOrEqual(limit);
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
