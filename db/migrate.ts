/**
 * Runs the schema migrations. Kysely's migrator keeps its own bookkeeping tables, renamed under
 * the `t_sys_` prefix so `SHOW TABLES LIKE 't_ai_%'` lists exactly the five product tables.
 */
import { Migrator, type Migration, type MigrationProvider } from "kysely";
import type { DatabaseHandle, SqlDialect } from "./connection";
import { initialMigration } from "./migrations/001-initial";
import { alertsMigration } from "./migrations/002-alerts";
import { operationsMigration } from "./migrations/003-operations";
import { frontDoorsMigration } from "./migrations/004-front-doors";
import { storedResponsesMigration } from "./migrations/005-stored-responses";
import { accessHardeningMigration } from "./migrations/006-access-hardening";
import { keyConcurrencyMigration } from "./migrations/007-key-concurrency";
import { adminAuditMigration } from "./migrations/008-admin-audit";
import { honestOutcomesMigration } from "./migrations/009-honest-outcomes";
import { clientBudgetsMigration } from "./migrations/010-client-budgets";
import { aliasesAndPricesMigration } from "./migrations/011-aliases-and-prices";

/** Every migration in order; a new one is one more line here. */
function migrationsFor(dialect: SqlDialect): Record<string, Migration> {
  return {
    "001-initial": initialMigration(dialect),
    "002-alerts": alertsMigration(dialect),
    "003-operations": operationsMigration(dialect),
    "004-front-doors": frontDoorsMigration(dialect),
    "005-stored-responses": storedResponsesMigration(dialect),
    "006-access-hardening": accessHardeningMigration(dialect),
    "007-key-concurrency": keyConcurrencyMigration(dialect),
    "008-admin-audit": adminAuditMigration(dialect),
    "009-honest-outcomes": honestOutcomesMigration(dialect),
    "010-client-budgets": clientBudgetsMigration(dialect),
    "011-aliases-and-prices": aliasesAndPricesMigration(dialect),
  };
}

/** Names of every migration, in the order they apply. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(migrationsFor("sqlite"));

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(handle: DatabaseHandle): Promise<string[]> {
  return migrateUpTo(handle, null);
}

/**
 * Applies pending migrations up to and including `lastName` (every one when null), so upgrade
 * tests can write rows as an older version left them; throws with the failing migration's name.
 */
export async function migrateUpTo(handle: DatabaseHandle, lastName: string | null): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(handle.dialect) };
  const migrator = new Migrator({
    db: handle.db,
    provider,
    migrationTableName: "t_sys_migrations",
    migrationLockTableName: "t_sys_migration_lock",
  });
  const { error, results } = lastName === null ? await migrator.migrateToLatest() : await migrator.migrateTo(lastName);
  const failed = results?.find((result) => result.status === "Error");
  if (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${failed?.migrationName ?? "(setup)"} failed: ${reason}`, { cause: error });
  }
  return (results ?? []).filter((result) => result.status === "Success").map((result) => result.migrationName);
}
