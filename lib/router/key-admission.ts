/**
 * What one attempt on a key reserves in shared state, and how it gives it back: the key's
 * windows (RPM, TPM, RPD) and, for a key with `maxConcurrency`, a lease on one of its slots.
 *
 * A lease is renewed while its holder runs (every third of its time to live, for at most
 * `maxHoldMs`), so a long stream keeps its slot, and expires on its own when the instance holding
 * it dies. Releasing is idempotent; the router releases a failed attempt itself, and whoever gets
 * a successful attempt must release it when the response (or stream) is over.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../deps";
import type { ConcurrencyLimit, LimitStore, WindowLimit } from "../limits/limit-store";
import type { CatalogueKey } from "./catalogue-snapshot";

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** The windows of one admission: only the limits the key has. */
export function windowsFor(key: CatalogueKey, reservedTokens: number): WindowLimit[] {
  const windows: WindowLimit[] = [];
  if (key.rateLimitRpm !== null) windows.push({ name: "rpm", limit: key.rateLimitRpm, windowMs: MINUTE_MS, cost: 1 });
  if (key.rateLimitTpm !== null) windows.push({ name: "tpm", limit: key.rateLimitTpm, windowMs: MINUTE_MS, cost: reservedTokens });
  if (key.rateLimitRpd !== null) windows.push({ name: "rpd", limit: key.rateLimitRpd, windowMs: DAY_MS, cost: 1 });
  return windows;
}

/** The TPM window's length, for corrections. */
export const TPM_WINDOW_MS = MINUTE_MS;

/** The concurrency cap of one admission, or `undefined` for a key without one. */
export function concurrencyFor(key: CatalogueKey, leaseTtlMs: number): ConcurrencyLimit | undefined {
  return key.maxConcurrency === null ? undefined : { limit: key.maxConcurrency, leaseId: randomUUID(), ttlMs: leaseTtlMs };
}

/** Options of {@link holdLease}. */
export interface LeaseHold {
  limits: LimitStore;
  clock: Clock;
  subject: string;
  lease: ConcurrencyLimit;
  /** Renewals stop after this long; the lease then expires unless released first. */
  maxHoldMs: number;
  /** Where the release write goes, so a request can await it before it completes. */
  defer(work: Promise<void>): void;
}

/** Keeps a granted lease alive until the returned release is called (once; later calls do nothing). */
export function holdLease({ limits, clock, subject, lease, maxHoldMs, defer }: LeaseHold): () => void {
  const startedAt = performance.now();
  const heartbeat = setInterval(() => {
    if (performance.now() - startedAt > maxHoldMs) {
      clearInterval(heartbeat);
      return;
    }
    void limits.renewLease(subject, lease.leaseId, lease.ttlMs, clock.now()).catch(() => undefined);
  }, Math.max(1, Math.floor(lease.ttlMs / 3)));
  // Never keeps a process alive by itself.
  heartbeat.unref?.();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    defer(limits.releaseLease(subject, lease.leaseId).catch(() => undefined));
  };
}
