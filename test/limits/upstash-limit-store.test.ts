/**
 * What only the Upstash store has: round trips per call, key expiry in Redis, the NOSCRIPT
 * fallback, and a randomized cross-check that it decides exactly like the memory store.
 */
import { Redis as UpstashRedis } from "@upstash/redis";
import { Redis as IoRedis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Admission, LimitStore, WindowLimit } from "../../lib/limits/limit-store";
import { MemoryLimitStore } from "../../lib/limits/memory-limit-store";
import { UpstashLimitStore, type UpstashLimitRedis } from "../../lib/limits/upstash-limit-store";
import { startUpstashBridge, type UpstashBridge } from "../support/upstash-bridge";
import { deleteKeysUnder, listKeysUnder, redisAvailableFor, redisUrl, uniquePrefix } from "./redis-test-support";

const redisUp = await redisAvailableFor("UpstashLimitStore over the bridge");
const prefix = uniquePrefix("upstash-store");
const T0 = Date.UTC(2027, 0, 1);
const MINUTE = 60_000;

describe("UpstashLimitStore script fallback", () => {
  it("sends EVAL once when Redis answers NOSCRIPT, then goes back to EVALSHA", async () => {
    const calls: string[] = [];
    let loaded = false;
    const reply = [1, 0, 0, 0, 0, 4, T0 + MINUTE];
    const fake = {
      async evalsha() {
        calls.push("evalsha");
        if (!loaded) throw new Error("Command failed: NOSCRIPT No matching script. Please use EVAL.");
        return reply;
      },
      async eval() {
        calls.push("eval");
        loaded = true;
        return reply;
      },
    } as unknown as UpstashLimitRedis;
    const store = new UpstashLimitStore(fake);
    const window: WindowLimit = { name: "rpm", limit: 5, windowMs: MINUTE, cost: 1 };
    expect(await store.admit("key-1", [window], T0)).toEqual({ allowed: true, retryAfterMs: 0, remaining: { rpm: 4 }, resetAt: { rpm: T0 + MINUTE } });
    await store.admit("key-1", [window], T0);
    expect(calls).toEqual(["evalsha", "eval", "evalsha"]);
  });

  it("passes other errors through", async () => {
    const fake = {
      async evalsha() {
        throw new Error("WRONGTYPE Operation against a key holding the wrong kind of value");
      },
    } as unknown as UpstashLimitRedis;
    await expect(new UpstashLimitStore(fake).claim("x", 1_000, T0)).rejects.toThrow("WRONGTYPE");
  });
});

