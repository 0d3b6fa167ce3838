/**
 * The shared-state contract: limits, cooldowns, one-shot claims and config versions.
 *
 * Two implementations sit behind it: in-process memory (the local default, one instance only)
 * and Upstash Redis (deployed; shared by every Lambda instance). Everything the router, the
 * client rate limits, the login throttle and the alert de-duplication need goes through here,
 * so a test can run the same suite against both.
 */

/** One fixed or sliding window counter that an admission checks and reserves in. */
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

/** Outcome of {@link LimitStore.admit}. */
export interface Admission {
  allowed: boolean;
  /** When denied: milliseconds until the soonest moment a retry could be admitted. 0 when allowed. */
  retryAfterMs: number;
  /** When denied: the window name that denied, or "cooldown". */
  deniedBy?: string;
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
}

/** Shared state for limits, cooldowns, claims and versions; every method may reject when the backend is down. */
export interface LimitStore {
  /** "memory" (single instance) or "upstash" (shared). */
  readonly kind: "memory" | "upstash";

  /**
   * Atomically: if `subject` is in cooldown, deny with the cooldown's remaining time; else check
   * every window and reserve `cost` in all of them, or in none when any one denies.
   * One round trip to shared state.
   */
  admit(subject: string, windows: WindowLimit[], now: number): Promise<Admission>;

  /** Applies corrections (e.g. real TPM usage after the call) to the windows that hold `now`. */
  adjust(subject: string, adjustments: WindowAdjustment[], now: number): Promise<void>;

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

  /** Increments a named version counter and returns the new value. */
  bumpVersion(name: string): Promise<number>;
}
