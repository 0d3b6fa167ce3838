/**
 * Every log row says which door a request came through, what went upstream (the door's own
 * protocol passed through, or the canonical request through an adapter) and what a translation
 * could not carry. Existing rows came through the Chat door or the envelope API.
 */
import type { Kysely } from "kysely";
import type { SqlDialect } from "../connection";

/** Builds the up/down pair for a dialect. */
export function frontDoorsMigration(_dialect: SqlDialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable("t_ai_api_logs").addColumn("door", "varchar(16)", (c) => c.notNull().defaultTo("chat")).execute();
      await db.schema.alterTable("t_ai_api_logs").addColumn("upstream_protocol", "varchar(16)").execute();
      await db.schema.alterTable("t_ai_api_logs").addColumn("warnings", "varchar(1000)").execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable("t_ai_api_logs").dropColumn("warnings").execute();
      await db.schema.alterTable("t_ai_api_logs").dropColumn("upstream_protocol").execute();
      await db.schema.alterTable("t_ai_api_logs").dropColumn("door").execute();
    },
  };
}
