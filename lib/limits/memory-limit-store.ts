/**
 * In-process {@link LimitStore}: the local default (`npm start` without Upstash settings).
 *
 * Only correct for ONE process: two instances each allow the full limit. Every operation runs synchronously between awaits, which makes `admit` atomic.
 * Expired counters, cooldowns and claims are swept on a timer driven by the injected `now`, so
 * memory stays bounded by the traffic of roughly one sweep interval plus the longest window.
 */
import { chargeFits, normalizeCharges, normalizeSettlements } from "./budget-counter";
import type { Admission, BudgetCharge, BudgetSettlement, ConcurrencyLimit, LimitStore, WindowAdjustment, WindowLimit } from "./limit-store";
import {
  assertConcurrency,
  assertTtlMs,
  assertWindowMs,
  bucketMsOf,
  bucketOf,
  evaluateWindow,
  firstCountedBucket,
  normalizeNow,
  normalizeWindows,
  windowLifetimeMs,
} from "./sliding-window";

/** Options of {@link MemoryLimitStore}. */
export interface MemoryLimitStoreOptions {
  /**
   * How often (in the injected clock's milliseconds) expired entries are swept.
   * @default 60_000
   */
  sweepIntervalMs?: number;
}

/** One window's bucket counters. */
interface WindowBuckets {
  windowMs: number;
  bucketMs: number;
  /**
   * `[bucket index, units]` in ascending index order, as {@link evaluateWindow} reads them: kept
   * sorted on insert (almost always an append), so an admission neither copies nor sorts them.
   */
  units: Array<[number, number]>;
  /** Epoch ms after which no bucket of it counts any more. */
  expiresAt: number;
}

/** A {@link LimitStore} held in this process's memory. */
export class MemoryLimitStore implements LimitStore {
  readonly kind = "memory" as const;
  readonly #windows = new Map<string, WindowBuckets>();
  /** Subject -> cooldown deadline (epoch ms). */
  readonly #cooldowns = new Map<string, number>();
  /** Claim name -> expiry (epoch ms). */
  readonly #claims = new Map<string, number>();
  /** Subject -> lease id -> expiry (epoch ms). */
  readonly #leases = new Map<string, Map<string, number>>();
  readonly #versions = new Map<string, number>();
  /** Budget counter -> units and expiry (epoch ms; Infinity: never). */
  readonly #budgets = new Map<string, { spent: number; expiresAt: number }>();
  readonly #sweepIntervalMs: number;
  #nextSweepAt = Number.NEGATIVE_INFINITY;

  /** @throws RangeError when `sweepIntervalMs` is not a positive number. */
  constructor({ sweepIntervalMs = 60_000 }: MemoryLimitStoreOptions = {}) {
    if (!(sweepIntervalMs > 0)) throw new RangeError(`sweepIntervalMs must be > 0, got ${sweepIntervalMs}`);
    this.#sweepIntervalMs = sweepIntervalMs;
  }

  /** Number of entries held (counters, cooldowns, claims, versions): lets tests see that sweeping works. */
  get entryCount(): number {
    return this.#windows.size + this.#cooldowns.size + this.#claims.size + this.#leases.size + this.#versions.size + this.#budgets.size;
  }

