import { describe, expect, it } from "vitest";
import type { ProviderCallContext } from "../../lib/providers/provider-spec";
import { ProviderClientCache } from "../../lib/providers/shared/provider-client-cache";

const context = (keyId: number, overrides: Partial<ProviderCallContext> = {}): ProviderCallContext => ({
  keyId,
  apiKey: `sk-cache-${keyId}-aaaaaaaa`,
  baseUrl: "http://127.0.0.1:9/v1",
  timeoutMs: 1000,
  ...overrides,
});

describe("provider client cache", () => {
  it("keeps one client per key id, key, base URL, timeout and fetch, and drops the least recently used", () => {
    let built = 0;
    const cache = new ProviderClientCache(() => ({ serial: ++built }), { maxEntries: 3 });
    const first = cache.get(context(1));
    expect(cache.get(context(1))).toBe(first);
    const rotated = cache.get(context(1, { apiKey: "sk-rotated-aaaaaaaa" }));
    expect(rotated).not.toBe(first);
    cache.get(context(2));
    expect(cache.size).toBe(3);
    // Key 1's first client was used before the rotated one and key 2: touching it keeps it.
    expect(cache.get(context(1))).toBe(first);
    cache.get(context(3));
    expect(cache.size).toBe(3);
    expect(cache.get(context(1))).toBe(first);
    expect(cache.get(context(1, { apiKey: "sk-rotated-aaaaaaaa" }))).not.toBe(rotated);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
