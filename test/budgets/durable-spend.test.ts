/**
 * The durable spend a budget counter starts from: log rows inside the retention, the per-client
 * hourly rollup for the part of the period whose rows were purged. Real rollup and purge jobs on
 * SQLite and MariaDB.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { durableSpend } from "../../lib/budgets/durable-spend";
import { runHourlyRollup } from "../../lib/jobs/hourly-rollup";
import { runLogPurge } from "../../lib/jobs/log-purge";
import { createJobHarness, DAY, HOUR, insertLogs, logRow, type JobHarness } from "../jobs/job-fixtures";
import { TEST_DATABASE_KINDS, testDatabaseAvailable } from "../support/test-databases";

const RETENTION_DAYS = 7;
const MONTH_START = Date.UTC(2026, 10, 1);

for (const kind of TEST_DATABASE_KINDS.filter((name) => name !== "planetscale")) {
  const available = await testDatabaseAvailable(kind, "durable spend");
  describe.skipIf(!available)(`durable spend [${kind}]`, () => {
    let harness: JobHarness;
    beforeEach(async () => {
      harness = await createJobHarness(kind, { env: { LOG_RETENTION_DAYS: String(RETENTION_DAYS) } });
    });
    afterEach(async () => {
      await harness?.close();
    });

    it("sums the period's rows from the logs and, once they are purged, from the rollup", async () => {
      const now = harness.clock.now();
      const spend = [
        { at: MONTH_START - HOUR, cost: 5, tokens: 5000 }, // last month: never counted
        { at: MONTH_START + 2 * DAY, cost: 0.25, tokens: 250 },
        { at: MONTH_START + 9 * DAY + 30 * 60_000, cost: 0.5, tokens: 500 },
        { at: now - 6 * DAY - 20 * 60_000, cost: 0.125, tokens: 125 }, // just inside the rollup part
        { at: now - DAY, cost: 1, tokens: 1000 },
        { at: now - 60_000, cost: 2, tokens: 2000 },
      ];
      await insertLogs(harness.context, [
        ...spend.map(({ at, cost, tokens }) => logRow({ created_at: at, client_id: 1, cost, total_tokens: tokens })),
        logRow({ created_at: MONTH_START + 3 * DAY, client_id: 2, cost: 7, total_tokens: 7000 }),
      ]);
      const inPeriod = spend.filter(({ at }) => at >= MONTH_START);
      const expectedCost = inPeriod.reduce((sum, row) => sum + row.cost, 0);
      const expectedTokens = inPeriod.reduce((sum, row) => sum + row.tokens, 0);
      const query = { clientId: 1, since: MONTH_START, until: now + 1, logRetentionDays: RETENTION_DAYS };

      expect(await durableSpend(harness.context.db, { ...query, kind: "cost" })).toBe(expectedCost * 1e9);
      expect(await durableSpend(harness.context.db, { ...query, kind: "tokens" })).toBe(expectedTokens);

      await runHourlyRollup(harness.context);
      const purge = await runLogPurge(harness.context);
      expect(purge.deleted).toBeGreaterThanOrEqual(3);
      expect(await durableSpend(harness.context.db, { ...query, kind: "cost" })).toBe(expectedCost * 1e9);
      expect(await durableSpend(harness.context.db, { ...query, kind: "tokens" })).toBe(expectedTokens);
      // A day budget sees only today's rows.
      expect(await durableSpend(harness.context.db, { ...query, kind: "tokens", since: Date.UTC(2026, 10, 26) })).toBe(2000);
    });
  });
}
