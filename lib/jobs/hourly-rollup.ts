/**
 * Hourly rollup: `t_ai_api_logs` -> `t_ai_usage_stats`, one row per (hour, provider, key, model),
 * and `t_client_usage_stats`, the same per client as well.
 *
 * Set-based: per span of hours, one `INSERT … SELECT … GROUP BY` into each table, computed inside
 * the database (p95 with window functions: MariaDB ≥ 10.2, MySQL 8, SQLite ≥ 3.25; histograms with
 * GROUP_CONCAT), upserted so re-running an hour rewrites the same rows. No log row travels to JavaScript.
 *
 * Which hours a run computes:
 * - catch-up: every closed hour from the watermark (`t_sys_job_state.watermark_ms`) up to the
 *   start of the current hour, so missed runs lose nothing;
 * - late rows: the hours of log rows written since the previous runs (by id) whose `created_at`
 *   lies before the watermark (a replayed stdout fallback line, a slow writer). Tracking ids
 *   rather than "recompute the last N hours" catches a late row however late it is, for one
 *   primary-key range scan over the rows written since the run before last. Since the run
 *   before last, not the last run: ids are handed out at insert and become visible at commit, so
 *   a row with an id below the highest id a run saw can still appear just after that run read it;
 * - recheck: the last `recheckHours` closed hours always, for a request that finished just
 *   before the hour and was written just after the run started.
 */
import { sql, type Kysely, type RawBuilder } from "kysely";
import type { SqlDialect } from "../../db/connection";
import type { Database } from "../../db/schema";
import { HOUR_MS, hourStart, type JobContext } from "./job-context";
import { histogramBucketSql, histogramTextSql } from "../stats/latency-histogram";
import { OUTCOME_SQL } from "../stats/log-outcome";
import { readJobState, writeJobState } from "./job-state";

/** The job's name in `t_sys_job_state` and everywhere else. */
export const ROLLUP_JOB = "rollup";

/** Options of {@link runHourlyRollup}. */
export interface RollupOptions {
  /** Closed hours recomputed on every run, whatever the watermark says. @default 2 */
  recheckHours?: number;
  /** Hours per `INSERT … SELECT` statement, which bounds each statement's work. @default 24 */
  chunkHours?: number;
  /** Catch-up hours per run; the rest waits for the next run (the stats API reads it from logs). @default 2208 (92 days) */
  maxCatchUpHours?: number;
}

/** What a rollup run did. */
export interface RollupSummary {
  job: typeof ROLLUP_JOB;
  /** Every hour before this instant (ISO) is rolled up. */
  rolledUpThrough: string;
  /** Distinct hours recomputed by this run. */
  hoursComputed: number;
  /** Of those, hours before the old watermark that received late rows. */
  lateHours: number;
  /** Spans computed: contiguous hours, at most `chunkHours` each, one statement per table. */
  spans: number;
  /** Highest log id seen; the next run looks for late rows above it. */
  lastLogId: number;
}

const COUNT_COLUMNS = ["request_count", "success_count", "error_count", "rejected_count", "budget_refused_count", "prompt_tokens", "completion_tokens", "total_tokens", "cost"] as const;
const USAGE_COLUMNS = ["hour_start", "provider_id", "key_id", "model", ...COUNT_COLUMNS, "avg_latency_ms", "p95_latency_ms", "max_latency_ms", "updated_at"] as const;
const CLIENT_COLUMNS = ["hour_start", "client_id", "provider_id", "key_id", "model", ...COUNT_COLUMNS, "latency_sum_ms", "max_latency_ms", "latency_histogram", "ttft_histogram", "updated_at"] as const;

/** Start of the hour of a log row's `created_at`, in SQL (integer arithmetic on both dialects). */
const BUCKET_HOUR = sql<number>`created_at - created_at % ${HOUR_MS}`;

/** The bucket dimensions of the per-client rollup, as selected from logs (a null id is stored as 0). */
const CLIENT_DIMENSIONS = { bucket_hour: BUCKET_HOUR, bucket_client: sql`COALESCE(client_id, 0)`, bucket_provider: sql`COALESCE(provider_id, 0)`, bucket_key: sql`COALESCE(key_id, 0)`, model: sql.ref("model") };

