/**
 * `npm run bench:stats`: the statistics benchmark, on MariaDB.
 *
 * Generates 1,000,000 log rows spread over 30 days in a fresh database, then times (median of
 * several runs, against a baseline measured in the same run):
 * - baseline: `SELECT COUNT(*) FROM t_ai_api_logs`;
 * - the 30-day totals computed straight from the logs (what a gateway without rollups does);
 * - the hourly rollup catching up all 720 hours (all 1 M rows) from scratch; target ≤ 10 s;
 * - the rollup statement for one hour, and a steady-state hourly run;
 * - the 30-day statistics query through the API's own function (`queryStatsTotals`, rollups
 *   plus the un-rolled-up last hour and a partial first hour from logs); target ≤ 50 ms;
 * - the 30-day daily series per provider (the dashboard chart's query);
 * - the 30-day usage view by provider and by client: sums plus merged latency/TTFT histograms.
 *
 * Settings: `BENCH_MARIADB_URL` (default `TEST_MARIADB_URL` or mysql://root@127.0.0.1:3306),
 * `BENCH_ROWS` (default 1000000), `BENCH_KEEP=1` keeps the database afterwards.
 */
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import { migrateToLatest } from "../db/migrate";
import { seedCatalogue } from "../db/seed";
import { parseSettings } from "../lib/config/settings";
import { HOUR_MS, realSleep, type JobContext } from "../lib/jobs/job-context";
import { rollupRange, ROLLUP_JOB, runHourlyRollup } from "../lib/jobs/hourly-rollup";
import { writeJobState } from "../lib/jobs/job-state";
import { MemoryLimitStore } from "../lib/limits/memory-limit-store";
import { silentLogger } from "../lib/logging/logger";
import { aggregateHistograms, aggregateUsage, queryStatsTotals } from "../lib/stats/stats-query";
import { createBenchDatabase, generateLogs, median, renderTable, timeRuns, type BenchResult } from "./bench-support";

const serverUrl = process.env.BENCH_MARIADB_URL ?? process.env.TEST_MARIADB_URL ?? "mysql://root@127.0.0.1:3306";
const rowCount = Number(process.env.BENCH_ROWS ?? 1_000_000);
const DAY_MS = 86_400_000;
const start = Date.UTC(2026, 9, 1);
const end = start + 30 * DAY_MS;

