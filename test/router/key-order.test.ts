/**
 * The stated try order of key-order.ts, as pure functions: tiers by priority, the smooth
 * weighted round-robin pick first, the rest of the tier by weight then id, unusable keys left
 * out with their reason.
 */
import { describe, expect, it } from "vitest";
import type { CatalogueKey } from "../../lib/router/catalogue-snapshot";
import { orderKeys, WeightedRotation } from "../../lib/router/key-order";

const NOW = Date.UTC(2027, 0, 1);

function key(id: number, overrides: Partial<CatalogueKey> = {}): CatalogueKey {
  return {
    id,
    providerId: 1,
    name: `k${id}`,
    apiKey: `sk-test-${id}`,
    priority: 0,
    weight: 1,
    rateLimitRpm: null,
    rateLimitTpm: null,
    rateLimitRpd: null,
    maxConcurrency: null,
    status: "normal",
    statusReason: null,
    cooldownUntil: null,
    consecutiveFailures: 0,
    lastUsedAt: null,
    ...overrides,
  };
}

/** Keys as the snapshot holds them: priority desc, then id. */
const sorted = (keys: CatalogueKey[]) => [...keys].sort((left, right) => right.priority - left.priority || left.id - right.id);
const ids = (keys: CatalogueKey[]) => keys.map((candidate) => candidate.id);

describe("orderKeys", () => {
  it("tries the top tier fully (rotating its first key) before the next tier", () => {
    const keys = sorted([key(1, { priority: 10 }), key(2, { priority: 10 }), key(3, { priority: 10 }), key(4, { priority: 1 }), key(5, { priority: 1 })]);
    const rotation = new WeightedRotation();
    expect(ids(orderKeys(keys, rotation, NOW).candidates)).toEqual([1, 2, 3, 4, 5]);
    expect(ids(orderKeys(keys, rotation, NOW).candidates)).toEqual([2, 1, 3, 5, 4]);
    expect(ids(orderKeys(keys, rotation, NOW).candidates)).toEqual([3, 1, 2, 4, 5]);
  });

  it("spreads first picks in proportion to weight, smoothly", () => {
    const keys = sorted([key(1, { weight: 5 }), key(2, { weight: 1 }), key(3, { weight: 1 })]);
    const rotation = new WeightedRotation();
    const firsts = Array.from({ length: 7 }, () => orderKeys(keys, rotation, NOW).candidates[0].id);
    // nginx's smooth sequence for 5:1:1.
    expect(firsts).toEqual([1, 1, 2, 1, 3, 1, 1]);
    // The rest of the tier follows by weight, then id.
    expect(ids(orderKeys(keys, rotation, NOW).candidates)).toEqual([1, 2, 3]);
  });

  it("leaves out invalid and cooling keys with their reason; a key whose cooldown ended is a candidate again", () => {
    const keys = sorted([
      key(1, { status: "invalid" }),
      key(2, { status: "rate_limited", cooldownUntil: NOW + 5000 }),
      key(3, { status: "quota_exceeded", cooldownUntil: NOW + 3_600_000 }),
      key(4, { status: "error", cooldownUntil: NOW - 1 }),
      key(5),
    ]);
    const order = orderKeys(keys, new WeightedRotation(), NOW);
    expect(ids(order.candidates)).toEqual([4, 5]);
    expect(order.excluded).toEqual([
      { keyId: 1, reason: "invalid" },
      { keyId: 2, reason: "cooling_down", until: NOW + 5000 },
      { keyId: 3, reason: "quota_exceeded", until: NOW + 3_600_000 },
    ]);
  });
});
