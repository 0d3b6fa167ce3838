/**
 * Upgrading a database written before log outcomes: every existing row gets the outcome the
 * stored-row rule gives it (refused before routing, every key busy, failed, budget, served), the
 * failover flag follows the attempts, and the rollup watermark moves back to the oldest log so the
 * next rollup recomputes those hours with the new counts.
 */
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MIGRATION_NAMES, migrateToLatest, migrateUpTo } from "../../db/migrate";
import { openTestDatabase, testDatabaseAvailable, TEST_DATABASE_KINDS, type TestDatabase } from "../support/test-databases";

const MIGRATION = "009-honest-outcomes";
const BEFORE = MIGRATION_NAMES[MIGRATION_NAMES.indexOf(MIGRATION) - 1];
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 1, 12);

/** Rows as an older version wrote them, each with the outcome the migration must give it. */
const OLD_ROWS = [
  { expected: "served", status: "success", http_status: 200, error_code: null, attempts: 1, provider_id: 1 },
  { expected: "served", status: "partial", http_status: 499, error_code: "client_closed_request", attempts: 1, provider_id: 1 },
  { expected: "rejected", status: "error", http_status: 429, error_code: "rate_limit_exceeded", attempts: 0, provider_id: null },
  { expected: "rejected", status: "error", http_status: 403, error_code: "forbidden", attempts: 0, provider_id: 1 },
  { expected: "rejected", status: "error", http_status: 404, error_code: "model_not_found", attempts: 0, provider_id: null },
  { expected: "failed", status: "error", http_status: 429, error_code: "rate_limit_exceeded", attempts: 0, provider_id: 2 },
  { expected: "failed", status: "error", http_status: 503, error_code: "service_unavailable", attempts: 0, provider_id: 2 },
  { expected: "failed", status: "error", http_status: 502, error_code: "upstream_error", attempts: 3, provider_id: 3 },
  { expected: "budget", status: "error", http_status: 429, error_code: "budget_exceeded", attempts: 0, provider_id: null },
] as const;

for (const kind of TEST_DATABASE_KINDS) {
  const available = await testDatabaseAvailable(kind, "honest outcomes migration");
  describe.skipIf(!available)(`migration ${MIGRATION} on ${kind}`, () => {
    let database: TestDatabase;
    beforeEach(async () => {
      database = await openTestDatabase(kind);
      await migrateUpTo(database.handle, BEFORE);
    });
    afterEach(async () => {
      await database?.drop();
    });

    it("gives every old row its outcome and failover flag, and rewinds the rollup to the oldest log", async () => {
      const db = database.handle.db as any;
      const oldest = NOW - 10 * HOUR + 17 * 60_000;
      await db
        .insertInto("t_ai_api_logs")
        .values(
          OLD_ROWS.map(({ expected, ...row }, index) => ({
            ...row,
            request_id: `old-${index}`,
            client_id: null,
            client_name: null,
            key_id: null,
            model: expected,
            error_message: null,
            prompt_tokens: 0,
            completion_tokens: 0,
            total_tokens: 0,
            tokens_estimated: 0,
            cost: 0,
            latency_ms: 5,
            ttft_ms: null,
            attempt_errors: null,
            is_stream: 0,
            created_at: oldest + index,
          })),
        )
        .execute();
      await db.insertInto("t_sys_job_state").values({ job_name: "rollup", watermark_ms: NOW, last_log_id: 9, prior_log_id: 9, updated_at: NOW }).execute();

      await migrateToLatest(database.handle);

      const rows = await database.handle.db.selectFrom("t_ai_api_logs").select(["model", "outcome", "failed_over", "attempts"]).orderBy("id").execute();
      expect(rows.map((row) => [row.model, row.outcome])).toEqual(OLD_ROWS.map((row) => [row.expected, row.expected]));
      expect(rows.map((row) => Number(row.failed_over))).toEqual(OLD_ROWS.map((row) => (row.attempts > 1 ? 1 : 0)));
      const state = await database.handle.db.selectFrom("t_sys_job_state").select("watermark_ms").where("job_name", "=", "rollup").executeTakeFirstOrThrow();
      expect(Number(state.watermark_ms)).toBe(oldest - (oldest % HOUR));
      const columns = await sql<{ rejected_count: number }>`SELECT rejected_count, budget_refused_count, latency_histogram, ttft_histogram FROM t_client_usage_stats`.execute(database.handle.db);
      expect(columns.rows).toEqual([]);
    });
  });
}