const database = await createBenchDatabase(serverUrl);
const { db } = database.handle;
const write = (line: string) => process.stdout.write(`${line}\n`);
try {
  await migrateToLatest(database.handle);
  await seedCatalogue(db, start);
  write(`database ${database.name} on ${new URL(serverUrl).host}; generating ${rowCount.toLocaleString("en-US")} log rows over 30 days…`);
  const generationStarted = performance.now();
  await generateLogs(database.handle, rowCount, start, end - start);
  await sql`ANALYZE TABLE t_ai_api_logs`.execute(db);
  write(`generated in ${((performance.now() - generationStarted) / 1000).toFixed(1)} s`);

  let now = end + 60_000;
  const context: JobContext = {
    db,
    dialect: "mysql",
    limits: new MemoryLimitStore(),
    clock: { now: () => now },
    logger: silentLogger,
    fetch: globalThis.fetch,
    settings: parseSettings({}),
    sleep: realSleep,
  };
  const resetRollup = async () => {
    await db.deleteFrom("t_ai_usage_stats").execute();
    await db.deleteFrom("t_sys_job_state").execute();
  };
  const results: BenchResult[] = [];

  results.push({ name: "baseline: SELECT COUNT(*) FROM t_ai_api_logs", times: await timeRuns(5, () => sql`SELECT COUNT(*) FROM t_ai_api_logs`.execute(db)) });
  results.push({
    name: "30-day totals straight from logs (no rollup)",
    times: await timeRuns(3, () =>
      db
        .selectFrom("t_ai_api_logs")
        .select((eb) => [eb.fn.countAll().as("requests"), eb.fn.sum("total_tokens").as("tokens"), eb.fn.sum("cost").as("cost"), eb.fn.avg("latency_ms").as("latency")])
        .where("created_at", ">=", start)
        .where("created_at", "<", end)
        .execute(),
    ),
  });

  results.push({ name: "rollup catch-up: 720 hours, all rows", times: await timeRuns(3, () => runHourlyRollup(context), resetRollup), targetMs: 10_000 });
  const rolled = await db.selectFrom("t_ai_usage_stats").select((eb) => [eb.fn.countAll().as("rows"), eb.fn.sum("request_count").as("requests")]).executeTakeFirstOrThrow();
  if (Number(rolled.requests) !== rowCount) throw new Error(`rollup counted ${rolled.requests} requests, expected ${rowCount}`);
  write(`rollup wrote ${rolled.rows} usage rows covering ${Number(rolled.requests).toLocaleString("en-US")} requests`);

  const middleHour = start + 15 * DAY_MS;
  results.push({ name: "rollup statement: one hour", times: await timeRuns(5, () => rollupRange(db, "mysql", middleHour, middleHour + HOUR_MS, now)) });
  const maxId = Number((await db.selectFrom("t_ai_api_logs").select((eb) => eb.fn.max("id").as("id")).executeTakeFirstOrThrow()).id);
  results.push({
    name: "rollup job: steady-state hourly run",
    times: await timeRuns(
      5,
      () => runHourlyRollup(context),
      // As if the previous run happened an hour ago and a fresh hour just closed.
      () => writeJobState(db, "mysql", ROLLUP_JOB, { watermarkMs: end - HOUR_MS, lastLogId: maxId, priorLogId: maxId }, now),
    ),
  });

  // The API's view: the last hour not rolled up yet, a range starting mid-hour.
  await writeJobState(db, "mysql", ROLLUP_JOB, { watermarkMs: end - HOUR_MS }, now);
  now = end;
  const filter = { from: end - 30 * DAY_MS + 17 * 60_000, to: end };
  const check = await queryStatsTotals(db, filter);
  const truth = await db
    .selectFrom("t_ai_api_logs")
    .select((eb) => eb.fn.countAll().as("requests"))
    .where("created_at", ">=", filter.from)
    .where("created_at", "<", filter.to)
    .executeTakeFirstOrThrow();
  if (check.requests !== Number(truth.requests)) throw new Error(`statistics query counted ${check.requests} requests, logs hold ${truth.requests}`);
  results.push({ name: "statistics query: 30-day totals (API function)", times: await timeRuns(20, () => queryStatsTotals(db, filter)), targetMs: 50 });
  results.push({
    name: "statistics query: 30-day daily series per provider",
    times: await timeRuns(20, () => aggregateUsage(db, filter, { groupBy: "provider", bucketing: { sizeMs: DAY_MS, offsetMs: 0 } })),
    targetMs: 50,
  });
  results.push({ name: "statistics query: 30-day totals for one client", times: await timeRuns(20, () => queryStatsTotals(db, { ...filter, clientId: 2 })), targetMs: 50 });
  const usageView = async (groupBy: "provider" | "client") => {
    const { plan } = await aggregateUsage(db, filter, { groupBy });
    return aggregateHistograms(db, "mysql", filter, groupBy, plan);
  };
  results.push({ name: "usage view: 30 days by provider, with p50/p95 latency and TTFT", times: await timeRuns(20, () => usageView("provider")), targetMs: 50 });
  results.push({ name: "usage view: 30 days by client, with p50/p95 latency and TTFT", times: await timeRuns(20, () => usageView("client")), targetMs: 50 });

  write("");
  write(renderTable(results));
  write("");
  write(`30-day totals: ${check.requests.toLocaleString("en-US")} requests, success rate ${((check.successRate ?? 0) * 100).toFixed(2)} %, cost $${check.cost.toFixed(2)}`);
  const failed = results.filter((result) => result.targetMs !== undefined && median(result.times) > result.targetMs);
  process.exitCode = failed.length ? 1 : 0;
} finally {
  if (process.env.BENCH_KEEP === "1") {
    await database.handle.close();
    write(`kept database ${database.name}`);
  } else {
    await database.drop();
  }
}
