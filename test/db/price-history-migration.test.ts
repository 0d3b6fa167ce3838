/**
 * Upgrading a database from before the price history: every model gets one price entry in effect
 * since the epoch with the prices it had, and the next seeding adds the published prices (cache
 * prices included) from then on to the seed models whose prices nobody changed, and to no other.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MIGRATION_NAMES, migrateToLatest, migrateUpTo } from "../../db/migrate";
import { seedCatalogue } from "../../db/seed";
import { SEED_PRICE_SOURCES } from "../../db/seed-data";
import { openTestDatabase, testDatabaseAvailable, type TestDatabase, type TestDatabaseKind } from "../support/test-databases";

const MIGRATION = "011-aliases-and-prices";
const BEFORE = MIGRATION_NAMES[MIGRATION_NAMES.indexOf(MIGRATION) - 1];
const NOW = Date.UTC(2026, 10, 1);

for (const kind of ["sqlite", "mariadb"] as TestDatabaseKind[]) {
  const available = await testDatabaseAvailable(kind, "price history migration");
  describe.skipIf(!available)(`migration ${MIGRATION} on ${kind}`, () => {
    let database: TestDatabase;
    beforeEach(async () => {
      database = await openTestDatabase(kind);
      await migrateUpTo(database.handle, BEFORE);
      await seedCatalogue(database.handle.db, NOW, { prices: false });
    });
    afterEach(async () => {
      await database?.drop();
    });

    it("backfills one entry per model from its prices, then seeds the published prices only where they were not changed", async () => {
      const { db } = database.handle;
      await db.updateTable("t_ai_models").set({ input_price_per_m: 0.5 }).where("model_code", "=", "deepseek-chat").execute();
      await migrateToLatest(database.handle);

      const backfilled = await db
        .selectFrom("t_model_prices")
        .innerJoin("t_ai_models", "t_ai_models.id", "t_model_prices.model_id")
        .select(["t_ai_models.model_code", "t_model_prices.effective_from", "t_model_prices.input_price_per_m", "t_model_prices.cache_read_price_per_m"])
        .execute();
      expect(backfilled).toHaveLength(11);
      expect(backfilled.every((row) => Number(row.effective_from) === 0 && row.cache_read_price_per_m === null)).toBe(true);
      expect(backfilled.find((row) => row.model_code === "deepseek-chat")?.input_price_per_m).toBe(0.5);

      const later = NOW + 86_400_000;
      expect(await seedCatalogue(db, later)).toEqual({ providersInserted: 0, modelsInserted: 0, pricesInserted: 10 });
      const seeded = await db
        .selectFrom("t_model_prices")
        .innerJoin("t_ai_models", "t_ai_models.id", "t_model_prices.model_id")
        .select(["t_ai_models.model_code", "t_model_prices.effective_from", "t_model_prices.cache_read_price_per_m", "t_model_prices.cache_write_1h_price_per_m", "t_model_prices.source"])
        .where("t_model_prices.effective_from", "=", later)
        .execute();
      expect(seeded.map((row) => row.model_code)).not.toContain("deepseek-chat");
      expect(seeded.find((row) => row.model_code === "claude-haiku-4-5")).toMatchObject({ cache_read_price_per_m: 0.1, cache_write_1h_price_per_m: 2, source: SEED_PRICE_SOURCES.anthropic });
      expect(await seedCatalogue(db, later + 1000)).toMatchObject({ pricesInserted: 0 });
    });
  });
}
