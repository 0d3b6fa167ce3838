/**
 * Builds the app's dependencies from settings: opens the database (prepared by the caller's
 * `prepareDatabase` where one is given), loads the master keyring, the JWT secret and the shared-state store.
 * Used by every front door: the local server, the Lambda handlers, the job runners and tests.
 */
import type { SecretsManagerClientConfig } from "@aws-sdk/client-secrets-manager";
import { createDatabase, type DatabaseHandle } from "../../db/connection";
import { ensureBootstrapAdmin, type BootstrapResult } from "../auth/bootstrap-admin";
import type { Settings } from "../config/settings";
import { KeyCipher } from "../crypto/key-cipher";
import { loadOrCreateLocalSecret } from "../crypto/local-secret-file";
import { clearKeyringCache, loadKeyring } from "../crypto/master-key-source";
import { assertKeyVersionsKnown } from "../crypto/missing-key-versions";
import { ReloadingKeyCipher } from "../crypto/reloading-key-cipher";
import { systemClock, type AppDeps, type Clock } from "../deps";
import { createLimitStore } from "../limits/create-limit-store";
import { createLogger, type Logger } from "../logging/logger";
import { createUpstreamFetch } from "../providers/shared/upstream-fetch";
import { timeOrderedId } from "./time-ordered-id";

/** Options for {@link createRuntime}. */
export interface RuntimeOptions {
  /**
   * Migrates and seeds the database before anything reads it, then the bootstrap admin is ensured
   * (db/prepare-database.ts for the local server and scripts). Deployed functions pass none: their
   * database is prepared once by `npm run db:init`, and the migrations stay out of their bundles.
   */
  prepareDatabase?: (database: DatabaseHandle, now: number) => Promise<unknown>;
  clock?: Clock;
  logger?: Logger;
  /** `fetch` for webhooks. @default a keep-alive fetch held to `settings.destinations` */
  fetch?: typeof fetch;
  /** Secrets Manager client settings (tests point it at a local server). */
  secretsManager?: SecretsManagerClientConfig;
  /** Use this open database instead of opening `settings.database`. */
  database?: DatabaseHandle;
}

/** Dependencies plus what start-up did and how to shut down. */
export interface Runtime {
  deps: AppDeps;
  bootstrap: BootstrapResult;
  close(): Promise<void>;
}

/** Opens everything the app needs. */
export async function createRuntime(settings: Readonly<Settings>, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger();
  const clock = options.clock ?? systemClock;
  const warn = { warn: (message: string) => logger.warn(message) };
  const database = options.database ?? (await createDatabase(settings.database));
  try {
    let bootstrap: BootstrapResult = { created: false };
    if (options.prepareDatabase) {
      await options.prepareDatabase(database, clock.now());
      bootstrap = await ensureBootstrapAdmin(database.db, {
        credentials: settings.bootstrapAdmin,
        allowGenerated: !settings.deployed,
        now: clock.now(),
        logger,
      });
    }
    const keyEncryption = settings.keyEncryption;
    const loadCipher = async () =>
      new KeyCipher(
        await loadKeyring({
          secretArn: keyEncryption.kind === "secrets-manager" ? keyEncryption.secretArn : undefined,
          encryptionKey: keyEncryption.kind === "env" ? keyEncryption.base64Key : undefined,
          dataDir: settings.dataDir,
          allowLocalKey: !settings.deployed,
          secretsManager: options.secretsManager,
          logger: warn,
        }),
      );
    const initialCipher = await loadCipher();
    // Locally, keys written under a version this process lacks stop the start with the setting to fix;
    // a deployed function keeps serving the other providers and reloads the keyring when it meets one.
    if (!settings.deployed) {
      await assertKeyVersionsKnown(database.db, initialCipher.versions, keyEncryption.kind === "secrets-manager" ? "KEY_ENCRYPTION_SECRET_ARN" : "KEY_ENCRYPTION_KEY");
    }
    const cipher = new ReloadingKeyCipher(initialCipher, {
      reload: () => {
        clearKeyringCache();
        return loadCipher();
      },
      now: () => clock.now(),
      onReloadError: (message) => logger.error("master keyring reload failed", { reason: message }),
    });
    const jwtSecret = settings.jwtSecret ?? (await loadOrCreateLocalSecret(settings.dataDir, "jwt.secret", 48, warn)).toString("base64");
    const { store, requestLimiter } = createLimitStore({
      upstashUrl: settings.upstash?.url,
      upstashToken: settings.upstash?.token,
      now: () => clock.now(),
      timeoutMs: settings.limitStoreTimeoutMs,
    });
    if (store.kind === "memory") logger.info("limits and cooldowns are kept in memory: correct for one instance only");

    const deps: AppDeps = {
      settings,
      database,
      limits: store,
      requestLimiter,
      cipher,
      jwtSecret,
      clock,
      newId: () => timeOrderedId(),
      // Webhooks go to admin-set URLs: held to the same destination policy as provider calls.
      fetch: options.fetch ?? createUpstreamFetch({ destinations: settings.destinations }),
      logger,
    };
    return { deps, bootstrap, close: () => database.close() };
  } catch (error) {
    if (!options.database) await database.close();
    throw error;
  }
}
