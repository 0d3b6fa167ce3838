import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runHourlyRollup } from "../../lib/jobs/hourly-rollup";
import { runLogPurge } from "../../lib/jobs/log-purge";
import { TEST_DATABASE_KINDS, testDatabaseAvailable } from "../support/test-databases";
import { createJobHarness, DAY, HOUR, insertLogs, logRow, readUsage, type JobHarness } from "./job-fixtures";

for (const kind of TEST_DATABASE_KINDS) {
  const available = await testDatabaseAvailable(kind, "log purge");
  describe.skipIf(!available)(`log purge on ${kind}`, () => {
    let harness: JobHarness;
    const now = Date.UTC(2026, 10, 26, 2, 0, 0);
    const cutoff = now - 30 * DAY;

    beforeAll(async () => {
      harness = await createJobHarness(kind, { startAt: now, env: { LOG_RETENTION_DAYS: "30" } });
      const old = Array.from({ length: 2345 }, (_, index) => logRow({ created_at: cutoff - 10 * DAY + index * 60_000 }));
      const recent = Array.from({ length: 300 }, (_, index) => logRow({ created_at: cutoff + HOUR + index * 60_000 }));
      // Written late: a small id interleaved with old rows but a recent time, and the reverse.
      const interleaved = [logRow({ created_at: cutoff + 1, model: "recent-late" }), logRow({ created_at: cutoff - 1, model: "old-late" })];
      await insertLogs(harness.context, [...old.slice(0, 1000), ...interleaved, ...old.slice(1000), ...recent]);
    });
    afterAll(async () => {
      await harness?.close();
    });

    it("deletes rows older than the retention in bounded batches and keeps the rest", async () => {
      await runHourlyRollup(harness.context);
      const usageBefore = await readUsage(harness.context);
      expect(usageBefore.size).toBeGreaterThan(0);
      const clientRows = async () => (await harness.context.db.selectFrom("t_client_usage_stats").selectAll().orderBy("id").execute()).length;
      const clientRowsBefore = await clientRows();
      expect(clientRowsBefore).toBeGreaterThan(0);

      const summary = await runLogPurge(harness.context, { batchSize: 500, pauseMs: 5 });
      expect(summary).toEqual({ job: "purge", cutoff: new Date(cutoff).toISOString(), deleted: 2346, batches: 5, complete: true, alertsDeleted: 0, responsesDeleted: 0 });
      expect(harness.sleeps).toEqual([5, 5, 5, 5, 5]);

      const remaining = await harness.context.db.selectFrom("t_ai_api_logs").select(["created_at", "model"]).execute();
      expect(remaining).toHaveLength(301);
      expect(remaining.every((row) => Number(row.created_at) >= cutoff)).toBe(true);
      expect(remaining.some((row) => row.model === "recent-late")).toBe(true);
      // Usage statistics outlive the logs.
      expect(await readUsage(harness.context)).toEqual(usageBefore);
      expect(await clientRows()).toBe(clientRowsBefore);
    });

    it("purges alert history past the same retention and keeps newer alerts", async () => {
      const alert = (createdAt: number, title: string) => ({
        kind: "error_rate",
        incident_key: `error_rate:${title}`,
        state: "firing" as const,
        title,
        message: "success rate below threshold",
        delivered: 1,
        delivery_error: null,
        created_at: createdAt,
      });
      await harness.context.db.insertInto("t_alert_history").values([alert(cutoff - DAY, "old"), alert(cutoff + HOUR, "new")]).execute();
      expect(await runLogPurge(harness.context)).toMatchObject({ deleted: 0, alertsDeleted: 1 });
      const titles = (await harness.context.db.selectFrom("t_alert_history").select("title").execute()).map((row) => row.title);
      expect(titles).toEqual(["new"]);
    });

    it("stops after maxBatches and finishes on the next run", async () => {
      const more = Array.from({ length: 1200 }, (_, index) => logRow({ created_at: cutoff - DAY + index }));
      await insertLogs(harness.context, more);
      const first = await runLogPurge(harness.context, { batchSize: 500, maxBatches: 2 });
      expect(first).toMatchObject({ deleted: 1000, batches: 2, complete: false });
      const second = await runLogPurge(harness.context, { batchSize: 500 });
      expect(second).toMatchObject({ deleted: 200, batches: 1, complete: true });
      expect(await runLogPurge(harness.context)).toMatchObject({ deleted: 0, batches: 0, complete: true });
    });
  });
}
