/**
 * In-process {@link LimitStore}: the local default (`npm start` without Upstash settings).
 *
 * Only correct for ONE process: two instances each allow the full limit (a gateway that kept
 * limits per replica let three replicas pass three times the RPM). Every operation runs synchronously between awaits, which makes `admit` atomic.
 * Expired counters, cooldowns and claims are swept on a timer driven by the injected `now`, so
 * memory stays bounded by the traffic of roughly one sweep interval plus the longest window.
 */
import type { Admission, LimitStore, WindowAdjustment, WindowLimit } from "./limit-store";
import {
  assertTtlMs,
  assertWindowMs,
  bucketExpiresAt,
  bucketOf,
  evaluateWindow,
  normalizeNow,
  normalizeWindows,
} from "./sliding-window";

/** Options of {@link MemoryLimitStore}. */
export interface MemoryLimitStoreOptions {
  /**
   * How often (in the injected clock's milliseconds) expired entries are swept.
   * @default 60_000
   */
  sweepIntervalMs?: number;
}

interface Counter {
  count: number;
  /** Epoch ms after which the counter no longer counts. */
  expiresAt: number;
}

/** A {@link LimitStore} held in this process's memory. */
export class MemoryLimitStore implements LimitStore {
  readonly kind = "memory" as const;
  readonly #counters = new Map<string, Counter>();
  /** Subject -> cooldown deadline (epoch ms). */
  readonly #cooldowns = new Map<string, number>();
  /** Claim name -> expiry (epoch ms). */
  readonly #claims = new Map<string, number>();
  readonly #versions = new Map<string, number>();
  readonly #sweepIntervalMs: number;
  #nextSweepAt = Number.NEGATIVE_INFINITY;

  /** @throws RangeError when `sweepIntervalMs` is not a positive number. */
  constructor({ sweepIntervalMs = 60_000 }: MemoryLimitStoreOptions = {}) {
    if (!(sweepIntervalMs > 0)) throw new RangeError(`sweepIntervalMs must be > 0, got ${sweepIntervalMs}`);
    this.#sweepIntervalMs = sweepIntervalMs;
  }

  /** Number of entries held (counters, cooldowns, claims, versions): lets tests see that sweeping works. */
  get entryCount(): number {
    return this.#counters.size + this.#cooldowns.size + this.#claims.size + this.#versions.size;
  }

  async admit(subject: string, windows: WindowLimit[], now: number): Promise<Admission> {
    const at = normalizeNow(now);
    const normalized = normalizeWindows(windows);
    this.#sweepIfDue(at);

    const cooldownUntil = this.#cooldowns.get(subject);
    const inCooldown = cooldownUntil !== undefined && cooldownUntil > at;
    const admission: Admission = {
      allowed: !inCooldown,
      retryAfterMs: inCooldown ? cooldownUntil - at : 0,
      ...(inCooldown ? { deniedBy: "cooldown" } : {}),
      remaining: {},
      resetAt: {},
    };
    const bucketKeys: string[] = [];
    for (const window of normalized) {
      const bucket = bucketOf(at, window.windowMs);
      const currentKey = counterKey(subject, window.name, window.windowMs, bucket);
      bucketKeys.push(currentKey);
      const current = this.#count(currentKey, at);
      const previous = this.#count(counterKey(subject, window.name, window.windowMs, bucket - 1), at);
      const verdict = evaluateWindow(window, current, previous, at);
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
    }
    if (admission.allowed) {
      normalized.forEach((window, index) => {
        admission.remaining[window.name] -= window.cost;
        if (window.cost > 0) this.#add(bucketKeys[index], window.cost, bucketExpiresAt(bucketOf(at, window.windowMs), window.windowMs), at);
      });
    }
    return admission;
  }

  async adjust(subject: string, adjustments: WindowAdjustment[], now: number): Promise<void> {
    const at = normalizeNow(now);
    this.#sweepIfDue(at);
    for (const { name, windowMs, amount } of adjustments) {
      assertWindowMs(windowMs);
      const rounded = Math.round(amount);
      if (!Number.isFinite(rounded) || rounded === 0) continue;
      const bucket = bucketOf(at, windowMs);
      this.#add(counterKey(subject, name, windowMs, bucket), rounded, bucketExpiresAt(bucket, windowMs), at);
    }
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
    return this.#versions.get(name) ?? 0;
  }

  async bumpVersion(name: string): Promise<number> {
    const next = (this.#versions.get(name) ?? 0) + 1;
    this.#versions.set(name, next);
    return next;
  }

  #count(key: string, now: number): number {
    const counter = this.#counters.get(key);
    return counter !== undefined && counter.expiresAt > now ? counter.count : 0;
  }

  /** Adds to a counter; a counter at or below zero is dropped (refunds never go negative). */
  #add(key: string, amount: number, expiresAt: number, now: number): void {
    const count = this.#count(key, now) + amount;
    if (count <= 0) this.#counters.delete(key);
    else this.#counters.set(key, { count, expiresAt });
  }

  #sweepIfDue(now: number): void {
    if (now < this.#nextSweepAt) return;
    this.#nextSweepAt = now + this.#sweepIntervalMs;
    for (const [key, counter] of this.#counters) if (counter.expiresAt <= now) this.#counters.delete(key);
    for (const [subject, deadline] of this.#cooldowns) if (deadline <= now) this.#cooldowns.delete(subject);
    for (const [name, expiresAt] of this.#claims) if (expiresAt <= now) this.#claims.delete(name);
  }
}

/** NUL separates the parts: subjects and window names are printable ids, so keys cannot collide. */
function counterKey(subject: string, name: string, windowMs: number, bucket: number): string {
  return `${subject}\u0000${name}\u0000${windowMs}\u0000${bucket}`;
}

