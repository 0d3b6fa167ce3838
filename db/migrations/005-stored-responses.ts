/**
 * Stored responses of the Responses door, so `previous_response_id`, `item_reference` and
 * `GET /v1/responses/{id}` work on every provider:
 * - `t_gateway_responses`: one row per answered response (unless the client sent `store:
 *   false`), owned by the client key (or admin) that asked, with the request's input items (item
 *   references resolved), the response object and where it came from;
 * - `t_gateway_response_items`: output items whose id does not name their response (OpenAI's,
 *   from passed-through answers), so `item_reference` finds them.
 * Both expire with the log retention (the daily purge). Neither is a `t_ai_` table, so
 * `SHOW TABLES LIKE 't_ai_%'` still lists the five product tables.
 */
import { sql, type Kysely } from "kysely";
import type { SqlDialect } from "../connection";
import { ddlFor } from "./migration-helpers";

/** Builds the up/down pair for a dialect. */
export function storedResponsesMigration(dialect: SqlDialect) {
  const { tableOptions } = ddlFor(dialect);
  // MySQL's TEXT stops at 64 KB; inputs with images or long tool outputs need more.
  const document = dialect === "mysql" ? sql`longtext` : sql`text`;
  return {
    async up(db: Kysely<any>): Promise<void> {
      await tableOptions(
        db.schema
          .createTable("t_gateway_responses")
          .addColumn("id", "varchar(128)", (c) => c.primaryKey())
          .addColumn("owner", "varchar(48)", (c) => c.notNull())
          .addColumn("previous_response_id", "varchar(200)")
          .addColumn("provider_id", "integer")
          .addColumn("model", "varchar(100)", (c) => c.notNull())
          .addColumn("input_items", document, (c) => c.notNull())
          .addColumn("response", document, (c) => c.notNull())
          .addColumn("created_at", "bigint", (c) => c.notNull()),
      ).execute();
      await db.schema.createIndex("idx_gateway_responses_created").on("t_gateway_responses").column("created_at").execute();
      await tableOptions(
        db.schema
          .createTable("t_gateway_response_items")
          .addColumn("item_id", "varchar(200)", (c) => c.notNull())
          .addColumn("response_id", "varchar(128)", (c) => c.notNull())
          .addColumn("owner", "varchar(48)", (c) => c.notNull())
          .addColumn("item", document, (c) => c.notNull())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addPrimaryKeyConstraint("pk_gateway_response_items", ["response_id", "item_id"]),
      ).execute();
      await db.schema.createIndex("idx_gateway_response_items_item").on("t_gateway_response_items").column("item_id").execute();
      await db.schema.createIndex("idx_gateway_response_items_created").on("t_gateway_response_items").column("created_at").execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable("t_gateway_response_items").ifExists().execute();
      await db.schema.dropTable("t_gateway_responses").ifExists().execute();
    },
  };
}
