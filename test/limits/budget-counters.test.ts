/**
 * Budget charges in the one atomic admission, on both LimitStore implementations: memory, and
 * Upstash through the REST bridge to the real Redis. A charge that does not fit denies before any
 * window or lease is touched; a missing counter asks for its seed; settlements correct existing
 * counters only; counters expire after their period.
 */
import { randomUUID } from "node:crypto";
import { Redis as UpstashRedis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BudgetCharge, LimitStore } from "../../lib/limits/limit-store";
import { MemoryLimitStore } from "../../lib/limits/memory-limit-store";
import { UpstashLimitStore } from "../../lib/limits/upstash-limit-store";
import { startUpstashBridge, type UpstashBridge } from "../support/upstash-bridge";
import { deleteKeysUnder, redisAvailableFor, redisUrl, uniquePrefix } from "./redis-test-support";

const redisUp = await redisAvailableFor("budget counters over Upstash");
const prefix = uniquePrefix("budget-counters");
const T0 = Date.UTC(2027, 0, 1);
const MINUTE = 60_000;

let bridge: UpstashBridge | undefined;
beforeAll(async () => {
  if (redisUp) bridge = await startUpstashBridge({ redisUrl });
});
afterAll(async () => {
  await bridge?.close();
  if (redisUp) await deleteKeysUnder(prefix);
});

const backends = [
  { name: "memory", enabled: true, create: (): LimitStore => new MemoryLimitStore() },
  { name: "upstash", enabled: redisUp, create: (): LimitStore => new UpstashLimitStore(new UpstashRedis({ url: bridge!.url, token: bridge!.token }), { prefix }) },
];

const newCounter = () => `client:1:budget:${randomUUID().slice(0, 8)}:${T0}`;
const charge = (counter: string, amount: number, extra: Partial<BudgetCharge> = {}): BudgetCharge => ({ counter, limit: 100, amount, expiresAt: T0 + 10 * MINUTE, ...extra });

for (const backend of backends) {
  describe.skipIf(!backend.enabled)(`budget counters [${backend.name}]`, () => {
    it("a missing counter without a seed asks for one and reserves nothing", async () => {
      const store = backend.create();
      const counter = newCounter();
      const subject = `key-${randomUUID().slice(0, 8)}`;
      const rpm = [{ name: "rpm", limit: 5, windowMs: MINUTE, cost: 1 }];
      const unseeded = await store.admit(subject, rpm, T0, undefined, [charge(counter, 10)]);
      expect(unseeded).toMatchObject({ allowed: false, deniedBy: "budget_unseeded", deniedCharge: 0, budgetSpent: [-1] });
      // Nothing was reserved in the window either.
      expect((await store.admit(subject, [{ ...rpm[0], cost: 0 }], T0)).remaining.rpm).toBe(5);

      const seeded = await store.admit(subject, rpm, T0, undefined, [charge(counter, 10, { seed: 30 })]);
      expect(seeded).toMatchObject({ allowed: true, budgetSpent: [40] });
      expect(seeded.remaining.rpm).toBe(4);
      // A later seed is ignored: the counter exists.
      expect(await store.admit(subject, [], T0, undefined, [charge(counter, 10, { seed: 0 })])).toMatchObject({ allowed: true, budgetSpent: [50] });
    });

    it("reserves up to the limit exactly; a charge that does not fit denies before windows and leases", async () => {
      const store = backend.create();
      const counter = newCounter();
      const subject = `key-${randomUUID().slice(0, 8)}`;
      const lease = { limit: 1, leaseId: randomUUID(), ttlMs: MINUTE };
      expect(await store.admit(subject, [], T0, undefined, [charge(counter, 60, { seed: 0 })])).toMatchObject({ allowed: true, budgetSpent: [60] });
      expect(await store.admit(subject, [], T0, undefined, [charge(counter, 40)])).toMatchObject({ allowed: true, budgetSpent: [100] });
      const denied = await store.admit(subject, [{ name: "rpm", limit: 5, windowMs: MINUTE, cost: 1 }], T0, lease, [charge(counter, 1)]);
      expect(denied).toMatchObject({ allowed: false, deniedBy: "budget", deniedCharge: 0, budgetSpent: [100] });
      expect(await store.activeLeases(subject, T0)).toBe(0);
      // Two charges: the second denies, so the first reserves nothing.
      const other = newCounter();
      const both = await store.admit(subject, [], T0, undefined, [charge(other, 5, { seed: 0 }), charge(counter, 1)]);
      expect(both).toMatchObject({ allowed: false, deniedBy: "budget", deniedCharge: 1 });
      expect(await store.settleBudgets([{ counter: other, amount: 0 }], T0)).toEqual([-1]);
    });

    it("settlements correct existing counters (never below zero) and read with 0; missing ones stay missing", async () => {
      const store = backend.create();
      const counter = newCounter();
      await store.admit("key-settle", [], T0, undefined, [charge(counter, 50, { seed: 10 })]);
      expect(await store.settleBudgets([{ counter, amount: -35 }], T0)).toEqual([25]);
      expect(await store.settleBudgets([{ counter, amount: -100 }, { counter: newCounter(), amount: 5 }], T0)).toEqual([0, -1]);
      expect(await store.settleBudgets([{ counter, amount: 7 }], T0)).toEqual([7]);
      expect(await store.settleBudgets([{ counter, amount: 0 }], T0)).toEqual([7]);
    });

    it("large counters (nano-USD of big budgets) stay exact", async () => {
      const store = backend.create();
      const counter = newCounter();
      const limit = 5e15;
      expect(await store.admit("key-big", [], T0, undefined, [charge(counter, 1_234_567_890_123, { limit, seed: 4e15 })])).toMatchObject({ allowed: true, budgetSpent: [4e15 + 1_234_567_890_123] });
      expect(await store.settleBudgets([{ counter, amount: -123 }], T0)).toEqual([4e15 + 1_234_567_890_000]);
    });
  });
}

describe.skipIf(!redisUp)("budget counters over Upstash: round trips", () => {
  it("an admission with a warm budget counter is one HTTP round trip and one command, like one without", async () => {
    const store = new UpstashLimitStore(new UpstashRedis({ url: bridge!.url, token: bridge!.token }), { prefix });
    const counter = newCounter();
    const rpm = [{ name: "rpm", limit: 1_000, windowMs: MINUTE, cost: 1 }];
    await store.admit("budget-round-trips", rpm, T0, undefined, [charge(counter, 1, { limit: 1_000, seed: 0 })]);
    bridge!.resetCounts();
    for (let index = 0; index < 20; index++) await store.admit("budget-round-trips", rpm, T0 + index, undefined, [charge(counter, 1, { limit: 1_000 })]);
    await store.settleBudgets([{ counter, amount: -5 }], T0 + 30);
    expect(bridge!.counts()).toMatchObject({ requests: 21, commands: 21 });
  });
});

describe("budget counters expire after their period [memory]", () => {
  it("a counter past its expiry is missing again", async () => {
    const store = new MemoryLimitStore();
    const counter = newCounter();
    await store.admit("key-expiry", [], T0, undefined, [charge(counter, 10, { seed: 0, expiresAt: T0 + MINUTE })]);
    expect(await store.settleBudgets([{ counter, amount: 0 }], T0 + MINUTE - 1)).toEqual([10]);
    expect(await store.settleBudgets([{ counter, amount: 0 }], T0 + MINUTE)).toEqual([-1]);
  });
});
