/**
 * Budgets and quotas per client key: `t_client_budgets`, one row per (client, kind, period).
 * A cost budget counts USD at the catalogue's prices, a token quota counts prompt + completion
 * tokens; either resets at the period's start in its own IANA time zone (`total` never resets).
 */
import type { Kysely } from "kysely";
import type { SqlDialect } from "../connection";
import { ddlFor } from "./migration-helpers";

/** Builds the up/down pair for a dialect. */
export function clientBudgetsMigration(dialect: SqlDialect) {
  const { idType, tableOptions } = ddlFor(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await tableOptions(
        db.schema
          .createTable("t_client_budgets")
          .addColumn("id", idType, (c) => c.primaryKey().autoIncrement())
          .addColumn("client_id", "integer", (c) => c.notNull())
          /** cost | tokens */
          .addColumn("kind", "varchar(16)", (c) => c.notNull())
          /** day | week | month | total */
          .addColumn("period", "varchar(8)", (c) => c.notNull())
          /** USD for cost budgets, tokens for token quotas: the hard limit. */
          .addColumn("limit_value", "double precision", (c) => c.notNull())
          /** Alert when spend reaches this percentage of the limit; null: no soft-limit alert. */
          .addColumn("soft_limit_percent", "integer")
          .addColumn("time_zone", "varchar(64)", (c) => c.notNull().defaultTo("UTC"))
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("updated_at", "bigint", (c) => c.notNull()),
      ).execute();
      await db.schema.createIndex("uq_client_budgets_scope").unique().on("t_client_budgets").columns(["client_id", "kind", "period"]).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable("t_client_budgets").execute();
    },
  };
}
