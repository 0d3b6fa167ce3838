/**
 * `npm run db:init` (the deployment guide's init-ai-models-db): migrations + seed + first admin,
 * against whatever database the environment names. Idempotent: run twice, same rows.
 */
import { createDatabase } from "../db/connection";
import { prepareDatabase } from "../db/prepare-database";
import { ensureBootstrapAdmin } from "../lib/auth/bootstrap-admin";
import { parseSettings } from "../lib/config/settings";
import { createLogger } from "../lib/logging/logger";
import { runScript } from "../lib/runtime/fatal-error";

runScript("db:init failed", async () => {
  const settings = parseSettings(process.env);
  const logger = createLogger();
  const database = await createDatabase(settings.database);
  try {
    const prepared = await prepareDatabase(database, Date.now());
    const bootstrap = await ensureBootstrapAdmin(database.db, {
      credentials: settings.bootstrapAdmin,
      allowGenerated: settings.database.kind === "sqlite",
      now: Date.now(),
      logger,
    });
    logger.info("database initialized", { database: database.kind, ...prepared, adminCreated: bootstrap.created });
    if (bootstrap.created && bootstrap.generatedPassword) {
      process.stderr.write(`Admin '${bootstrap.username}' created with password: ${bootstrap.generatedPassword} (shown once)\n`);
    }
  } finally {
    await database.close();
  }
});