/** Served and failed rows: the ones latency histograms count (a refusal's few ms say nothing about providers). */
const ROUTED = sql`outcome_value IN ('served', 'failed')`;

/** Rows of one outcome in a bucket, over rows that carry an `outcome_value` column. */
const countOf = (outcome: string) => sql`SUM(CASE WHEN outcome_value = ${outcome} THEN 1 ELSE 0 END)`;

/**
 * `t_ai_usage_stats` rows for a span: one grouped pass, with the exact p95 from window functions.
 * It keeps no histograms: the per-client rollup's add up to any of its groups (stats-query.ts).
 */
function usageSelect(inSpan: RawBuilder<unknown>, now: number): RawBuilder<unknown> {
  const partition = sql`PARTITION BY ${BUCKET_HOUR}, COALESCE(provider_id, 0), COALESCE(key_id, 0), model`;
  // The WHERE 1 = 1 is for SQLite: without it "ON CONFLICT" could parse as a join constraint.
  return sql`
    SELECT bucket_hour, bucket_provider, bucket_key, model,
      COUNT(*), ${countOf("served")}, ${countOf("failed")}, ${countOf("rejected")}, ${countOf("budget")},
      SUM(prompt_tokens), SUM(completion_tokens), SUM(total_tokens), SUM(cost),
      AVG(latency_ms),
      MIN(CASE WHEN latency_rank * 100 >= bucket_size * 95 THEN latency_ms END),
      MAX(latency_ms),
      ${now}
    FROM (
      SELECT ${BUCKET_HOUR} AS bucket_hour, COALESCE(provider_id, 0) AS bucket_provider, COALESCE(key_id, 0) AS bucket_key,
        model, ${OUTCOME_SQL} AS outcome_value, prompt_tokens, completion_tokens, total_tokens, cost, latency_ms,
        ROW_NUMBER() OVER (${partition} ORDER BY latency_ms) AS latency_rank,
        COUNT(*) OVER (${partition}) AS bucket_size
      FROM t_ai_api_logs
      WHERE ${inSpan}
    ) bucketed
    WHERE 1 = 1
    GROUP BY bucket_hour, bucket_provider, bucket_key, model`;
}

/**
 * `t_client_usage_stats` rows for a span, with their latency and TTFT histograms: two grouped
 * passes over the span's log rows put together with UNION ALL, added up per bucket by the outer
 * GROUP BY. Measured on MariaDB, joining the passes instead took twice as long, and one pass
 * counting each row twice (a CROSS JOIN with the two histograms) a quarter longer; keeping
 * histograms in `t_ai_usage_stats` as well cost the rollup another 30–40 %.
 * - per bucket and latency-histogram bucket: every count and sum (refusals under bucket -1, which
 *   no histogram lists);
 * - per bucket and TTFT-histogram bucket: the TTFT counts of served and failed streams.
 * Costs are rounded to the 1e-10 USD they are logged with: partial sums add up in no fixed order,
 * and a recomputed hour must come out the same to the last bit.
 */
function clientUsageSelect(inSpan: RawBuilder<unknown>, dialect: SqlDialect, now: number): RawBuilder<unknown> {
  const names = sql.join(Object.keys(CLIENT_DIMENSIONS).map((name) => sql.ref(name)));
  const selected = sql.join(Object.entries(CLIENT_DIMENSIONS).map(([name, expression]) => sql`${expression} AS ${sql.ref(name)}`));
  const byLatency = sql`
    SELECT ${names}, 1 AS metric, CASE WHEN ${ROUTED} THEN ${histogramBucketSql("latency_ms", dialect)} ELSE -1 END AS bucket,
      COUNT(*) AS bucket_count, ${countOf("served")} AS served, ${countOf("failed")} AS failed,
      ${countOf("rejected")} AS rejected, ${countOf("budget")} AS budget,
      SUM(prompt_tokens) AS prompt_tokens, SUM(completion_tokens) AS completion_tokens, SUM(total_tokens) AS total_tokens, SUM(cost) AS cost,
      SUM(latency_ms) AS latency_sum, MAX(latency_ms) AS max_latency
    FROM (
      SELECT ${selected}, ${OUTCOME_SQL} AS outcome_value, prompt_tokens, completion_tokens, total_tokens, cost, latency_ms
      FROM t_ai_api_logs
      WHERE ${inSpan}
    ) span_rows
    GROUP BY ${names}, bucket`;
  const byTtft = sql`
    SELECT ${selected}, 2 AS metric, ${histogramBucketSql("ttft_ms", dialect)} AS bucket, COUNT(*) AS bucket_count,
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    FROM t_ai_api_logs
    WHERE ${inSpan} AND ttft_ms IS NOT NULL AND ${OUTCOME_SQL} IN ('served', 'failed')
    GROUP BY ${names}, bucket`;
  // The WHERE 1 = 1 is for SQLite: without it "ON CONFLICT" could parse as a join constraint.
  return sql`
    SELECT ${names}, SUM(CASE WHEN metric = 1 THEN bucket_count ELSE 0 END), SUM(served), SUM(failed), SUM(rejected), SUM(budget),
      SUM(prompt_tokens), SUM(completion_tokens), SUM(total_tokens), ROUND(SUM(cost), 10), SUM(latency_sum), MAX(max_latency),
      ${histogramTextSql(dialect, sql`metric = 1 AND bucket >= 0`)}, ${histogramTextSql(dialect, sql`metric = 2`)}, ${now}
    FROM (${byLatency} UNION ALL ${byTtft}) parts
    WHERE 1 = 1
    GROUP BY ${names}`;
}

