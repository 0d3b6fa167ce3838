/**
 * Brings a database up to date: migrations, then the idempotent catalogue seed. The local server,
 * the scripts and `npm run db:init` call it; deployed functions never do (`db:init` prepares a
 * deployed database once), which also keeps the migrations and seed data out of their bundles.
 */
import type { DatabaseHandle } from "./connection";
import { migrateToLatest } from "./migrate";
import { seedCatalogue } from "./seed";

/** Migrates and seeds; answers how many migrations ran and what the seed added. */
export async function prepareDatabase(database: DatabaseHandle, now: number) {
  const migrationsApplied = await migrateToLatest(database);
  const seeded = await seedCatalogue(database.db, now);
  return { migrationsApplied, ...seeded };
}
