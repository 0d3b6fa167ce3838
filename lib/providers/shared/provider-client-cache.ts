/**
 * One SDK client per key, reused across requests: building a client per request costs an
 * allocation storm on the hot path and throws away connection reuse.
 */
import type { ProviderCallContext } from "../provider-spec";

/** Options of {@link ProviderClientCache}. */
export interface ProviderClientCacheOptions {
  /**
   * Most clients kept; the least recently used one is dropped beyond that.
   * @default 256
   */
  maxEntries?: number;
}

/** A cached client and the context fields it was built for. */
interface CacheEntry<Client> {
  keyId: number;
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
  fetch: typeof fetch | undefined;
  client: Client;
}

/**
 * A bounded LRU cache of clients per (keyId, baseUrl, timeoutMs, key, fetch). Lookups go by key
 * id and compare the other fields, so the hot path neither hashes the key nor builds a string
 * (and the secret never becomes part of a map key); a rotated key gets a new client.
 */
export class ProviderClientCache<Client> {
  private readonly entriesByKeyId = new Map<number, CacheEntry<Client>[]>();
  /** Every entry, least recently used first (a Set keeps insertion order). */
  private readonly recency = new Set<CacheEntry<Client>>();
  private readonly maxEntries: number;

  /**
   * @param createClient builds a client for a context that has none cached yet
   * @param options cache bounds
   */
  constructor(
    private readonly createClient: (context: ProviderCallContext) => Client,
    { maxEntries = 256 }: ProviderClientCacheOptions = {},
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new Error("maxEntries must be a positive integer");
    this.maxEntries = maxEntries;
  }

  /** The cached client for this context, built on first use. */
  get(context: ProviderCallContext): Client {
    const sameKey = this.entriesByKeyId.get(context.keyId);
    const cached = sameKey?.find(
      (entry) => entry.apiKey === context.apiKey && entry.baseUrl === context.baseUrl && entry.timeoutMs === context.timeoutMs && entry.fetch === context.fetch,
    );
    if (cached !== undefined) {
      // Re-insert so the Set's order tracks recency.
      this.recency.delete(cached);
      this.recency.add(cached);
      return cached.client;
    }
    const entry: CacheEntry<Client> = {
      keyId: context.keyId,
      apiKey: context.apiKey,
      baseUrl: context.baseUrl,
      timeoutMs: context.timeoutMs,
      fetch: context.fetch,
      client: this.createClient(context),
    };
    if (sameKey) sameKey.push(entry);
    else this.entriesByKeyId.set(context.keyId, [entry]);
    this.recency.add(entry);
    if (this.recency.size > this.maxEntries) this.evict(this.recency.values().next().value!);
    return entry.client;
  }

  /** Number of cached clients. */
  get size(): number {
    return this.recency.size;
  }

  /** Drops every cached client (tests; key rotation is handled by comparing the key). */
  clear(): void {
    this.entriesByKeyId.clear();
    this.recency.clear();
  }

  private evict(entry: CacheEntry<Client>): void {
    this.recency.delete(entry);
    const sameKey = this.entriesByKeyId.get(entry.keyId);
    const remaining = sameKey?.filter((candidate) => candidate !== entry) ?? [];
    if (remaining.length > 0) this.entriesByKeyId.set(entry.keyId, remaining);
    else this.entriesByKeyId.delete(entry.keyId);
  }
}
