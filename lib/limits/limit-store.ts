/**
 * The shared-state contract: limits, cooldowns, one-shot claims and config versions.
 *
 * Two implementations sit behind it: in-process memory (the local default, one instance only)
 * and Upstash Redis (deployed; shared by every Lambda instance). Everything the router, the
 * client rate limits, the login throttle and the alert de-duplication need goes through here,
 * so a test can run the same suite against both.
 */

/** One sliding window that an admission checks and reserves in (see sliding-window.ts). */
export interface WindowLimit {
  /** Short name, also the counter's key suffix: "rpm", "tpm", "rpd", "client-rpm", … */
  name: string;
  /** Units allowed in one window. */
  limit: number;
  /** Window length in milliseconds. */
  windowMs: number;
  /** Units this admission reserves (1 for a request, the token estimate for TPM). */
  cost: number;
}

/**
 * A reservation on a spend counter (a client's budget for one period), admitted with the windows.
 * Unlike a window the counter never slides: it holds everything reserved or settled in its period.
 */
export interface BudgetCharge {
  /** The counter's name: one per (client, budget, period start). */
  counter: string;
  /** Units the counter may reach (integral: nano-USD or tokens). */
  limit: number;
  /** Units this admission reserves. */
  amount: number;
  /** When the counter may be forgotten (epoch ms, after its period ends); null: never. */
  expiresAt: number | null;
  /**
   * What to start a missing counter from (the durable spend of the period). Without it a missing
   * counter denies with `deniedBy` "budget_unseeded", so the caller can read the durable spend and
   * try again: a warm counter costs no database read.
   */
  seed?: number;
}

/** A correction to a budget counter (positive adds, negative refunds); a missing counter stays missing. */
export interface BudgetSettlement {
  counter: string;
  amount: number;
}

/** Outcome of {@link LimitStore.admit}. */
export interface Admission {
  allowed: boolean;
  /** When denied: milliseconds until the soonest moment a retry could be admitted. 0 when allowed. */
  retryAfterMs: number;
  /**
   * When denied: the window name that denied, "cooldown", "concurrency", "budget" (a charge does
   * not fit) or "budget_unseeded" (a charge's counter is missing and came without a seed).
   */
  deniedBy?: string;
  /** With "budget" or "budget_unseeded": the index of that charge. */
  deniedCharge?: number;
  /** Per charge: the counter after this call (the reservation included when allowed); -1 when missing. */
  budgetSpent?: number[];
  /** Remaining units per window after this call (the reservation included when allowed). */
  remaining: Record<string, number>;
  /** Window resets (epoch ms) per window name. */
  resetAt: Record<string, number>;
}

/** A correction to an earlier reservation (positive adds, negative refunds), never checked. */
export interface WindowAdjustment {
  name: string;
  windowMs: number;
  amount: number;
  /**
   * When the corrected reservation was admitted (epoch ms): the correction lands where the
   * reservation did, so a refund never frees room in a later part of the window. Dropped when
   * that part has left the window already.
   * @default now
   */
  at?: number;
}

/** A cap on concurrent holders of `subject`, admitted with the windows: a lease until released or expired. */
export interface ConcurrencyLimit {
  /** Leases allowed at once. */
  limit: number;
  /** The new lease's id (unique per call). */
  leaseId: string;
  /** The lease expires this long after `now` unless renewed (a crashed holder's slot comes back). */
  ttlMs: number;
}

/** Shared state for limits, cooldowns, claims and versions; every method may reject when the backend is down. */
export interface LimitStore {
  /** "memory" (single instance) or "upstash" (shared). */
  readonly kind: "memory" | "upstash";

  /**
   * Atomically: if `subject` is in cooldown, deny with the cooldown's remaining time; else check
   * every window (and the concurrency cap, when given) and reserve `cost` in all of them plus a
   * lease, or nothing when any one denies (`deniedBy` "concurrency" for the cap).
   * One round trip to shared state.
   *
   * With `charges`, the budget counters are checked first and reserved with the rest: a charge
   * that does not fit denies the whole admission (`deniedBy` "budget") before anything else is
   * looked at, because no other key would change that answer.
   */
  admit(subject: string, windows: WindowLimit[], now: number, concurrency?: ConcurrencyLimit, charges?: BudgetCharge[]): Promise<Admission>;

  /**
   * Adds each settlement to its counter when the counter exists and returns the counters after it
   * (-1 for a missing one). An amount of 0 reads. One round trip.
   */
  settleBudgets(settlements: BudgetSettlement[], now: number): Promise<number[]>;

  /** Applies corrections (e.g. real TPM usage after the call) where their reservations were made. */
  adjust(subject: string, adjustments: WindowAdjustment[], now: number): Promise<void>;

  /** Extends a live lease to `now + ttlMs`; false when it is gone (released or expired). */
  renewLease(subject: string, leaseId: string, ttlMs: number, now: number): Promise<boolean>;

  /** Ends a lease at once, freeing its slot (a no-op for one that is gone). */
  releaseLease(subject: string, leaseId: string): Promise<void>;

  /** Leases of `subject` alive at `now`. */
  activeLeases(subject: string, now: number): Promise<number>;

  /** Puts `subject` in cooldown until `untilMs`; an existing later deadline is kept (extend, never shorten). */
  setCooldown(subject: string, untilMs: number, now: number): Promise<void>;

  /** Ends a cooldown early (a key validated again, an admin re-enabled it). */
  clearCooldown(subject: string): Promise<void>;

  /** Cooldown deadlines (epoch ms) of the subjects still cooling down at `now`. */
  getCooldowns(subjects: string[], now: number): Promise<Map<string, number>>;

  /** Set-if-absent with a time to live: true for exactly one caller per `ttlMs` (alert de-duplication). */
  claim(name: string, ttlMs: number, now: number): Promise<boolean>;

  /** Drops a claim so the next {@link claim} succeeds (an incident cleared). */
  release(name: string): Promise<void>;

  /** Current value of a named version counter (0 when never bumped). */
  getVersion(name: string): Promise<number>;

  /**
   * {@link getVersion} answered at once, by a store that keeps its counters in this process
   * (checking it costs nothing, so callers may check it on every use).
   */
  readonly versionNow?: (name: string) => number;

  /** Increments a named version counter and returns the new value. */
  bumpVersion(name: string): Promise<number>;
}
