import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewApiLogRow } from "../../db/schema";
import { contiguousSpans, ROLLUP_JOB, runHourlyRollup } from "../../lib/jobs/hourly-rollup";
import { readJobState } from "../../lib/jobs/job-state";
import { TEST_DATABASE_KINDS, testDatabaseAvailable } from "../support/test-databases";
import { createJobHarness, expectClientUsageEqual, expectUsageEqual, referenceClientRollup, HOUR, insertLogs, logRow, randomLogs, readUsage, referenceRollup, seededRandom, type JobHarness } from "./job-fixtures";

describe("contiguousSpans", () => {
  it("merges adjacent hours and splits at the chunk size", () => {
    const hours = [0, 1, 2, 5, 6, 7, 8].map((hour) => hour * HOUR);
    expect(contiguousSpans(hours, 3)).toEqual([
      { from: 0, to: 3 * HOUR },
      { from: 5 * HOUR, to: 8 * HOUR },
      { from: 8 * HOUR, to: 9 * HOUR },
    ]);
  });
});

for (const kind of TEST_DATABASE_KINDS) {
  const available = await testDatabaseAvailable(kind, "hourly rollup");
  describe.skipIf(!available)(`hourly rollup on ${kind}`, () => {
    let harness: JobHarness;
    const generated: NewApiLogRow[] = [];
    // 12:30 on the test day; 30 closed hours of traffic before it, some in the open hour.
    const start = Date.UTC(2026, 10, 26, 12, 30, 0);
    const currentHour = Date.UTC(2026, 10, 26, 12, 0, 0);
    const firstHour = currentHour - 30 * HOUR;

    beforeAll(async () => {
      harness = await createJobHarness(kind, { startAt: start });
      const random = seededRandom(kind.length * 7919);
      generated.push(...randomLogs(random, 1500, firstHour, currentHour), ...randomLogs(random, 40, currentHour, start));
      // A bucket of known latencies 1..20: nearest-rank p95 is 19.
      for (let latency = 20; latency >= 1; latency -= 1) {
        generated.push(logRow({ created_at: firstHour + 5 * 60_000, provider_id: 2, key_id: 99, model: "claude-haiku-4-5", latency_ms: latency }));
      }
      await insertLogs(harness.context, generated);
    });
    afterAll(async () => {
      await harness?.close();
    });

    it("rolls every closed hour up, matching counts computed in JavaScript", async () => {
      // From scratch whatever ran before: no state, no rows, the clock at 12:30.
      harness.clock.current = start;
      await harness.context.db.deleteFrom("t_sys_job_state").execute();
      await harness.context.db.deleteFrom("t_ai_usage_stats").execute();
      await harness.context.db.deleteFrom("t_client_usage_stats").execute();
      const summary = await runHourlyRollup(harness.context);
      expect(summary).toMatchObject({ job: ROLLUP_JOB, rolledUpThrough: new Date(currentHour).toISOString(), hoursComputed: 30, lateHours: 0 });
      const expected = referenceRollup(generated, 0, currentHour);
      expectUsageEqual(await readUsage(harness.context), expected, expect);
      await expectClientUsageEqual(harness.context, referenceClientRollup(generated, 0, currentHour), expect);
      const known = (await readUsage(harness.context)).get(`${firstHour}|2|99|claude-haiku-4-5`)!;
      expect(known).toMatchObject({ request_count: 20, p95_latency_ms: 19, max_latency_ms: 20, avg_latency_ms: 10.5 });
      const state = await readJobState(harness.context.db, ROLLUP_JOB);
      expect(Number(state?.watermark_ms)).toBe(currentHour);
    });

    it("is idempotent: a second run, and a run from scratch, give the same rows", async () => {
      await runHourlyRollup(harness.context);
      const before = await readUsage(harness.context);
      expect(before.size).toBeGreaterThan(0);
      // Counts exactly; costs within rounding, since the database may add them up in another order.
      await runHourlyRollup(harness.context);
      expectUsageEqual(await readUsage(harness.context), before, expect);
      await harness.context.db.deleteFrom("t_sys_job_state").execute();
      await runHourlyRollup(harness.context);
      expectUsageEqual(await readUsage(harness.context), before, expect);
    });

    it("catches up every hour after missed runs", async () => {
      const random = seededRandom(42);
      const missed = randomLogs(random, 300, currentHour + 30 * 60_000, currentHour + 5 * HOUR);
      generated.push(...missed);
      await insertLogs(harness.context, missed);
      harness.clock.current = currentHour + 5 * HOUR + 10 * 60_000;
      const summary = await runHourlyRollup(harness.context);
      expect(summary.rolledUpThrough).toBe(new Date(currentHour + 5 * HOUR).toISOString());
      expectUsageEqual(await readUsage(harness.context), referenceRollup(generated, 0, currentHour + 5 * HOUR), expect);
    });

    it("picks up a late row for an hour rolled up long ago", async () => {
      const oldHour = firstHour + 3 * HOUR;
      // Settle the two-run id window, so only the late rows below are new to the next run.
      await runHourlyRollup(harness.context);
      const late = [
        logRow({ created_at: oldHour + 17 * 60_000, provider_id: 3, key_id: 31, model: "deepseek-chat", latency_ms: 4321, status: "error", cost: 0.5 }),
        logRow({ created_at: oldHour + 18 * 60_000, provider_id: null, key_id: null, model: "late-model" }),
      ];
      generated.push(...late);
      await insertLogs(harness.context, late);
      harness.clock.advance(HOUR);
      const summary = await runHourlyRollup(harness.context);
      expect(summary.lateHours).toBe(1);
      const closedEnd = harness.clock.now() - (harness.clock.now() % HOUR);
      expectUsageEqual(await readUsage(harness.context), referenceRollup(generated, 0, closedEnd), expect);
      await expectClientUsageEqual(harness.context, referenceClientRollup(generated, 0, closedEnd), expect);
      expect((await readUsage(harness.context)).get(`${oldHour}|0|0|late-model`)?.request_count).toBe(1);
    });

    it("writes nothing for the open hour; late rows are looked at for two runs, then no more", async () => {
      // Two runs settle the two-run id window, so only the late row below is new.
      await runHourlyRollup(harness.context);
      await runHourlyRollup(harness.context);
      const late = [logRow({ created_at: firstHour + 4 * HOUR + 7 * 60_000, provider_id: 1, key_id: 12, model: "gpt-4o-mini" })];
      generated.push(...late);
      await insertLogs(harness.context, late);
      expect((await runHourlyRollup(harness.context)).lateHours).toBe(1);
      const usage = await readUsage(harness.context);
      const openHour = harness.clock.now() - (harness.clock.now() % HOUR);
      expectUsageEqual(usage, referenceRollup(generated, 0, openHour), expect);
      expect([...usage.keys()].some((id) => Number(id.split("|")[0]) >= openHour)).toBe(false);
      // The run after the late row's run still scans its ids (commit order is not id order).
      expect((await runHourlyRollup(harness.context)).lateHours).toBe(1);
      expect((await runHourlyRollup(harness.context)).lateHours).toBe(0);
      expect(await readUsage(harness.context)).toEqual(usage);
    });
  });
}
