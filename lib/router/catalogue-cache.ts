/**
 * Keeps the catalogue (providers, active keys, models with their price schedules, model aliases)
 * in process so a chat request costs no database round trip. An admin change bumps the shared
 * catalogue version (lib/catalogue/catalogue-version.ts); every instance compares versions at
 * most every `versionCheckIntervalMs` and reloads when it moved. A periodic full reload is the safety net
 * for a lost version (e.g. a flushed Redis).
 *
 * The bound: no request uses a snapshot last confirmed current more than `versionCheckIntervalMs`
 * ago. A snapshot counts as confirmed from the moment its version check STARTED, and only once
 * that check (and the reload it led to) finished, so requests that arrive while a check or reload
 * is under way wait for it instead of being served the snapshot it is replacing. The one
 * exception: when the shared version or the database cannot be read, the last good snapshot is
 * served (and logged) and the check is retried after `max(versionCheckIntervalMs, 1 s)`.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { CATALOGUE_VERSION } from "../catalogue/catalogue-version";
import type { Clock, ProviderKeyCipher } from "../deps";
import { UnavailableError } from "../errors";
import type { LimitStore } from "../limits/limit-store";
import type { Logger } from "../logging/logger";
import { buildCatalogueSnapshot, type CatalogueSnapshot } from "./catalogue-snapshot";

/** Options of {@link CatalogueCache}. */
export interface CatalogueCacheOptions {
  db: Kysely<Database>;
  limits: LimitStore;
  cipher: ProviderKeyCipher;
  clock: Clock;
  logger: Logger;
  /**
   * How often (at most) the shared version is compared, in ms. With the memory store the
   * comparison is a map lookup in this process, so it happens on every request unless set.
   * @default 2000 (0 with the memory store)
   */
  versionCheckIntervalMs?: number;
  /**
   * A full reload happens at least this often, whatever the version says.
   * @default 300_000
   */
  fullReloadIntervalMs?: number;
}

/** The process-wide catalogue cache of one app. */
export class CatalogueCache {
  readonly #options: Required<Omit<CatalogueCacheOptions, "versionCheckIntervalMs" | "fullReloadIntervalMs">>;
  readonly #versionCheckIntervalMs: number;
  readonly #fullReloadIntervalMs: number;
  #current: CatalogueSnapshot | undefined;
  /** When the check that confirmed `#current` started: it is current as of then. */
  #confirmedAt = Number.NEGATIVE_INFINITY;
  /** After a failed refresh: the last good snapshot is served until then. */
  #retryAt = Number.NEGATIVE_INFINITY;
  #nextFullReloadAt = Number.NEGATIVE_INFINITY;
  #stale = false;
  #invalidations = 0;
  #refreshing: Promise<CatalogueSnapshot> | undefined;

  /** @throws RangeError on a negative interval. */
  constructor({ versionCheckIntervalMs, fullReloadIntervalMs = 300_000, ...rest }: CatalogueCacheOptions) {
    const checkInterval = versionCheckIntervalMs ?? (rest.limits.kind === "memory" ? 0 : 2000);
    if (!(checkInterval >= 0)) throw new RangeError(`versionCheckIntervalMs must be >= 0, got ${checkInterval}`);
    if (!(fullReloadIntervalMs > 0)) throw new RangeError(`fullReloadIntervalMs must be > 0, got ${fullReloadIntervalMs}`);
    this.#options = rest;
    this.#versionCheckIntervalMs = checkInterval;
    this.#fullReloadIntervalMs = fullReloadIntervalMs;
  }

  /**
   * The current snapshot; refreshes first when a version check or a full reload is due.
   * @throws UnavailableError when nothing could ever be loaded.
   */
  snapshot(): CatalogueSnapshot | Promise<CatalogueSnapshot> {
    const now = this.#options.clock.now();
    const current = this.#current;
    if (current && !this.#stale && now < this.#nextFullReloadAt) {
      if (now < this.#confirmedAt + this.#versionCheckIntervalMs || now < this.#retryAt) return current;
      // A version kept in this process is read without the refresh's promises.
      if (this.#options.limits.versionNow?.(CATALOGUE_VERSION) === current.version) {
        this.#confirmedAt = now;
        return current;
      }
    }
    this.#refreshing ??= this.#refresh(now).finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /** Forces a reload on the next {@link snapshot} (this instance changed the catalogue itself). */
  invalidate(): void {
    this.#stale = true;
    this.#invalidations += 1;
  }

  /**
   * This instance changed a key's state in its snapshot already and bumped the shared version
   * to `bumpedTo`: adopt the version without reloading when nobody else changed anything.
   */
  adoptOwnBump(bumpedTo: number): void {
    if (this.#current && this.#current.version === bumpedTo - 1) this.#current.version = bumpedTo;
  }

  async #refresh(now: number): Promise<CatalogueSnapshot> {
    const current = this.#current;
    try {
      const version = await this.#options.limits.getVersion(CATALOGUE_VERSION);
      if (current && !this.#stale && version === current.version && now < this.#nextFullReloadAt) {
        this.#confirmedAt = now;
        return current;
      }
      const invalidations = this.#invalidations;
      const loaded = await this.#load(version, now);
      this.#current = loaded;
      // An invalidation that arrived during the load leads to another one.
      this.#stale = invalidations !== this.#invalidations;
      this.#confirmedAt = now;
      this.#nextFullReloadAt = now + this.#fullReloadIntervalMs;
      return loaded;
    } catch (error) {
      if (!current) throw new UnavailableError("The model catalogue could not be loaded; retry shortly", 1000);
      // Serve the last good snapshot; try again after the retry pause.
      this.#options.logger.warn("catalogue refresh failed; serving the cached catalogue", { error });
      this.#retryAt = now + Math.max(this.#versionCheckIntervalMs, 1000);
      return current;
    }
  }

  async #load(version: number, now: number): Promise<CatalogueSnapshot> {
    const { db, cipher, logger } = this.#options;
    const [providers, keys, models, prices, aliases, aliasMembers] = await Promise.all([
      db.selectFrom("t_ai_providers").selectAll().execute(),
      db.selectFrom("t_ai_api_keys").selectAll().where("is_active", "=", 1).execute(),
      db.selectFrom("t_ai_models").selectAll().execute(),
      db.selectFrom("t_model_prices").selectAll().execute(),
      db.selectFrom("t_model_aliases").selectAll().execute(),
      db.selectFrom("t_model_alias_members").selectAll().execute(),
    ]);
    return buildCatalogueSnapshot(
      { providers, keys, models, prices, aliases, aliasMembers },
      {
        version: Number(version),
        loadedAt: now,
        decrypt: (stored) => cipher.decrypt(stored),
        onUndecryptableKey: (keyId) => logger.error("provider key cannot be decrypted; left out of rotation", { keyId }),
      },
    );
  }
}
