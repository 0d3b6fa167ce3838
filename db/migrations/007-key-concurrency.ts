/**
 * Per-key concurrency caps: `t_ai_api_keys.max_concurrency`, the most requests one provider key
 * may have in flight at once across every instance (null: no cap). Some providers (DeepSeek
 * among them) limit concurrency rather than requests per minute.
 */
import type { Kysely } from "kysely";
import type { SqlDialect } from "../connection";

/** Builds the up/down pair for a dialect (the column is the same on every dialect). */
export function keyConcurrencyMigration(_dialect: SqlDialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable("t_ai_api_keys").addColumn("max_concurrency", "integer").execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable("t_ai_api_keys").dropColumn("max_concurrency").execute();
    },
  };
}