  async admit(subject: string, windows: WindowLimit[], now: number, concurrency?: ConcurrencyLimit, charges: BudgetCharge[] = []): Promise<Admission> {
    const at = normalizeNow(now);
    const normalized = normalizeWindows(windows);
    const budgetCharges = normalizeCharges(charges);
    if (concurrency) assertConcurrency(concurrency);
    this.#sweepIfDue(at);

    // Budgets first: a charge that cannot be decided or does not fit ends the admission.
    const budgetSpent: number[] = [];
    for (const [index, charge] of budgetCharges.entries()) {
      const counter = this.#liveBudget(charge.counter, at);
      const spent = counter?.spent ?? charge.seed;
      if (spent === null || spent === undefined) return budgetDenial("budget_unseeded", index, budgetCharges.length);
      if (!chargeFits(spent, charge.amount, charge.limit)) {
        return { ...budgetDenial("budget", index, budgetCharges.length), budgetSpent: budgetCharges.map((other) => this.#liveBudget(other.counter, at)?.spent ?? other.seed ?? -1) };
      }
      budgetSpent.push(spent);
    }

    const cooldownUntil = this.#cooldowns.get(subject);
    const inCooldown = cooldownUntil !== undefined && cooldownUntil > at;
    const admission: Admission = { allowed: !inCooldown, retryAfterMs: inCooldown ? cooldownUntil - at : 0, remaining: {}, resetAt: {} };
    if (inCooldown) admission.deniedBy = "cooldown";
    if (budgetCharges.length > 0) admission.budgetSpent = budgetSpent;
    const buckets = normalized.map((window) => this.#buckets(subject, window.name, window.windowMs, at));
    normalized.forEach((window, index) => {
      const verdict = evaluateWindow(window, buckets[index].units, at);
      admission.remaining[window.name] = verdict.available;
      admission.resetAt[window.name] = verdict.resetAt;
      // The binding window is the one that needs the longest wait; ties keep the first.
      if (!verdict.allowed && !inCooldown) {
        admission.allowed = false;
        if (verdict.retryAfterMs > admission.retryAfterMs) {
          admission.retryAfterMs = verdict.retryAfterMs;
          admission.deniedBy = window.name;
        }
      }
    });
    let leases: Map<string, number> | undefined;
    if (concurrency) {
      leases = this.#liveLeases(subject, at);
      if (leases.size >= concurrency.limit && admission.allowed) {
        admission.allowed = false;
        admission.deniedBy = "concurrency";
        admission.retryAfterMs = CONCURRENCY_RETRY_MS;
      }
      admission.remaining.concurrency = Math.max(0, concurrency.limit - leases.size);
    }
    if (admission.allowed) {
      normalized.forEach((window, index) => {
        admission.remaining[window.name] -= window.cost;
        if (window.cost > 0) addUnits(buckets[index], bucketOf(at, buckets[index].bucketMs), window.cost, at);
      });
      if (concurrency && leases) {
        leases.set(concurrency.leaseId, at + Math.ceil(concurrency.ttlMs));
        this.#leases.set(subject, leases);
        admission.remaining.concurrency -= 1;
      }
      budgetCharges.forEach((charge, index) => {
        budgetSpent[index] += charge.amount;
        this.#budgets.set(charge.counter, { spent: budgetSpent[index], expiresAt: charge.expiresAt ?? Number.POSITIVE_INFINITY });
      });
    }
    return admission;
  }

  async settleBudgets(settlements: BudgetSettlement[], now: number): Promise<number[]> {
    const at = normalizeNow(now);
    return normalizeSettlements(settlements).map(({ counter, amount }) => {
      const live = this.#liveBudget(counter, at);
      if (!live) return -1;
      // Refunds never take a counter below zero.
      live.spent = Math.max(0, live.spent + amount);
      return live.spent;
    });
  }

  async adjust(subject: string, adjustments: WindowAdjustment[], now: number): Promise<void> {
    const at = normalizeNow(now);
    this.#sweepIfDue(at);
    for (const { name, windowMs, amount, at: reservedAt } of adjustments) {
      assertWindowMs(windowMs);
      const rounded = Math.round(amount);
      if (!Number.isFinite(rounded) || rounded === 0) continue;
      const buckets = this.#buckets(subject, name, windowMs, at);
      const bucket = bucketOf(normalizeNow(reservedAt ?? at), buckets.bucketMs);
      // A reservation that has left the window needs no correction.
      if (bucket < firstCountedBucket(at, windowMs, buckets.bucketMs)) continue;
      addUnits(buckets, bucket, rounded, at);
    }
  }

  async renewLease(subject: string, leaseId: string, ttlMs: number, now: number): Promise<boolean> {
    const at = normalizeNow(now);
    assertTtlMs(ttlMs);
    const leases = this.#liveLeases(subject, at);
    if (!leases.has(leaseId)) return false;
    leases.set(leaseId, at + Math.ceil(ttlMs));
    return true;
  }

  async releaseLease(subject: string, leaseId: string): Promise<void> {
    const leases = this.#leases.get(subject);
    leases?.delete(leaseId);
    if (leases?.size === 0) this.#leases.delete(subject);
  }

  async activeLeases(subject: string, now: number): Promise<number> {
    return this.#liveLeases(subject, normalizeNow(now)).size;
  }

  async setCooldown(subject: string, untilMs: number, now: number): Promise<void> {
    const at = normalizeNow(now);
    this.#sweepIfDue(at);
    const deadline = Math.ceil(untilMs);
    if (!(deadline > at)) return;
    const existing = this.#cooldowns.get(subject);
    if (existing === undefined || existing < deadline) this.#cooldowns.set(subject, deadline);
  }

  async clearCooldown(subject: string): Promise<void> {
    this.#cooldowns.delete(subject);
  }

  async getCooldowns(subjects: string[], now: number): Promise<Map<string, number>> {
    const at = normalizeNow(now);
    this.#sweepIfDue(at);
    const cooling = new Map<string, number>();
    for (const subject of subjects) {
      const deadline = this.#cooldowns.get(subject);
      if (deadline !== undefined && deadline > at) cooling.set(subject, deadline);
    }
    return cooling;
  }

  async claim(name: string, ttlMs: number, now: number): Promise<boolean> {
    const at = normalizeNow(now);
    assertTtlMs(ttlMs);
    this.#sweepIfDue(at);
    const expiresAt = this.#claims.get(name);
    if (expiresAt !== undefined && expiresAt > at) return false;
    this.#claims.set(name, at + Math.ceil(ttlMs));
    return true;
  }

  async release(name: string): Promise<void> {
    this.#claims.delete(name);
  }

  async getVersion(name: string): Promise<number> {
    return this.versionNow(name);
  }

  readonly versionNow = (name: string): number => this.#versions.get(name) ?? 0;

  async bumpVersion(name: string): Promise<number> {
    const next = (this.#versions.get(name) ?? 0) + 1;
    this.#versions.set(name, next);
    return next;
  }

  /** The window's buckets, without those that no longer count. */
  #buckets(subject: string, name: string, windowMs: number, now: number): WindowBuckets {
    const key = windowKey(subject, name, windowMs);
    let buckets = this.#windows.get(key);
    if (buckets === undefined) {
      buckets = { windowMs, bucketMs: bucketMsOf(windowMs), units: [], expiresAt: now };
      this.#windows.set(key, buckets);
    }
    const first = firstCountedBucket(now, windowMs, buckets.bucketMs);
    let stale = 0;
    while (stale < buckets.units.length && buckets.units[stale][0] < first) stale += 1;
    if (stale > 0) buckets.units.splice(0, stale);
    return buckets;
  }

  #liveBudget(counter: string, now: number): { spent: number; expiresAt: number } | undefined {
    const live = this.#budgets.get(counter);
    if (live && live.expiresAt <= now) {
      this.#budgets.delete(counter);
      return undefined;
    }
    return live;
  }

  #liveLeases(subject: string, now: number): Map<string, number> {
    const leases = this.#leases.get(subject) ?? new Map<string, number>();
    for (const [leaseId, expiresAt] of leases) if (expiresAt <= now) leases.delete(leaseId);
    return leases;
  }

  #sweepIfDue(now: number): void {
    if (now < this.#nextSweepAt) return;
    this.#nextSweepAt = now + this.#sweepIntervalMs;
    for (const [key, buckets] of this.#windows) if (buckets.expiresAt <= now) this.#windows.delete(key);
    for (const [subject, leases] of this.#leases) {
      for (const [leaseId, expiresAt] of leases) if (expiresAt <= now) leases.delete(leaseId);
      if (leases.size === 0) this.#leases.delete(subject);
    }
    for (const [subject, deadline] of this.#cooldowns) if (deadline <= now) this.#cooldowns.delete(subject);
    for (const [name, expiresAt] of this.#claims) if (expiresAt <= now) this.#claims.delete(name);
    for (const [counter, { expiresAt }] of this.#budgets) if (expiresAt <= now) this.#budgets.delete(counter);
  }
}

/** A denied concurrency cap's retry hint, in ms: a slot frees when any call on the subject ends. */
const CONCURRENCY_RETRY_MS = 1000;

/** An admission denied by budget charge `index`: nothing looked at beyond it, nothing reserved. */
function budgetDenial(deniedBy: "budget" | "budget_unseeded", index: number, charges: number): Admission {
  return { allowed: false, retryAfterMs: 0, deniedBy, deniedCharge: index, remaining: {}, resetAt: {}, budgetSpent: new Array<number>(charges).fill(-1) };
}

/** NUL separates the parts: subjects and window names are printable ids, so keys cannot collide. */
function windowKey(subject: string, name: string, windowMs: number): string {
  return `${subject}\u0000${name}\u0000${windowMs}`;
}

/** Adds units to a bucket; a bucket at or below zero is dropped (refunds never go negative). */
function addUnits(buckets: WindowBuckets, bucket: number, amount: number, now: number): void {
  const { units } = buckets;
  // From the newest end: nearly every call adds to the current bucket.
  let position = units.length;
  while (position > 0 && units[position - 1][0] > bucket) position -= 1;
  const existing = position > 0 && units[position - 1][0] === bucket ? units[position - 1] : undefined;
  if (existing) {
    existing[1] += amount;
    if (existing[1] <= 0) units.splice(position - 1, 1);
  } else if (amount > 0) {
    units.splice(position, 0, [bucket, amount]);
  }
  buckets.expiresAt = Math.max(buckets.expiresAt, now + windowLifetimeMs(buckets.windowMs, buckets.bucketMs));
}
