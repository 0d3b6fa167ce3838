/**
 * One SDK client per key, reused across requests: building a client per request costs an
 * allocation storm on the hot path and throws away connection reuse.
 */
import { createHash } from "node:crypto";
import type { ProviderCallContext } from "../provider-spec";

/** Options of {@link ProviderClientCache}. */
export interface ProviderClientCacheOptions {
  /**
   * Most clients kept; the least recently used one is dropped beyond that.
   * @default 256
   */
  maxEntries?: number;
}

/** Distinguishes injected `fetch` functions without holding them alive. */
const fetchIds = new WeakMap<typeof fetch, number>();
let nextFetchId = 1;

function fetchId(fetchFunction: typeof fetch | undefined): number {
  if (!fetchFunction) return 0;
  let id = fetchIds.get(fetchFunction);
  if (id === undefined) {
    id = nextFetchId++;
    fetchIds.set(fetchFunction, id);
  }
  return id;
}

/**
 * A bounded LRU map of clients keyed by (keyId, baseUrl, timeoutMs, key fingerprint, fetch).
 * The fingerprint (a SHA-256 prefix, never the key itself) makes a rotated key get a new client.
 */
export class ProviderClientCache<Client> {
  private readonly clients = new Map<string, Client>();
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
    const cacheKey = [
      context.keyId,
      context.baseUrl,
      context.timeoutMs,
      createHash("sha256").update(context.apiKey).digest("hex").slice(0, 16),
      fetchId(context.fetch),
    ].join("\u0000");
    const cached = this.clients.get(cacheKey);
    if (cached !== undefined) {
      // Re-insert so Map order tracks recency.
      this.clients.delete(cacheKey);
      this.clients.set(cacheKey, cached);
      return cached;
    }
    const client = this.createClient(context);
    this.clients.set(cacheKey, client);
    if (this.clients.size > this.maxEntries) {
      const oldest = this.clients.keys().next().value;
      if (oldest !== undefined) this.clients.delete(oldest);
    }
    return client;
  }

  /** Number of cached clients. */
  get size(): number {
    return this.clients.size;
  }

  /** Drops every cached client (tests; key rotation is handled by the fingerprint). */
  clear(): void {
    this.clients.clear();
  }
}
