/**
 * What an upstream outcome does to a key, in three places at once: the shared cooldown (every
 * instance skips the key), the key row (status, reason, cooldown end; what the dashboard shows)
 * and this instance's cached snapshot (so the very next request already knows).
 *
 * Rules: a 429 cools the key until the upstream's retry-after;
 * an exhausted quota cools it for a long time; an invalid key leaves rotation until validated;
 * transient errors count, and the Nth consecutive one cools the key briefly; every further
 * consecutive failure doubles that cooldown up to a ceiling (30 s, 60 s, … 15 min by default), so
 * a key that keeps failing (e.g. cutting every stream) costs a client request ever more rarely,
 * and its status reason says when it has reached the ceiling (the key-status check alerts on it).
 * A cooldown is only ever extended by a new failure, never shortened. A success resets the count
 * and the status.
 * Only status changes bump the catalogue version; counting failures and `last_used_at` do not.
 */
import { sql, type Kysely } from "kysely";
import type { Database, KeyStatus } from "../../db/schema";
import { CATALOGUE_VERSION } from "../catalogue/catalogue-version";
import type { LimitStore } from "../limits/limit-store";
import type { Logger } from "../logging/logger";
import type { ProviderError } from "../providers/provider-error";
import type { CatalogueCache } from "./catalogue-cache";
import type { CatalogueKey } from "./catalogue-snapshot";

/** Tunables of {@link KeyHealth}. */
export interface KeyHealthOptions {
  /**
   * Cooldown after an upstream 429 that named no retry-after, in ms.
   * @default 60_000
   */
  rateLimitCooldownMs?: number;
  /**
   * Cooldown after an exhausted quota or balance, in ms; then real traffic probes the key.
   * @default 3_600_000
   */
  quotaCooldownMs?: number;
  /**
   * Consecutive transient failures that put a key in cooldown (status `error`).
   * @default 3
   */
  transientFailureThreshold?: number;
  /**
   * Cooldown after `transientFailureThreshold` consecutive transient failures, in ms; each further
   * consecutive failure doubles it, up to `maxTransientCooldownMs`.
   * @default 30_000
   */
  transientCooldownMs?: number;
  /**
   * Ceiling of the doubling transient cooldown, in ms.
   * @default 900_000 (15 minutes)
   */
  maxTransientCooldownMs?: number;
  /**
   * `last_used_at` is written only when the stored value is older than this, so a busy key
   * costs no database write per request.
   * @default 60_000
   */
  lastUsedWriteIntervalMs?: number;
}

/** The shared subject of a key in the limit store (windows and cooldown). */
export function keySubject(keyId: number): string {
  return `key:${keyId}`;
}

/** Applies upstream outcomes to keys. Every method returns the write it started; never rejects. */
export class KeyHealth {
  readonly #db: Kysely<Database>;
  readonly #limits: LimitStore;
  readonly #cache: CatalogueCache;
  readonly #logger: Logger;
  readonly #options: Required<KeyHealthOptions>;
  /** The cooldowns this instance applies (ms): after a 429 without retry-after, and after an exhausted quota. */
  readonly cooldownMs: { readonly rateLimit: number; readonly quota: number };

  constructor(
    dependencies: { db: Kysely<Database>; limits: LimitStore; cache: CatalogueCache; logger: Logger },
    {
      rateLimitCooldownMs = 60_000,
      quotaCooldownMs = 3_600_000,
      transientFailureThreshold = 3,
      transientCooldownMs = 30_000,
      maxTransientCooldownMs = 900_000,
      lastUsedWriteIntervalMs = 60_000,
    }: KeyHealthOptions = {},
  ) {
    if (!(transientFailureThreshold >= 1)) throw new RangeError(`transientFailureThreshold must be >= 1, got ${transientFailureThreshold}`);
    if (!(maxTransientCooldownMs >= transientCooldownMs)) {
      throw new RangeError(`maxTransientCooldownMs must be >= transientCooldownMs, got ${maxTransientCooldownMs}`);
    }
    this.#db = dependencies.db;
    this.#limits = dependencies.limits;
    this.#cache = dependencies.cache;
    this.#logger = dependencies.logger;
    this.#options = { rateLimitCooldownMs, quotaCooldownMs, transientFailureThreshold, transientCooldownMs, maxTransientCooldownMs, lastUsedWriteIntervalMs };
    this.cooldownMs = { rateLimit: rateLimitCooldownMs, quota: quotaCooldownMs };
  }

  /** Records a failed call. Client errors and client disconnects are not the key's fault and change nothing. */
  recordFailure(key: CatalogueKey, error: ProviderError, now: number): Promise<void> {
    const reason = `${error.code}: ${error.message}`.slice(0, 255);
    switch (error.kind) {
      case "rate_limited":
        return this.#coolDown(key, "rate_limited", reason, now + (error.retryAfterMs ?? this.#options.rateLimitCooldownMs), now);
      case "quota_exceeded":
        return this.#coolDown(key, "quota_exceeded", reason, now + this.#options.quotaCooldownMs, now);
      case "invalid_key":
        return this.#setStatus(key, { status: "invalid", reason, cooldownUntil: null }, now);
      case "transient":
        return this.#countTransient(key, reason, now);
      default:
        return Promise.resolve();
    }
  }

