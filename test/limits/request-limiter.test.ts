/**
 * RequestLimiter over both implementations (the memory store, and @upstash/ratelimit through the
 * bridge to the real Redis), plus the failure policy: closed by default, open on request.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis as UpstashRedis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LimitStore } from "../../lib/limits/limit-store";
import { MemoryLimitStore } from "../../lib/limits/memory-limit-store";
import {
  createStoreRequestLimiter,
  createUpstashRequestLimiter,
  RequestLimiterUnavailableError,
  type RequestLimiter,
} from "../../lib/limits/request-limiter";
import { startUpstashBridge, type UpstashBridge } from "../support/upstash-bridge";
import { deleteKeysUnder, redisAvailableFor, redisUrl, uniquePrefix } from "./redis-test-support";

const redisUp = await redisAvailableFor("RequestLimiter over @upstash/ratelimit");
const prefix = uniquePrefix("request-limiter");
let bridge: UpstashBridge | undefined;
let identifierCounter = 0;
const newIdentifier = () => `caller-${Date.now()}-${identifierCounter++}`;

beforeAll(async () => {
  if (redisUp) bridge = await startUpstashBridge({ redisUrl });
});

afterAll(async () => {
  await bridge?.close();
  if (redisUp) await deleteKeysUnder(prefix);
});

const implementations: Array<{ name: string; enabled: boolean; create: () => RequestLimiter }> = [
  { name: "memory store", enabled: true, create: () => createStoreRequestLimiter(new MemoryLimitStore()) },
  {
    name: "@upstash/ratelimit",
    enabled: redisUp,
    create: () => createUpstashRequestLimiter(new UpstashRedis({ url: bridge!.url, token: bridge!.token }), { prefix }),
  },
];

for (const implementation of implementations) {
  describe.skipIf(!implementation.enabled)(`RequestLimiter: ${implementation.name}`, () => {
    let limiter: RequestLimiter;
    beforeAll(() => {
      limiter = implementation.create();
    });

    it("allows max requests per window, then denies with a retry time", async () => {
      const identifier = newIdentifier();
      const before = Date.now();
      const results = [];
      for (let attempt = 0; attempt < 4; attempt++) results.push(await limiter.limit(identifier, 3, 60_000));
      expect(results.map((result) => [result.success, result.remaining, result.limit])).toEqual([
        [true, 2, 3],
        [true, 1, 3],
        [true, 0, 3],
        [false, 0, 3],
      ]);
      const denied = results[3];
      expect(denied.resetAt).toBeGreaterThan(before);
      // At most one window plus two of its buckets (1/60 each) away.
      expect(denied.resetAt).toBeLessThanOrEqual(Date.now() + 62_000);
      expect(denied.retryAfterMs).toBeGreaterThan(0);
    });

    it("counts identifiers and (max, window) pairs separately", async () => {
      const identifier = newIdentifier();
      expect((await limiter.limit(identifier, 1, 60_000)).success).toBe(true);
      expect((await limiter.limit(identifier, 1, 60_000)).success).toBe(false);
      expect((await limiter.limit(newIdentifier(), 1, 60_000)).success).toBe(true);
      expect((await limiter.limit(identifier, 2, 60_000)).success).toBe(true);
      expect((await limiter.limit(identifier, 1, 30_000)).success).toBe(true);
    });

    it("allows exactly max of many parallel requests", async () => {
      const identifier = newIdentifier();
      const results = await Promise.all(Array.from({ length: 50 }, () => limiter.limit(identifier, 20, 60_000)));
      expect(results.filter((result) => result.success)).toHaveLength(20);
    });

    it("rejects a nonsensical max or window", async () => {
      await expect(limiter.limit("x", -1, 1_000)).rejects.toThrow(RangeError);
      await expect(limiter.limit("x", 1, 0)).rejects.toThrow(RangeError);
    });
  });
}

describe("RequestLimiter over the memory store with an injected clock", () => {
  it("lets requests back in as the window slides", async () => {
    let now = Date.UTC(2027, 0, 1);
    const limiter = createStoreRequestLimiter(new MemoryLimitStore(), { now: () => now });
    for (let attempt = 0; attempt < 100; attempt++) expect((await limiter.limit("1.2.3.4", 100, 900_000)).success).toBe(true);
    const denied = await limiter.limit("1.2.3.4", 100, 900_000);
    // The first 15-second bucket counts for a window and a guard bucket after it.
    expect(denied).toMatchObject({ success: false, remaining: 0, resetAt: now + 30_000 + 900_000 - 1 });
    now += denied.retryAfterMs!;
    expect((await limiter.limit("1.2.3.4", 100, 900_000)).success).toBe(true);
  });

  it("fails closed when the store throws, or open when asked to", async () => {
    const broken = { admit: () => Promise.reject(new Error("store down")) } as unknown as LimitStore;
    await expect(createStoreRequestLimiter(broken).limit("a", 1, 1_000)).rejects.toBeInstanceOf(RequestLimiterUnavailableError);
    expect(await createStoreRequestLimiter(broken, { failOpen: true }).limit("a", 5, 1_000)).toMatchObject({ success: true, remaining: 5 });
  });
});

describe.skipIf(!redisUp)("RequestLimiter over @upstash/ratelimit: failure policy and cache", () => {
  let silentServer: Server;
  let silentUrl: string;

  beforeAll(async () => {
    // Accepts requests and never answers: a Redis that hangs.
    silentServer = createServer(() => {});
    await new Promise<void>((resolve) => silentServer.listen(0, "127.0.0.1", () => resolve()));
    silentUrl = `http://127.0.0.1:${(silentServer.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    silentServer.closeAllConnections();
    await new Promise<void>((resolve) => silentServer.close(() => resolve()));
  });

  it("fails closed on a timeout by default", async () => {
    const limiter = createUpstashRequestLimiter(new UpstashRedis({ url: silentUrl, token: "t", retry: false }), { prefix, timeoutMs: 100 });
    const startedAt = Date.now();
    await expect(limiter.limit("a", 5, 60_000)).rejects.toBeInstanceOf(RequestLimiterUnavailableError);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });

  it("fails open on a timeout when asked to", async () => {
    const limiter = createUpstashRequestLimiter(new UpstashRedis({ url: silentUrl, token: "t", retry: false }), { prefix, timeoutMs: 100, failOpen: true });
    expect(await limiter.limit("a", 5, 60_000)).toMatchObject({ success: true, limit: 5, remaining: 5 });
  });

  it("fails closed when Redis answers with an error (a wrong token)", async () => {
    const limiter = createUpstashRequestLimiter(new UpstashRedis({ url: bridge!.url, token: "wrong", retry: false }), { prefix });
    await expect(limiter.limit("a", 5, 60_000)).rejects.toBeInstanceOf(RequestLimiterUnavailableError);
  });

  it("keeps no in-process block by default, so a reset elsewhere takes effect at once", async () => {
    const redis = new UpstashRedis({ url: bridge!.url, token: bridge!.token });
    const identifier = newIdentifier();
    const withoutCache = createUpstashRequestLimiter(redis, { prefix: `${prefix}:nocache` });
    const withCache = createUpstashRequestLimiter(redis, { prefix: `${prefix}:cache`, ephemeralCache: true });
    for (const limiter of [withoutCache, withCache]) {
      await limiter.limit(identifier, 1, 60_000);
      expect((await limiter.limit(identifier, 1, 60_000)).success).toBe(false);
    }
    await deleteKeysUnder(`${prefix}:nocache`);
    await deleteKeysUnder(`${prefix}:cache`);
    expect((await withoutCache.limit(identifier, 1, 60_000)).success).toBe(true);
    // The ephemeral cache still blocks in this instance although Redis was reset.
    expect((await withCache.limit(identifier, 1, 60_000)).success).toBe(false);
  });
});
