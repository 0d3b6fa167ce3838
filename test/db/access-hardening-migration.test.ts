/**
 * Upgrading a database written by an earlier version: stored usernames become their normalised
 * form, every admin gets a token version, and client keys' allowed models become the one
 * catalogue model each bare code named (entries naming none or several are dropped, so no key
 * gains access it did not have).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MIGRATION_NAMES, migrateToLatest, migrateUpTo } from "../../db/migrate";
import { seedCatalogue } from "../../db/seed";
import { openTestDatabase, testDatabaseAvailable, TEST_DATABASE_KINDS, type TestDatabase } from "../support/test-databases";

const MIGRATION = "006-access-hardening";
const BEFORE = MIGRATION_NAMES[MIGRATION_NAMES.indexOf(MIGRATION) - 1];
const NOW = Date.UTC(2026, 10, 1);

for (const kind of TEST_DATABASE_KINDS) {
  const available = await testDatabaseAvailable(kind, "access hardening migration");
  describe.skipIf(!available)(`migration ${MIGRATION} on ${kind}`, () => {
    let database: TestDatabase;
    beforeEach(async () => {
      database = await openTestDatabase(kind);
      expect(MIGRATION_NAMES).toContain(MIGRATION);
      await migrateUpTo(database.handle, BEFORE);
      await seedCatalogue(database.handle.db, NOW, { prices: false });
    });
    afterEach(async () => {
      await database?.drop();
    });

    const addUser = (username: string) =>
      database.handle.db
        .insertInto("t_admin_users")
        .values({ username, password_hash: "scrypt$16384$8$1$c2FsdA==$aGFzaA==", role: "admin", is_active: 1, created_at: NOW, updated_at: NOW })
        .execute();
    const addClient = async (name: string, allowedModels: string | null) => {
      await database.handle.db
        .insertInto("t_client_keys")
        .values({ name, key_hash: name.padEnd(64, "0"), key_hint: "mg-…0000", allowed_models: allowedModels, rate_limit_rpm: null, is_active: 1, last_used_at: null, created_at: NOW, revoked_at: null })
        .execute();
    };

    it("normalises stored usernames and starts every admin at token version 0", async () => {
      await addUser("Ops.Team");
      await addUser("ｒｏｏｔ\u200B");
      await migrateToLatest(database.handle);
      const rows = await database.handle.db.selectFrom("t_admin_users").select(["username", "token_version"]).orderBy("id").execute();
      expect(rows).toEqual([
        { username: "ops.team", token_version: 0 },
        { username: "root", token_version: 0 },
      ]);
    });

    it("pins bare allowed-model codes to the one model they named and drops the rest", async () => {
      const { db } = database.handle;
      // gpt-5 is offered by two providers: the bare code named no single model.
      await db
        .insertInto("t_ai_models")
        .values({ provider_id: 3, model_code: "gpt-5", display_name: "GPT-5 elsewhere", context_window: 1000, max_output_tokens: 100, input_price_per_m: 1, output_price_per_m: 1, supports_streaming: 1, supports_tools: 0, supports_vision: 0, is_active: 1, created_at: NOW, updated_at: NOW })
        .execute();
      await addClient("legacy", JSON.stringify(["gpt-4o-mini", "gpt-9", "openai/gpt-4.1", "deepseek-chat", "gpt-5", "gpt-4o-mini"]));
      await addClient("all-models", null);
      await addClient("none", "[]");
      await addClient("corrupt", "not json");
      await migrateToLatest(database.handle);
      const rows = await db.selectFrom("t_client_keys").select(["name", "allowed_models"]).orderBy("id").execute();
      expect(rows.map((row) => [row.name, row.allowed_models === null ? null : JSON.parse(row.allowed_models)])).toEqual([
        ["legacy", ["openai/gpt-4o-mini", "openai/gpt-4.1", "deepseek/deepseek-chat"]],
        ["all-models", null],
        ["none", []],
        ["corrupt", []],
      ]);
    });
  });
}

describe(`migration ${MIGRATION} with usernames that collide`, () => {
  it("refuses to merge two users, naming both, and changes nothing", async () => {
    const database = await openTestDatabase("sqlite");
    try {
      await migrateUpTo(database.handle, BEFORE);
      for (const username of ["admin", "Admin"]) {
        await database.handle.db
          .insertInto("t_admin_users")
          .values({ username, password_hash: "x", role: "admin", is_active: 1, created_at: NOW, updated_at: NOW })
          .execute();
      }
      await expect(migrateToLatest(database.handle)).rejects.toThrow(
        `Migration ${MIGRATION} failed: admin users 'admin' (id 1) and 'Admin' (id 2) have the same normalised username 'admin'; rename or delete one and start again`,
      );
      const rows = await database.handle.db.selectFrom("t_admin_users").select("username").orderBy("id").execute();
      expect(rows.map((row) => row.username)).toEqual(["admin", "Admin"]);
    } finally {
      await database.drop();
    }
  });
});