  /** Records a successful call: back to `normal` if it was not, and `last_used_at` now and then. */
  recordSuccess(key: CatalogueKey, now: number): Promise<void> {
    const recovers = key.status !== "normal" || key.consecutiveFailures > 0;
    const touch = key.lastUsedAt === null || now - key.lastUsedAt >= this.#options.lastUsedWriteIntervalMs;
    if (!recovers && !touch) return Promise.resolve();
    key.lastUsedAt = now;
    if (!recovers) {
      return this.#guard("last_used_at", this.#db.updateTable("t_ai_api_keys").set({ last_used_at: now }).where("id", "=", key.id).execute());
    }
    const statusChanged = key.status !== "normal";
    key.status = "normal";
    key.statusReason = null;
    key.cooldownUntil = null;
    key.consecutiveFailures = 0;
    const write = this.#db
      .updateTable("t_ai_api_keys")
      .set({
        status: "normal",
        status_reason: null,
        cooldown_until: null,
        consecutive_failures: 0,
        last_used_at: now,
        ...(statusChanged ? { status_changed_at: now } : {}),
      })
      .where("id", "=", key.id)
      .execute();
    return this.#guard("recover", statusChanged ? write.then(() => this.#bumpVersion()) : write);
  }

  async #coolDown(key: CatalogueKey, status: KeyStatus, reason: string, until: number, now: number): Promise<void> {
    await this.#guard("cooldown", this.#limits.setCooldown(keySubject(key.id), until, now));
    await this.#setStatus(key, { status, reason, cooldownUntil: until }, now);
  }

  async #countTransient(key: CatalogueKey, reason: string, now: number): Promise<void> {
    key.consecutiveFailures += 1;
    await this.#guard(
      "failure count",
      this.#db
        .updateTable("t_ai_api_keys")
        .set({ consecutive_failures: sql`consecutive_failures + 1`, last_error_at: now })
        .where("id", "=", key.id)
        .execute(),
    );
    // The row is the count all instances share; the cached one is only a fallback when the read fails.
    const row = await this.#db
      .selectFrom("t_ai_api_keys")
      .select("consecutive_failures")
      .where("id", "=", key.id)
      .executeTakeFirst()
      .catch(() => undefined);
    const failures = row ? Number(row.consecutive_failures) : key.consecutiveFailures;
    key.consecutiveFailures = failures;
    const { transientFailureThreshold, transientCooldownMs, maxTransientCooldownMs } = this.#options;
    if (failures >= transientFailureThreshold) {
      // Doubling per failure beyond the threshold; the exponent is capped so it never overflows.
      const doublings = Math.min(failures - transientFailureThreshold, 40);
      const cooldownMs = Math.min(transientCooldownMs * 2 ** doublings, maxTransientCooldownMs);
      const atCeiling = cooldownMs >= maxTransientCooldownMs && failures > transientFailureThreshold;
      const summary = atCeiling
        ? `${failures} consecutive failures, cooldown at its ${Math.round(maxTransientCooldownMs / 1000)} s ceiling; last ${reason}`
        : `${failures} consecutive failures, last ${reason}`;
      if (atCeiling) this.#logger.error("provider key keeps failing: its cooldown is at the ceiling", { keyId: key.id, failures });
      await this.#coolDown(key, "error", summary.slice(0, 255), now + cooldownMs, now);
    }
  }

  async #setStatus(key: CatalogueKey, change: { status: KeyStatus; reason: string; cooldownUntil: number | null }, now: number): Promise<void> {
    key.status = change.status;
    key.statusReason = change.reason;
    if (change.cooldownUntil !== null) key.cooldownUntil = Math.max(key.cooldownUntil ?? 0, change.cooldownUntil);
    const until = change.cooldownUntil;
    await this.#guard(
      "status",
      this.#db
        .updateTable("t_ai_api_keys")
        .set({
          status: change.status,
          status_reason: change.reason,
          status_changed_at: now,
          last_error_at: now,
          // Extend, never shorten: another instance may have set a later end already.
          ...(until !== null
            ? { cooldown_until: sql<number>`CASE WHEN cooldown_until IS NOT NULL AND cooldown_until > ${until} THEN cooldown_until ELSE ${until} END` }
            : {}),
        })
        .where("id", "=", key.id)
        .execute(),
    );
    await this.#guard("version", this.#bumpVersion());
  }

  async #bumpVersion(): Promise<void> {
    this.#cache.adoptOwnBump(await this.#limits.bumpVersion(CATALOGUE_VERSION));
  }

  /** Key bookkeeping must never fail a request: a failed write is logged and dropped. */
  async #guard(what: string, work: Promise<unknown>): Promise<void> {
    try {
      await work;
    } catch (error) {
      this.#logger.warn(`key ${what} update failed`, { error });
    }
  }
}
