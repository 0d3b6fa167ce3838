import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATION_NAMES, migrateToLatest } from "../../db/migrate";
import { seedCatalogue } from "../../db/seed";
import { SEED_MODELS } from "../../db/seed-data";
import { TEST_DATABASE_KINDS, openTestDatabase, testDatabaseAvailable, type TestDatabase } from "../support/test-databases";

for (const kind of TEST_DATABASE_KINDS) {
  const available = await testDatabaseAvailable(kind, "migrate and seed");
  describe.skipIf(!available)(`migrations and seed on ${kind}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await database?.drop();
    });

    it("creates the tables once and applies nothing the second time", async () => {
      expect(await migrateToLatest(database.handle)).toEqual([...MIGRATION_NAMES]);
      expect(MIGRATION_NAMES[0]).toBe("001-initial");
      expect(await migrateToLatest(database.handle)).toEqual([]);
    });

    it("has exactly the five t_ai_ tables", async () => {
      const { db, dialect } = database.handle;
      const names =
        dialect === "sqlite"
          ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name like 't\\_ai\\_%' escape '\\'`.execute(db)).rows.map((row) => row.name)
          : (await sql<Record<string, string>>`SHOW TABLES LIKE 't\\_ai\\_%'`.execute(db)).rows.map((row) => Object.values(row)[0]);
      expect(names.sort()).toEqual(["t_ai_api_keys", "t_ai_api_logs", "t_ai_models", "t_ai_providers", "t_ai_usage_stats"]);
    });

    it("seeds 3 providers with fixed ids and 11 models, idempotently", async () => {
      const { db } = database.handle;
      const first = await seedCatalogue(db, 1_700_000_000_000);
      expect(first).toEqual({ providersInserted: 3, modelsInserted: 11, pricesInserted: 11 });
      const second = await seedCatalogue(db, 1_700_000_100_000);
      expect(second).toEqual({ providersInserted: 0, modelsInserted: 0, pricesInserted: 0 });

      const providers = await db.selectFrom("t_ai_providers").select(["id", "code", "base_url"]).orderBy("id").execute();
      expect(providers).toEqual([
        { id: 1, code: "openai", base_url: "https://api.openai.com/v1" },
        { id: 2, code: "anthropic", base_url: "https://api.anthropic.com" },
        { id: 3, code: "deepseek", base_url: "https://api.deepseek.com" },
      ]);
      const models = await db.selectFrom("t_ai_models").selectAll().orderBy("id").execute();
      expect(models).toHaveLength(11);
      expect(models.map((model) => model.model_code)).toContain("deepseek-chat");
      const gpt41 = models.find((model) => model.model_code === "gpt-4.1")!;
      expect(gpt41.input_price_per_m).toBe(2);
      expect(gpt41.output_price_per_m).toBe(8);
      expect(gpt41.context_window).toBe(1_047_576);
      expect(SEED_MODELS).toHaveLength(11);
    });

    it("keeps an admin's price edit across a re-seed", async () => {
      const { db } = database.handle;
      await db.updateTable("t_ai_models").set({ input_price_per_m: 0.5 }).where("model_code", "=", "deepseek-chat").execute();
      await seedCatalogue(db, 1_700_000_200_000);
      const row = await db.selectFrom("t_ai_models").select("input_price_per_m").where("model_code", "=", "deepseek-chat").executeTakeFirstOrThrow();
      expect(row.input_price_per_m).toBe(0.5);
    });

    it("round-trips numbers, nulls and epoch milliseconds with the same types", async () => {
      const { db } = database.handle;
      const createdAt = 1_795_000_000_123;
      await db
        .insertInto("t_ai_api_logs")
        .values({
          request_id: `req-${kind}`,
          client_id: null,
          client_name: "unit",
          provider_id: 1,
          key_id: null,
          model: "gpt-4.1",
          status: "success",
          http_status: 200,
          error_code: null,
          error_message: null,
          prompt_tokens: 10,
          completion_tokens: 5,
          total_tokens: 15,
          tokens_estimated: 0,
          cost: 0.000123,
          latency_ms: 42,
          ttft_ms: null,
          attempts: 1,
          attempt_errors: null,
          is_stream: 0,
          created_at: createdAt,
        })
        .execute();
      const row = await db.selectFrom("t_ai_api_logs").selectAll().where("request_id", "=", `req-${kind}`).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ created_at: createdAt, cost: 0.000123, key_id: null, prompt_tokens: 10, is_stream: 0 });
      expect(typeof row.id).toBe("number");
      const totals = await db
        .selectFrom("t_ai_api_logs")
        .select((eb) => [eb.fn.countAll<number>().as("requests"), eb.fn.sum<number>("total_tokens").as("tokens")])
        .executeTakeFirstOrThrow();
      expect(Number(totals.requests)).toBe(1);
      expect(Number(totals.tokens)).toBe(15);
    });
  });
}
