import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anthropicClientCount, anthropicClientFor } from "../../lib/providers/anthropic/anthropic-client";
import { deepSeekClientFor } from "../../lib/providers/deepseek/deepseek-client";
import { openAIClientCount, openAIClientFor } from "../../lib/providers/openai/openai-client";
import { getAdapter, isProviderFormat, providerFormats } from "../../lib/providers/provider-registry";
import type { ProviderCallContext } from "../../lib/providers/provider-spec";
import { ProviderClientCache } from "../../lib/providers/shared/provider-client-cache";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream";
import { loopbackUpstreamFetch } from "./provider-test-support";

let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(() => upstream.close());

describe("provider registry", () => {
  it("has an adapter for every format", () => {
    for (const format of providerFormats) expect(getAdapter(format).format).toBe(format);
    expect(isProviderFormat("gemini")).toBe(false);
    expect(() => getAdapter("gemini")).toThrow('no provider adapter for format "gemini"');
  });
});

describe("client cache", () => {
  const base: ProviderCallContext = { keyId: 1, apiKey: "sk-cache-key-aaaaaaaa", baseUrl: "http://127.0.0.1:9/v1", timeoutMs: 1000 };

  it("returns the same client for the same key, base URL and timeout", () => {
    const first = openAIClientFor(base);
    expect(openAIClientFor({ ...base })).toBe(first);
    expect(openAIClientFor({ ...base, signal: new AbortController().signal })).toBe(first);
    expect(openAIClientFor({ ...base, timeoutMs: 2000 })).not.toBe(first);
    expect(openAIClientFor({ ...base, baseUrl: "http://127.0.0.1:10/v1" })).not.toBe(first);
    expect(openAIClientFor({ ...base, apiKey: "sk-cache-key-rotated" })).not.toBe(first);
    expect(openAIClientFor({ ...base, fetch: (input, init) => fetch(input, init) })).not.toBe(first);
    expect(deepSeekClientFor(base)).not.toBe(first);
    expect(anthropicClientFor(base)).toBe(anthropicClientFor({ ...base }));
  });

  it("builds the client with maxRetries 0, the timeout and the base URL", () => {
    const client = openAIClientFor({ ...base, keyId: 2 });
    expect(client.maxRetries).toBe(0);
    expect(client.timeout).toBe(1000);
    expect(client.baseURL).toBe("http://127.0.0.1:9/v1");
    const anthropic = anthropicClientFor({ ...base, keyId: 2, baseUrl: "http://127.0.0.1:9" });
    expect(anthropic.maxRetries).toBe(0);
    expect(anthropic.baseURL).toBe("http://127.0.0.1:9");
  });

  it("reuses one client across calls with the same key", async () => {
    const context: ProviderCallContext = { keyId: 77, apiKey: "sk-reuse-key-aaaaaaaa", baseUrl: upstream.baseUrlFor("openai"), timeoutMs: 3000, fetch: loopbackUpstreamFetch };
    const request = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "x" }] };
    await getAdapter("openai").chat(request, context);
    const countAfterFirst = openAIClientCount();
    await getAdapter("openai").chat(request, { ...context });
    for await (const _chunk of await getAdapter("openai").stream(request, { ...context })) {
      // Drain the stream.
    }
    expect(openAIClientCount()).toBe(countAfterFirst);

    const anthropicContext = { ...context, baseUrl: upstream.baseUrlFor("anthropic") };
    await getAdapter("anthropic").validateKey(anthropicContext);
    const anthropicCount = anthropicClientCount();
    await getAdapter("anthropic").validateKey({ ...anthropicContext });
    expect(anthropicClientCount()).toBe(anthropicCount);
  });

  it("sends through the injected fetch", async () => {
    const fetched: string[] = [];
    const countingFetch: typeof fetch = (input, init) => {
      fetched.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    const context: ProviderCallContext = { keyId: 78, apiKey: "sk-fetch-key-aaaaaaaa", baseUrl: upstream.baseUrlFor("deepseek"), timeoutMs: 3000, fetch: countingFetch };
    await getAdapter("deepseek").validateKey(context);
    await getAdapter("anthropic").validateKey(context);
    expect(fetched).toEqual([`${upstream.url}/models`, `${upstream.url}/v1/models?limit=1`]);
  });

  it("is bounded and evicts the least recently used client", () => {
    let built = 0;
    const cache = new ProviderClientCache(() => ({ serial: ++built }), { maxEntries: 2 });
    const one = cache.get({ ...base, keyId: 1 });
    cache.get({ ...base, keyId: 2 });
    expect(cache.get({ ...base, keyId: 1 })).toBe(one);
    cache.get({ ...base, keyId: 3 });
    expect(cache.size).toBe(2);
    expect(cache.get({ ...base, keyId: 1 })).toBe(one);
    expect(cache.get({ ...base, keyId: 2 }).serial).toBe(4);
    expect(() => new ProviderClientCache(() => ({}), { maxEntries: 0 })).toThrow();
  });
});
