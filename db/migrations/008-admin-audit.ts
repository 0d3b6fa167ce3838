/**
 * Admin accountability:
 * - `t_admin_audit_log`: one row per change an admin made (who, what, when, which target, the
 *   changed fields with secrets shown only as "(changed)"). It keeps the username as it was, so
 *   an entry still reads right after its user is renamed or deleted. Listed newest first by id.
 * - `t_sys_job_state.last_finished_at`: when the last run ended, beside when it started.
 */
import type { Kysely } from "kysely";
import type { SqlDialect } from "../connection";
import { ddlFor } from "./migration-helpers";

/** Builds the up/down pair for a dialect. */
export function adminAuditMigration(dialect: SqlDialect) {
  const { idType, tableOptions } = ddlFor(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await tableOptions(
        db.schema
          .createTable("t_admin_audit_log")
          .addColumn("id", idType, (c) => c.primaryKey().autoIncrement())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          // Null for changes made outside the API (the operator's password-reset command).
          .addColumn("admin_user_id", "integer")
          .addColumn("admin_username", "varchar(64)", (c) => c.notNull())
          .addColumn("action", "varchar(64)", (c) => c.notNull())
          .addColumn("target_type", "varchar(32)", (c) => c.notNull())
          .addColumn("target_id", "varchar(64)")
          .addColumn("summary", "text", (c) => c.notNull())
          .addColumn("ip", "varchar(64)")
          .addColumn("request_id", "varchar(64)"),
      ).execute();
      await db.schema.createIndex("idx_admin_audit_created").on("t_admin_audit_log").column("created_at").execute();
      await db.schema.createIndex("idx_admin_audit_user").on("t_admin_audit_log").columns(["admin_user_id", "id"]).execute();
      await db.schema.alterTable("t_sys_job_state").addColumn("last_finished_at", "bigint").execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable("t_sys_job_state").dropColumn("last_finished_at").execute();
      await db.schema.dropTable("t_admin_audit_log").ifExists().execute();
    },
  };
}
