/**
 * Honest outcomes:
 * - `t_ai_api_logs.outcome` (`served`, `failed`, `rejected`, `budget`): what the row counts as,
 *   decided when it is written, so success rates leave out requests refused before routing; and
 *   `failed_over` (1 when more than one upstream call was made), so "failovers only" pages walk
 *   an index in time order. Both indexed with `created_at` for keyset pages.
 * - The rollup tables gain `rejected_count`, `budget_refused_count` (`error_count` now counts only
 *   `failed`); `t_client_usage_stats`, the finest rollup, gains per-hour latency and
 *   time-to-first-token histograms, so percentiles combine across hours and groups, and an
 *   `hour_start` index for views over every client.
 * - Existing rows get an outcome by the rule below (a frozen copy: a migration keeps meaning what
 *   it meant when it ran), and the rollup watermark moves back to the oldest log still kept, so the
 *   next rollup recomputes those hours with the new counts. Older hours keep their old counts.
 */
import { sql, type Kysely } from "kysely";
import type { SqlDialect } from "../connection";

/** Rows per backfill statement, so no single UPDATE holds locks on a large log table for long. */
const BACKFILL_BATCH = 50_000;
const HOUR_MS = 3_600_000;

/**
 * No upstream call and a 4xx is a refusal before routing, except a 429 with a provider ("every
 * key busy"); budget codes are budget refusals; any other error is a failure.
 */
const OUTCOME_RULE = sql`CASE
  WHEN status <> 'error' THEN 'served'
  WHEN error_code IN ('budget_exceeded', 'token_quota_exceeded') THEN 'budget'
  WHEN http_status >= 400 AND http_status < 500 AND attempts = 0 AND NOT (http_status = 429 AND provider_id IS NOT NULL) THEN 'rejected'
  ELSE 'failed' END`;

/** Builds the up/down pair for a dialect (the columns are the same on every dialect). */
export function honestOutcomesMigration(_dialect: SqlDialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable("t_ai_api_logs").addColumn("outcome", "varchar(16)").execute();
      await db.schema.alterTable("t_ai_api_logs").addColumn("failed_over", "integer", (c) => c.notNull().defaultTo(0)).execute();
      for (const table of ["t_ai_usage_stats", "t_client_usage_stats"]) {
        await db.schema.alterTable(table).addColumn("rejected_count", "integer", (c) => c.notNull().defaultTo(0)).execute();
        await db.schema.alterTable(table).addColumn("budget_refused_count", "integer", (c) => c.notNull().defaultTo(0)).execute();
      }
      await db.schema.alterTable("t_client_usage_stats").addColumn("latency_histogram", "text").execute();
      await db.schema.alterTable("t_client_usage_stats").addColumn("ttft_histogram", "text").execute();

      const bounds = await db.selectFrom("t_ai_api_logs").select((eb) => [eb.fn.min("id").as("low"), eb.fn.max("id").as("high"), eb.fn.min("created_at").as("first")]).executeTakeFirst();
      if (bounds?.low != null) {
        for (let from = Number(bounds.low); from <= Number(bounds.high); from += BACKFILL_BATCH) {
          await db
            .updateTable("t_ai_api_logs")
            .set({ outcome: OUTCOME_RULE, failed_over: sql`CASE WHEN attempts > 1 THEN 1 ELSE 0 END` })
            .where("id", ">=", from)
            .where("id", "<", from + BACKFILL_BATCH)
            .execute();
        }
        const oldestHour = Number(bounds.first) - (Number(bounds.first) % HOUR_MS);
        await db.updateTable("t_sys_job_state").set({ watermark_ms: oldestHour }).where("job_name", "=", "rollup").where("watermark_ms", ">", oldestHour).execute();
      }

      await db.schema.createIndex("idx_ai_api_logs_outcome_time").on("t_ai_api_logs").columns(["outcome", "created_at"]).execute();
      await db.schema.createIndex("idx_ai_api_logs_failover_time").on("t_ai_api_logs").columns(["failed_over", "created_at"]).execute();
      await db.schema.createIndex("idx_client_usage_stats_hour").on("t_client_usage_stats").column("hour_start").execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropIndex("idx_client_usage_stats_hour").on("t_client_usage_stats").execute();
      await db.schema.dropIndex("idx_ai_api_logs_failover_time").on("t_ai_api_logs").execute();
      await db.schema.dropIndex("idx_ai_api_logs_outcome_time").on("t_ai_api_logs").execute();
      for (const column of ["ttft_histogram", "latency_histogram"]) await db.schema.alterTable("t_client_usage_stats").dropColumn(column).execute();
      for (const table of ["t_ai_usage_stats", "t_client_usage_stats"]) {
        for (const column of ["budget_refused_count", "rejected_count"]) await db.schema.alterTable(table).dropColumn(column).execute();
      }
      await db.schema.alterTable("t_ai_api_logs").dropColumn("failed_over").execute();
      await db.schema.alterTable("t_ai_api_logs").dropColumn("outcome").execute();
    },
  };
}