/**
 * Recomputes the usage rows of every hour in `[fromMs, toMs)` (hour-aligned): one statement for
 * `t_ai_usage_stats`, one for `t_client_usage_stats`.
 * Counts by outcome (lib/stats/log-outcome.ts): `success_count` served, `error_count` failed,
 * `rejected_count` and `budget_refused_count` refused. The per-client rows' latency and TTFT
 * histograms (lib/stats/latency-histogram.ts) combine across hours for percentiles of any range.
 * `p95_latency_ms` is the hour's nearest-rank value over every row: the latency at rank ⌈0.95·n⌉ in
 * ascending order, compared in integers (`rank·100 ≥ n·95`) so both databases agree exactly.
 */
export async function rollupRange(db: Kysely<Database>, dialect: SqlDialect, fromMs: number, toMs: number, now: number): Promise<void> {
  // Ids grow with time, so the span's rows usually sit in one primary-key range: with it the
  // database can read the clustered index in order instead of looking every row up from the
  // created_at index (about 40 % faster on MariaDB). The created_at bounds stay for correctness;
  // a late row widens the id range and the optimizer falls back to the created_at index.
  const bounds = await db
    .selectFrom("t_ai_api_logs")
    .select((eb) => [eb.fn.min("id").as("lowId"), eb.fn.max("id").as("highId")])
    .where("created_at", ">=", fromMs)
    .where("created_at", "<", toMs)
    .executeTakeFirst();
  if (bounds?.lowId == null || bounds.highId == null) return;
  const inSpan = sql`created_at >= ${fromMs} AND created_at < ${toMs} AND id BETWEEN ${Number(bounds.lowId)} AND ${Number(bounds.highId)}`;
  await upsert(db, dialect, "t_ai_usage_stats", USAGE_COLUMNS, ["hour_start", "provider_id", "key_id", "model"], usageSelect(inSpan, now));
  await upsert(db, dialect, "t_client_usage_stats", CLIENT_COLUMNS, ["client_id", "hour_start", "provider_id", "key_id", "model"], clientUsageSelect(inSpan, dialect, now));
}

/** `INSERT … SELECT` that overwrites existing rows of the same bucket (idempotent recomputation). */
async function upsert(
  db: Kysely<Database>,
  dialect: SqlDialect,
  table: "t_ai_usage_stats" | "t_client_usage_stats",
  columns: readonly string[],
  keyColumns: string[],
  select: RawBuilder<unknown>,
): Promise<void> {
  const updated = columns.filter((column) => !keyColumns.includes(column));
  // Untyped on purpose: one helper for both tables, over column lists that are constants of this module.
  // oxlint-disable-next-line typescript/no-explicit-any
  const untyped = db as unknown as Kysely<any>;
  const insert = untyped.insertInto(table).columns([...columns]).expression(select);
  if (dialect === "mysql") {
    await insert.onDuplicateKeyUpdate(Object.fromEntries(updated.map((column) => [column, sql`VALUES(${sql.ref(column)})`]))).execute();
  } else {
    const updates = Object.fromEntries(updated.map((column) => [column, sql`excluded.${sql.ref(column)}`]));
    await insert.onConflict((conflict) => conflict.columns(keyColumns).doUpdateSet(updates)).execute();
  }
}

