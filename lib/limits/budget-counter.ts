/**
 * The budget-counter rules both limit stores share: a charge fits when the counter plus the
 * charge stays at or under the limit, and every number is an integer (nano-USD or tokens), so the
 * in-memory store and the Lua script in Redis decide identically.
 *
 * upstash-limit-scripts.ts mirrors {@link chargeFits} in Lua: change both.
 */
import type { BudgetCharge, BudgetSettlement } from "./limit-store";

/** A charge whose numbers have been checked and made integral. */
export interface NormalizedCharge {
  counter: string;
  limit: number;
  amount: number;
  /** Epoch ms; null: never expires. */
  expiresAt: number | null;
  /** Integral seed, or null when none was given. */
  seed: number | null;
}

/** Checks charges and rounds them: limits down, amounts and seeds up (never under-reserve). */
export function normalizeCharges(charges: readonly BudgetCharge[]): NormalizedCharge[] {
  const seen = new Set<string>();
  return charges.map((charge) => {
    if (charge.counter.length === 0) throw new RangeError("A budget charge needs a counter name");
    if (seen.has(charge.counter)) throw new RangeError(`Duplicate budget counter "${charge.counter}"`);
    seen.add(charge.counter);
    for (const [name, value] of [
      ["limit", charge.limit],
      ["amount", charge.amount],
      ["seed", charge.seed ?? 0],
    ] as const) {
      if (!Number.isFinite(value) || value < 0) throw new RangeError(`Budget counter "${charge.counter}": ${name} must be a finite number >= 0, got ${value}`);
    }
    if (charge.expiresAt !== null && !Number.isFinite(charge.expiresAt)) throw new RangeError(`Budget counter "${charge.counter}": expiresAt must be finite or null`);
    return {
      counter: charge.counter,
      limit: Math.floor(charge.limit),
      amount: Math.ceil(charge.amount),
      expiresAt: charge.expiresAt === null ? null : Math.ceil(charge.expiresAt),
      seed: charge.seed === undefined ? null : Math.ceil(charge.seed),
    };
  });
}

/** Checks settlements and rounds their amounts to whole units. */
export function normalizeSettlements(settlements: readonly BudgetSettlement[]): BudgetSettlement[] {
  return settlements.map(({ counter, amount }) => {
    if (!Number.isFinite(amount)) throw new RangeError(`Budget counter "${counter}": amount must be finite, got ${amount}`);
    return { counter, amount: Math.round(amount) };
  });
}

/** Whether reserving `amount` on a counter at `spent` stays within `limit`. */
export function chargeFits(spent: number, amount: number, limit: number): boolean {
  return spent + amount <= limit;
}
