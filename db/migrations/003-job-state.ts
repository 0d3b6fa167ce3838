/**
 * Bookkeeping of the scheduled jobs (operations issue): one row per job with its last run and,
 * for the hourly rollup, the watermarks that make catch-up and late rows work.
 * `t_sys_` prefix: not a product table, so `SHOW TABLES LIKE 't_ai_%'` still lists five.
 */
import { sql, type Kysely, type CreateTableBuilder } from "kysely";
import type { SqlDialect } from "../connection";

/** Builds the up/down pair for a dialect. */
export function jobStateMigration(dialect: SqlDialect) {
  const tableOptions = <T extends string, C extends string>(builder: CreateTableBuilder<T, C>) =>
    dialect === "mysql" ? builder.modifyEnd(sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`) : builder;
  return {
    async up(db: Kysely<any>): Promise<void> {
      await tableOptions(
        db.schema
          .createTable("t_sys_job_state")
          .addColumn("job_name", "varchar(64)", (c) => c.primaryKey())
          .addColumn("watermark_ms", "bigint")
          .addColumn("last_log_id", "bigint")
          .addColumn("prior_log_id", "bigint")
          .addColumn("last_run_at", "bigint")
          .addColumn("last_status", "varchar(16)")
          .addColumn("last_summary", "text")
          .addColumn("updated_at", "bigint", (c) => c.notNull()),
      ).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable("t_sys_job_state").ifExists().execute();
    },
  };
}