/** Runs the rollup: catch-up, late rows and recheck hours, then moves the watermarks. */
export async function runHourlyRollup(context: JobContext, options: RollupOptions = {}): Promise<RollupSummary> {
  const { recheckHours = 2, chunkHours = 24, maxCatchUpHours = 2208 } = options;
  const { db, dialect, clock } = context;
  const now = clock.now();
  const closedEnd = hourStart(now);
  const state = await readJobState(db, ROLLUP_JOB);

  // Read the highest id before computing: rows written during the run are the next run's business.
  const maxRow = await db.selectFrom("t_ai_api_logs").select((eb) => eb.fn.max("id").as("maxId")).executeTakeFirst();
  const maxId = Number(maxRow?.maxId ?? 0);
  // The first run computes everything from the oldest log, so it has no late rows to look for.
  const firstRun = state?.last_log_id == null;
  const lastLogId = Number(state?.last_log_id ?? maxId);
  const scanFromId = Number(state?.prior_log_id ?? lastLogId);

  let watermark = state?.watermark_ms ?? null;
  if (watermark === null) {
    const first = await db.selectFrom("t_ai_api_logs").select((eb) => eb.fn.min("created_at").as("first")).executeTakeFirst();
    watermark = first?.first == null ? closedEnd : hourStart(Number(first.first));
  }
  watermark = Math.min(Number(watermark), closedEnd);

  const hours = new Set<number>();
  const catchUpEnd = Math.min(closedEnd, watermark + maxCatchUpHours * HOUR_MS);
  for (let hour = watermark; hour < catchUpEnd; hour += HOUR_MS) hours.add(hour);
  for (let hour = Math.max(0, closedEnd - recheckHours * HOUR_MS); hour < catchUpEnd; hour += HOUR_MS) hours.add(hour);

  let lateHours = 0;
  if (!firstRun) {
    const lateRows = await db
      .selectFrom("t_ai_api_logs")
      .select(BUCKET_HOUR.as("hour"))
      .distinct()
      .where("id", ">", scanFromId)
      .where("id", "<=", maxId)
      .where("created_at", "<", watermark)
      .execute();
    for (const row of lateRows) {
      const hour = Number(row.hour);
      if (!hours.has(hour)) lateHours += 1;
      hours.add(hour);
    }
  }

  const spans = contiguousSpans([...hours].sort((a, b) => a - b), chunkHours);
  for (const span of spans) {
    // An abandoned run (its time is up) stops here; the saved watermark lets the next one resume.
    if (context.signal?.aborted) throw new Error("rollup abandoned: the run's time is up");
    await rollupRange(db, dialect, span.from, span.to, now);
    // Save progress per statement, so a run cut short (Lambda timeout) resumes where it stopped.
    if (span.from <= watermark && span.to > watermark) {
      watermark = span.to;
      await writeJobState(db, dialect, ROLLUP_JOB, { watermarkMs: watermark }, now);
    }
  }
  watermark = Math.max(watermark, catchUpEnd);
  await writeJobState(db, dialect, ROLLUP_JOB, { watermarkMs: watermark, lastLogId: Math.max(maxId, lastLogId), priorLogId: lastLogId }, now);

  return {
    job: ROLLUP_JOB,
    rolledUpThrough: new Date(watermark).toISOString(),
    hoursComputed: hours.size,
    lateHours,
    spans: spans.length,
    lastLogId: Math.max(maxId, lastLogId),
  };
}

/** Groups sorted hour starts into contiguous `[from, to)` spans of at most `maxHours` hours. */
export function contiguousSpans(sortedHours: number[], maxHours: number): Array<{ from: number; to: number }> {
  const spans: Array<{ from: number; to: number }> = [];
  for (const hour of sortedHours) {
    const last = spans.at(-1);
    if (last && last.to === hour && (last.to - last.from) / HOUR_MS < maxHours) last.to = hour + HOUR_MS;
    else spans.push({ from: hour, to: hour + HOUR_MS });
  }
  return spans;
}