describe.skipIf(!redisUp)("UpstashLimitStore over the bridge", () => {
  let bridge: UpstashBridge;
  let client: UpstashRedis;
  let store: UpstashLimitStore;
  let inspector: IoRedis;

  beforeAll(async () => {
    bridge = await startUpstashBridge({ redisUrl });
    client = new UpstashRedis({ url: bridge.url, token: bridge.token });
    store = new UpstashLimitStore(client, { prefix });
    inspector = new IoRedis(redisUrl);
    // Loads the scripts, so the counts below measure the steady state.
    await store.admit("warm-up", [{ name: "rpm", limit: 1, windowMs: MINUTE, cost: 0 }], T0);
    await store.adjust("warm-up", [{ name: "rpm", windowMs: MINUTE, amount: 1 }], T0);
    await store.setCooldown("warm-up", T0 + 1, T0);
    await store.claim("warm-up", 1, T0);
  });

  afterAll(async () => {
    await bridge?.close();
    await inspector?.quit();
    await deleteKeysUnder(prefix);
  });

  it("makes one HTTP round trip and runs one Redis command per admit, adjust, cooldown and claim", async () => {
    const windows: WindowLimit[] = [
      { name: "rpm", limit: 1_000, windowMs: MINUTE, cost: 1 },
      { name: "tpm", limit: 1_000_000, windowMs: MINUTE, cost: 500 },
      { name: "rpd", limit: 10_000, windowMs: 86_400_000, cost: 1 },
    ];
    bridge.resetCounts();
    for (let index = 0; index < 25; index++) await store.admit("round-trips", windows, T0 + index);
    expect(bridge.counts()).toMatchObject({ requests: 25, commands: 25 });

    bridge.resetCounts();
    await store.adjust("round-trips", [{ name: "tpm", windowMs: MINUTE, amount: -200 }, { name: "rpm", windowMs: MINUTE, amount: 1 }], T0 + 30);
    await store.setCooldown("round-trips", T0 + 5_000, T0 + 31);
    await store.claim("round-trips", 5_000, T0 + 32);
    expect(bridge.counts()).toMatchObject({ requests: 3, commands: 3 });
  });

  it("batches parallel admits into pipelines (auto-pipelining) and still admits exactly the limit", async () => {
    bridge.resetCounts();
    const startedAt = performance.now();
    const admissions = await Promise.all(
      Array.from({ length: 1_000 }, () => store.admit("pipelined", [{ name: "rpm", limit: 600, windowMs: MINUTE, cost: 1 }], T0)),
    );
    const elapsedMs = performance.now() - startedAt;
    expect(admissions.filter((admission) => admission.allowed)).toHaveLength(600);
    const { requests, commands } = bridge.counts();
    expect(commands).toBe(1_000);
    expect(requests).toBeLessThan(1_000);
    console.log(`[measure] 1000 parallel admits: ${requests} HTTP requests, ${Math.round(1_000 / (elapsedMs / 1_000))} admits/s`);
  });

  it("sustains sequential admits over HTTP (measured)", async () => {
    const count = 300;
    const startedAt = performance.now();
    for (let index = 0; index < count; index++) {
      await store.admit("sequential", [{ name: "rpm", limit: 100_000, windowMs: MINUTE, cost: 1 }], T0);
    }
    const elapsedMs = performance.now() - startedAt;
    console.log(`[measure] ${count} sequential admits: ${(elapsedMs / count).toFixed(2)} ms each, ${Math.round(count / (elapsedMs / 1_000))} admits/s`);
    expect(elapsedMs).toBeGreaterThan(0);
  });

  it("gives every key it writes a time to live, except version counters", async () => {
    await store.admit("ttl", [{ name: "rpm", limit: 5, windowMs: MINUTE, cost: 1 }], Date.now());
    await store.adjust("ttl", [{ name: "tpm", windowMs: MINUTE, amount: 10 }], Date.now());
    await store.setCooldown("ttl", Date.now() + 60_000, Date.now());
    await store.claim("ttl", 60_000, Date.now());
    await store.bumpVersion("ttl");
    const keys = await listKeysUnder(prefix, inspector);
    expect(keys).toEqual(expect.arrayContaining([`${prefix}:{ttl}:cooldown`, `${prefix}:claim:ttl`, `${prefix}:version:ttl`]));
    for (const key of keys) {
      const ttl = await inspector.pttl(key);
      if (key.startsWith(`${prefix}:version:`)) expect(ttl, key).toBe(-1);
      else expect(ttl, key).toBeGreaterThan(0);
    }
    const windowKeys = keys.filter((key) => key.startsWith(`${prefix}:{ttl}:window:`));
    expect(windowKeys).toHaveLength(2);
    for (const key of windowKeys) expect(await inspector.pttl(key)).toBeLessThanOrEqual(2 * MINUTE + 1_000);
  });

  it("decides exactly like the memory store over a random sequence", async () => {
    const memory = new MemoryLimitStore();
    const random = mulberry32(20_270_101);
    const pick = (n: number) => Math.floor(random() * n);
    const subjects = ["alpha", "beta", "gamma"].map((name) => `cross-${name}`);
    const limits = new Map(subjects.map((subject) => [subject, { rpm: 3 + pick(10), tpm: 200 + pick(800), rpd: 20 + pick(40) }]));
    let now = T0 + pick(MINUTE);
    const run = async (operation: (target: LimitStore) => Promise<unknown>) => {
      const [fromMemory, fromUpstash] = [await operation(memory), await operation(store)];
      expect(fromUpstash).toEqual(fromMemory);
      return fromMemory;
    };
    let admitted = 0;
    for (let step = 0; step < 400; step++) {
      now += pick(4) === 0 ? pick(90_000) : pick(3_000);
      const subject = subjects[pick(subjects.length)];
      const limit = limits.get(subject)!;
      const roll = pick(20);
      if (roll < 15) {
        const windows: WindowLimit[] = [
          { name: "rpm", limit: limit.rpm, windowMs: MINUTE, cost: 1 },
          { name: "tpm", limit: limit.tpm, windowMs: MINUTE, cost: pick(limit.tpm / 2) },
          { name: "rpd", limit: limit.rpd, windowMs: 3_600_000, cost: 1 },
        ];
        const concurrency = pick(3) === 0 ? { limit: 1 + pick(3), leaseId: `lease-${step}`, ttlMs: 1 + pick(5_000) } : undefined;
        const admission = (await run((target) => target.admit(subject, windows, now, concurrency))) as Admission;
        if (admission.allowed) admitted += 1;
      } else if (roll < 18) {
        const amount = pick(400) - 250;
        const at = now - pick(70_000);
        await run((target) => target.adjust(subject, [{ name: "tpm", windowMs: MINUTE, amount, at }], now));
        if (pick(2) === 0) await run((target) => target.releaseLease(subject, `lease-${step - 1 - pick(5)}`));
        await run((target) => target.activeLeases(subject, now));
      } else if (roll < 19) {
        const until = now + pick(30_000);
        await run((target) => target.setCooldown(subject, until, now));
      } else {
        await run((target) => target.getCooldowns(subjects, now));
      }
    }
    // The sequence must exercise both outcomes to mean anything.
    expect(admitted).toBeGreaterThan(20);
    expect(admitted).toBeLessThan(300);
  });
});

/** A small seeded PRNG, so a failing sequence replays. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}
