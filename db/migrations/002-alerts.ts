/**
 * Alert webhooks configured by admins and the alert history.
 */
import type { Kysely } from "kysely";
import type { SqlDialect } from "../connection";
import { ddlFor } from "./migration-helpers";

/** Builds the up/down pair for a dialect. */
export function alertsMigration(dialect: SqlDialect) {
  const { idType, tableOptions } = ddlFor(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await tableOptions(
        db.schema
          .createTable("t_alert_webhooks")
          .addColumn("id", idType, (c) => c.primaryKey().autoIncrement())
          .addColumn("name", "varchar(100)", (c) => c.notNull())
          .addColumn("url", "varchar(1000)", (c) => c.notNull())
          /** generic | slack | feishu | dingtalk | wecom */
          .addColumn("format", "varchar(16)", (c) => c.notNull().defaultTo("generic"))
          .addColumn("is_active", "integer", (c) => c.notNull().defaultTo(1))
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("updated_at", "bigint", (c) => c.notNull()),
      ).execute();
      await tableOptions(
        db.schema
          .createTable("t_alert_history")
          .addColumn("id", idType, (c) => c.primaryKey().autoIncrement())
          .addColumn("kind", "varchar(32)", (c) => c.notNull())
          .addColumn("incident_key", "varchar(191)", (c) => c.notNull())
          /** firing | resolved */
          .addColumn("state", "varchar(16)", (c) => c.notNull())
          .addColumn("title", "varchar(255)", (c) => c.notNull())
          .addColumn("message", "text", (c) => c.notNull())
          .addColumn("delivered", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("delivery_error", "varchar(500)")
          .addColumn("created_at", "bigint", (c) => c.notNull()),
      ).execute();
      await db.schema.createIndex("idx_alert_history_time").on("t_alert_history").column("created_at").execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable("t_alert_history").ifExists().execute();
      await db.schema.dropTable("t_alert_webhooks").ifExists().execute();
    },
  };
}
