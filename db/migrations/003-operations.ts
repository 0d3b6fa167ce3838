/**
 * Scheduled jobs: their bookkeeping and the client dimension of the rollup.
 * - `t_sys_job_state`: one row per job with its last run and, for the hourly rollup, the
 *   watermarks that make catch-up and late rows work.
 * - `t_client_usage_stats`: the hourly rollup per client as well, so statistics filtered by
 *   client are answered from rollups instead of scanning that client's logs.
 * Neither is a `t_ai_` table, so `SHOW TABLES LIKE 't_ai_%'` still lists the five product tables.
 */
import type { Kysely } from "kysely";
import type { SqlDialect } from "../connection";
import { ddlFor } from "./migration-helpers";

/** Builds the up/down pair for a dialect. */
export function operationsMigration(dialect: SqlDialect) {
  const { idType, tableOptions } = ddlFor(dialect);
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
      await tableOptions(
        db.schema
          .createTable("t_client_usage_stats")
          .addColumn("id", idType, (c) => c.primaryKey().autoIncrement())
          .addColumn("hour_start", "bigint", (c) => c.notNull())
          .addColumn("client_id", "integer", (c) => c.notNull())
          .addColumn("provider_id", "integer", (c) => c.notNull())
          .addColumn("key_id", "integer", (c) => c.notNull())
          .addColumn("model", "varchar(100)", (c) => c.notNull())
          .addColumn("request_count", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("success_count", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("error_count", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("prompt_tokens", "bigint", (c) => c.notNull().defaultTo(0))
          .addColumn("completion_tokens", "bigint", (c) => c.notNull().defaultTo(0))
          .addColumn("total_tokens", "bigint", (c) => c.notNull().defaultTo(0))
          .addColumn("cost", "double precision", (c) => c.notNull().defaultTo(0))
          .addColumn("latency_sum_ms", "bigint", (c) => c.notNull().defaultTo(0))
          .addColumn("max_latency_ms", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("updated_at", "bigint", (c) => c.notNull())
          // Leads with client_id: every read of this table is for one client over a time range.
          .addUniqueConstraint("uq_client_usage_stats_bucket", ["client_id", "hour_start", "provider_id", "key_id", "model"]),
      ).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable("t_client_usage_stats").ifExists().execute();
      await db.schema.dropTable("t_sys_job_state").ifExists().execute();
    },
  };
}
