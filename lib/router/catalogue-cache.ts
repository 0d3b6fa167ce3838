/**
 * Keeps the catalogue (providers, active keys, models) in process so a chat request costs no
 * database round trip. An admin change bumps the shared catalogue version
 * (lib/catalogue/catalogue-version.ts); every instance compares versions at most every
 * `versionCheckIntervalMs` and reloads when it moved, so a change reaches all instances within
 * seconds. A periodic full reload is the safety net for a lost version (e.g. a flushed Redis).
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
  #nextVersionCheckAt = Number.NEGATIVE_INFINITY;
  #nextFullReloadAt = Number.NEGATIVE_INFINITY;
  #stale = false;
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
  async snapshot(): Promise<CatalogueSnapshot> {
    const now = this.#options.clock.now();
    const current = this.#current;
    if (current && !this.#stale && now < this.#nextVersionCheckAt && now < this.#nextFullReloadAt) return current;
    this.#refreshing ??= this.#refresh(now).finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /** Forces a reload on the next {@link snapshot} (this instance changed the catalogue itself). */
  invalidate(): void {
    this.#stale = true;
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
      this.#nextVersionCheckAt = now + this.#versionCheckIntervalMs;
      if (current && !this.#stale && version === current.version && now < this.#nextFullReloadAt) return current;
      const loaded = await this.#load(version, now);
      this.#current = loaded;
      this.#stale = false;
      this.#nextFullReloadAt = now + this.#fullReloadIntervalMs;
      return loaded;
    } catch (error) {
      if (!current) throw new UnavailableError("The model catalogue could not be loaded; retry shortly", 1000);
      // Serve the last good snapshot; try again at the next check.
      this.#options.logger.warn("catalogue refresh failed; serving the cached catalogue", { error });
      this.#nextVersionCheckAt = now + Math.max(this.#versionCheckIntervalMs, 1000);
      return current;
    }
  }

  async #load(version: number, now: number): Promise<CatalogueSnapshot> {
    const { db, cipher, logger } = this.#options;
    const [providers, keys, models] = await Promise.all([
      db.selectFrom("t_ai_providers").selectAll().execute(),
      db.selectFrom("t_ai_api_keys").selectAll().where("is_active", "=", 1).execute(),
      db.selectFrom("t_ai_models").selectAll().execute(),
    ]);
    return buildCatalogueSnapshot(
      { providers, keys, models },
      {
        version: Number(version),
        loadedAt: now,
        decrypt: (stored) => cipher.decrypt(stored),
        onUndecryptableKey: (keyId) => logger.error("provider key cannot be decrypted; left out of rotation", { keyId }),
      },
    );
  }
}
