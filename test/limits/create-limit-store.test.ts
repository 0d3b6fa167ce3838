/**
 * The backend factory: memory without settings, Upstash with URL and token, an error for half a
 * configuration.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLimitStore } from "../../lib/limits/create-limit-store";
import { MemoryLimitStore } from "../../lib/limits/memory-limit-store";
import { UpstashLimitStore } from "../../lib/limits/upstash-limit-store";
import { startUpstashBridge, type UpstashBridge } from "../support/upstash-bridge";
import { deleteKeysUnder, redisAvailableFor, redisUrl, uniquePrefix } from "./redis-test-support";

const redisUp = await redisAvailableFor("createLimitStore over Upstash");
const prefix = uniquePrefix("factory");

describe("createLimitStore", () => {
  it("uses memory when no Upstash settings are given", async () => {
    const backend = createLimitStore();
    expect(backend.kind).toBe("memory");
    expect(backend.store).toBeInstanceOf(MemoryLimitStore);
    expect((await backend.requestLimiter.limit("ip", 1, 1_000)).success).toBe(true);
    expect((await backend.requestLimiter.limit("ip", 1, 1_000)).success).toBe(false);
  });

  it("refuses half an Upstash configuration", () => {
    expect(() => createLimitStore({ upstashUrl: "http://127.0.0.1:1" })).toThrow(/must be set together/);
    expect(() => createLimitStore({ upstashToken: "t" })).toThrow(/must be set together/);
  });

  describe.skipIf(!redisUp)("with Upstash settings", () => {
    let bridge: UpstashBridge;
    beforeAll(async () => {
      bridge = await startUpstashBridge({ redisUrl });
    });
    afterAll(async () => {
      await bridge?.close();
      await deleteKeysUnder(prefix);
    });

    it("builds the Upstash store and request limiter on one client, under the prefix", async () => {
      const backend = createLimitStore({ upstashUrl: bridge.url, upstashToken: bridge.token, prefix });
      expect(backend.kind).toBe("upstash");
      expect(backend.store).toBeInstanceOf(UpstashLimitStore);
      const admission = await backend.store.admit("key-1", [{ name: "rpm", limit: 1, windowMs: 60_000, cost: 1 }], Date.now());
      expect(admission.allowed).toBe(true);
      expect(await backend.store.bumpVersion("config")).toBe(1);
      expect((await backend.requestLimiter.limit("ip", 1, 60_000)).success).toBe(true);
      expect((await backend.requestLimiter.limit("ip", 1, 60_000)).success).toBe(false);
      expect(await deleteKeysUnder(prefix)).toBeGreaterThanOrEqual(3);
    });
  });
});
