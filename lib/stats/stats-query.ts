/**
 * Usage statistics over any time range, answered from `t_ai_usage_stats` for the whole hours the
 * rollup has covered plus `t_ai_api_logs` for the rest (a partial first hour, a partial last hour
 * and the not-yet-rolled-up tail after the watermark). The log part is at most a few hours of
 * rows on the `created_at` index, so the cost does not grow with the log table.
 *
 * Client filter: `t_ai_usage_stats` has no client dimension (one row per hour, provider, key and
 * model), so the rollup also writes `t_client_usage_stats`, the same
 * buckets per client; a query filtered by client reads that table instead. Reading logs through
 * `idx_ai_api_logs_client_time` instead measured about 1 s for one busy client over 30 days of a
 * 1 M-row table, growing with traffic (bench/rollup-bench.ts).
 */
import { sql, type Expression, type ExpressionBuilder, type Kysely, type RawBuilder, type SqlBool } from "kysely";
import type { Database } from "../../db/schema";
import { HOUR_MS, hourStart } from "../jobs/job-context";
import { ROLLUP_JOB } from "../jobs/hourly-rollup";
import type { SqlDialect } from "../../db/connection";
import { addHistogramText, emptyHistogram, histogramBucketSql, type Histogram } from "./latency-histogram";
import { OUTCOME_SQL, type LogOutcome } from "./log-outcome";

/** Filters shared by the statistics queries; times are epoch ms, `to` exclusive. */
export interface StatsFilter {
  from: number;
  to: number;
  providerId?: number;
  keyId?: number;
  model?: string;
  clientId?: number;
}

/** Additive sums: they combine across hours and sources exactly. */
export interface UsageSums {
  requests: number;
  /** Served (`served` outcome). */
  successCount: number;
  /** Failed after routing began (`failed` outcome). */
  errorCount: number;
  /** Refused before routing. */
  rejectedCount: number;
  /** Refused by a client budget or quota. */
  budgetRefusedCount: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  cost: number;
  /** Sum of latencies (ms), for a request-weighted average. */
  latencySum: number;
  maxLatencyMs: number;
}

/** Which table answers which part of a range. */
export interface RangePlan {
  /** Whole hours `[from, to)` read from usage stats, or null. */
  stats: { from: number; to: number } | null;
  /** Ranges read from logs. */
  logs: Array<{ from: number; to: number }>;
  /** The rollup watermark: hours before it are in usage stats. */
  rolledUpThrough: number;
}

/** Every hour before the returned instant is rolled up (0 before the first rollup). */
export async function readRolledUpThrough(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom("t_sys_job_state").select("watermark_ms").where("job_name", "=", ROLLUP_JOB).executeTakeFirst();
  return Number(row?.watermark_ms ?? 0);
}

/** Splits a range between usage stats (whole rolled-up hours) and logs (everything else). */
export function planRange(filter: StatsFilter, rolledUpThrough: number): RangePlan {
  const statsFrom = hourStart(filter.from) === filter.from ? filter.from : hourStart(filter.from) + HOUR_MS;
  const statsTo = Math.min(hourStart(filter.to), rolledUpThrough);
  if (statsFrom >= statsTo) {
    return { stats: null, logs: [{ from: filter.from, to: filter.to }], rolledUpThrough };
  }
  const logs: Array<{ from: number; to: number }> = [];
  if (filter.from < statsFrom) logs.push({ from: filter.from, to: statsFrom });
  if (statsTo < filter.to) logs.push({ from: statsTo, to: filter.to });
  return { stats: { from: statsFrom, to: statsTo }, logs, rolledUpThrough };
}

/** An empty sum. */
export function emptySums(): UsageSums {
  return { requests: 0, successCount: 0, errorCount: 0, rejectedCount: 0, budgetRefusedCount: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, cost: 0, latencySum: 0, maxLatencyMs: 0 };
}

/** Adds `source` into `target`. */
export function addSums(target: UsageSums, source: UsageSums): UsageSums {
  target.requests += source.requests;
  target.successCount += source.successCount;
  target.errorCount += source.errorCount;
  target.rejectedCount += source.rejectedCount;
  target.budgetRefusedCount += source.budgetRefusedCount;
  target.promptTokens += source.promptTokens;
  target.completionTokens += source.completionTokens;
  target.totalTokens += source.totalTokens;
  target.cost += source.cost;
  target.latencySum += source.latencySum;
  target.maxLatencyMs = Math.max(target.maxLatencyMs, source.maxLatencyMs);
  return target;
}

/** Dimension a time series can be split by. */
export type StatsGroupBy = "none" | "provider" | "key" | "model" | "client";

/** One aggregated row: a bucket (or null) and a group (or null) with its sums. */
export interface GroupedSums {
  bucket: number | null;
  group: number | string | null;
  sums: UsageSums;
}

/** Bucketing of a time series: bucket length and an offset from UTC in minutes. */
export interface Bucketing {
  sizeMs: number;
  offsetMs: number;
}

// Bucket start of a time column: shift into local time, floor, shift back (integer arithmetic on both dialects).
function bucketExpression(column: string, bucketing: Bucketing): RawBuilder<number | null> {
  const shifted = sql`(${sql.ref(column)} + ${bucketing.offsetMs})`;
  return sql<number | null>`${shifted} - ${shifted} % ${bucketing.sizeMs} - ${bucketing.offsetMs}`;
}

const STATS_GROUP_COLUMN: Record<Exclude<StatsGroupBy, "none">, string> = { provider: "provider_id", key: "key_id", model: "model", client: "client_id" };

/** The per-client rollup answers queries that filter or group by client. */
const readsPerClient = (filter: StatsFilter, groupBy: StatsGroupBy) => filter.clientId !== undefined || groupBy === "client";

/** The rollup rows of whole hours in `range` that match the filter (per client when it names a client). */
function statsRows(db: Kysely<Database>, range: { from: number; to: number }, filter: StatsFilter, perClient: boolean) {
  let query = db
    .selectFrom(perClient ? "t_client_usage_stats" : "t_ai_usage_stats")
    .where("hour_start", ">=", range.from)
    .where("hour_start", "<", range.to);
  if (filter.clientId !== undefined) query = query.where(sql.ref("client_id"), "=", filter.clientId);
  if (filter.providerId !== undefined) query = query.where("provider_id", "=", filter.providerId);
  if (filter.keyId !== undefined) query = query.where("key_id", "=", filter.keyId);
  if (filter.model !== undefined) query = query.where("model", "=", filter.model);
  return query;
}

/** Aggregates whole hours from the rollups. */
async function sumStats(db: Kysely<Database>, range: { from: number; to: number }, filter: StatsFilter, groupBy: StatsGroupBy, bucketing: Bucketing | null): Promise<GroupedSums[]> {
  const perClient = readsPerClient(filter, groupBy);
  let query = statsRows(db, range, filter, perClient)
    .select((eb) => [
      eb.fn.sum<number>("request_count").as("requests"),
      eb.fn.sum<number>("success_count").as("success_count"),
      eb.fn.sum<number>("error_count").as("error_count"),
      eb.fn.sum<number>("rejected_count").as("rejected_count"),
      eb.fn.sum<number>("budget_refused_count").as("budget_refused_count"),
      eb.fn.sum<number>("prompt_tokens").as("prompt_tokens"),
      eb.fn.sum<number>("completion_tokens").as("completion_tokens"),
      eb.fn.sum<number>("total_tokens").as("total_tokens"),
      eb.fn.sum<number>("cost").as("cost"),
      eb.fn.sum<number>(perClient ? sql`latency_sum_ms` : sql`avg_latency_ms * request_count`).as("latency_sum"),
      eb.fn.max<number>("max_latency_ms").as("max_latency"),
      (bucketing ? bucketExpression("hour_start", bucketing) : sql<number | null>`NULL`).as("bucket"),
      (groupBy === "none" ? sql<unknown>`NULL` : sql.ref(STATS_GROUP_COLUMN[groupBy])).as("grp"),
    ]);
  if (bucketing) query = query.groupBy(sql`bucket`);
  if (groupBy !== "none") query = query.groupBy(sql`grp`);
  return (await query.execute()).filter((row) => row.requests !== null).map(toGroupedSums);
}

const LOG_GROUP_COLUMN: Record<Exclude<StatsGroupBy, "none">, RawBuilder<unknown>> = {
  provider: sql`COALESCE(provider_id, 0)`,
  key: sql`COALESCE(key_id, 0)`,
  model: sql.ref("model"),
  client: sql`COALESCE(client_id, 0)`,
};

/**
 * The provider, key, model and client filters on `t_ai_api_logs` as one condition (true when none
 * is set). A provider or key id of 0 means "none": requests that never reached one.
 */
export function logFilterCondition(eb: ExpressionBuilder<Database, "t_ai_api_logs">, filter: Omit<StatsFilter, "from" | "to">): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [];
  if (filter.providerId !== undefined) conditions.push(filter.providerId === 0 ? eb("provider_id", "is", null) : eb("provider_id", "=", filter.providerId));
  if (filter.keyId !== undefined) conditions.push(filter.keyId === 0 ? eb("key_id", "is", null) : eb("key_id", "=", filter.keyId));
  if (filter.model !== undefined) conditions.push(eb("model", "=", filter.model));
  if (filter.clientId !== undefined) conditions.push(eb("client_id", "=", filter.clientId));
  return eb.and(conditions);
}

/** Aggregates raw logs over one range (the tail, partial hours, or everything for a client filter). */
async function sumLogs(db: Kysely<Database>, range: { from: number; to: number }, filter: StatsFilter, groupBy: StatsGroupBy, bucketing: Bucketing | null): Promise<GroupedSums[]> {
  let query = db
    .selectFrom("t_ai_api_logs")
    .select((eb) => [
      eb.fn.countAll<number>().as("requests"),
      eb.fn.sum<number>(outcomeIs("served")).as("success_count"),
      eb.fn.sum<number>(outcomeIs("failed")).as("error_count"),
      eb.fn.sum<number>(outcomeIs("rejected")).as("rejected_count"),
      eb.fn.sum<number>(outcomeIs("budget")).as("budget_refused_count"),
      eb.fn.sum<number>("prompt_tokens").as("prompt_tokens"),
      eb.fn.sum<number>("completion_tokens").as("completion_tokens"),
      eb.fn.sum<number>("total_tokens").as("total_tokens"),
      eb.fn.sum<number>("cost").as("cost"),
      eb.fn.sum<number>("latency_ms").as("latency_sum"),
      eb.fn.max<number>("latency_ms").as("max_latency"),
      (bucketing ? bucketExpression("created_at", bucketing) : sql<number | null>`NULL`).as("bucket"),
      (groupBy === "none" ? sql<unknown>`NULL` : LOG_GROUP_COLUMN[groupBy]).as("grp"),
    ])
    .where("created_at", ">=", range.from)
    .where("created_at", "<", range.to);
  query = query.where((eb) => logFilterCondition(eb, filter));
  if (bucketing) query = query.groupBy(sql`bucket`);
  if (groupBy !== "none") query = query.groupBy(sql`grp`);
  return (await query.execute()).filter((row) => Number(row.requests) > 0).map(toGroupedSums);
}

/** 1 for rows of `outcome`, else 0. */
const outcomeIs = (outcome: LogOutcome) => sql<number>`CASE WHEN ${OUTCOME_SQL} = ${outcome} THEN 1 ELSE 0 END`;

function toGroupedSums(row: Record<string, unknown>): GroupedSums {
  const number = (value: unknown) => (value === null || value === undefined ? 0 : Number(value));
  return {
    bucket: row.bucket === null || row.bucket === undefined ? null : Number(row.bucket),
    group: row.grp === null || row.grp === undefined ? null : typeof row.grp === "string" ? row.grp : Number(row.grp),
    sums: {
      requests: number(row.requests),
      successCount: number(row.success_count),
      errorCount: number(row.error_count),
      rejectedCount: number(row.rejected_count),
      budgetRefusedCount: number(row.budget_refused_count),
      promptTokens: number(row.prompt_tokens),
      completionTokens: number(row.completion_tokens),
      totalTokens: number(row.total_tokens),
      cost: number(row.cost),
      latencySum: number(row.latency_sum),
      maxLatencyMs: number(row.max_latency),
    },
  };
}

/**
 * Aggregates a range from both sources, optionally by time bucket and by group, and merges the
 * parts. The result is unordered; callers sort.
 */
export async function aggregateUsage(
  db: Kysely<Database>,
  filter: StatsFilter,
  options: { groupBy?: StatsGroupBy; bucketing?: Bucketing | null; rolledUpThrough?: number } = {},
): Promise<{ rows: GroupedSums[]; plan: RangePlan }> {
  const { groupBy = "none", bucketing = null } = options;
  const plan = planRange(filter, options.rolledUpThrough ?? (await readRolledUpThrough(db)));
  const parts = await Promise.all([
    ...(plan.stats ? [sumStats(db, plan.stats, filter, groupBy, bucketing)] : []),
    ...plan.logs.map((range) => sumLogs(db, range, filter, groupBy, bucketing)),
  ]);
  const merged = new Map<string, GroupedSums>();
  for (const row of parts.flat()) {
    const id = `${row.bucket}\u0000${typeof row.group}:${row.group}`;
    const existing = merged.get(id);
    if (existing) addSums(existing.sums, row.sums);
    else merged.set(id, { bucket: row.bucket, group: row.group, sums: { ...row.sums } });
  }
  return { rows: [...merged.values()], plan };
}

/** Served / (served + failed): refusals say nothing about providers; null without either. */
export function successRateOf(sums: Pick<UsageSums, "successCount" | "errorCount">): number | null {
  const routed = sums.successCount + sums.errorCount;
  return routed > 0 ? sums.successCount / routed : null;
}

/** Totals of a range as the API shows them. */
export function sumsView(sums: UsageSums) {
  return {
    requests: sums.requests,
    successCount: sums.successCount,
    errorCount: sums.errorCount,
    rejectedCount: sums.rejectedCount,
    budgetRefusedCount: sums.budgetRefusedCount,
    successRate: successRateOf(sums),
    promptTokens: sums.promptTokens,
    completionTokens: sums.completionTokens,
    totalTokens: sums.totalTokens,
    cost: Math.round(sums.cost * 1e8) / 1e8,
    avgLatencyMs: sums.requests > 0 ? Math.round((sums.latencySum / sums.requests) * 10) / 10 : null,
    maxLatencyMs: sums.requests > 0 ? sums.maxLatencyMs : null,
  };
}

/** Totals of a range (the `/api/admin/ai-stats` query, also timed by the benchmark). */
export async function queryStatsTotals(db: Kysely<Database>, filter: StatsFilter) {
  const { rows, plan } = await aggregateUsage(db, filter);
  const total = rows.reduce((sum, row) => addSums(sum, row.sums), emptySums());
  return { ...sumsView(total), plan };
}

/** Latency and TTFT histograms of one group over a range. */
export interface GroupHistograms {
  latency: Histogram;
  ttft: Histogram;
}

/**
 * Latency and TTFT histograms per group over a range, from the same sources as
 * {@link aggregateUsage}: for whole hours the histograms stored in the per-client rollup (one
 * short text per hour, client, provider, key and model: bounded by the rollup's size, not the
 * logs'), which add up to any group; the logs bucketed by the same expression for the rest.
 * Keyed like the groups of {@link aggregateUsage}.
 */
export async function aggregateHistograms(db: Kysely<Database>, dialect: SqlDialect, filter: StatsFilter, groupBy: StatsGroupBy, plan: RangePlan): Promise<Map<number | string | null, GroupHistograms>> {
  const result = new Map<number | string | null, GroupHistograms>();
  const entry = (group: unknown) => {
    const key = group === null || group === undefined ? null : typeof group === "string" ? group : Number(group);
    let histograms = result.get(key);
    if (!histograms) result.set(key, (histograms = { latency: emptyHistogram(), ttft: emptyHistogram() }));
    return histograms;
  };
  const groupOfLogs = groupBy === "none" ? sql<unknown>`NULL` : LOG_GROUP_COLUMN[groupBy];
  const logBuckets = (range: { from: number; to: number }, column: "latency_ms" | "ttft_ms") =>
    db
      .selectFrom("t_ai_api_logs")
      .select((eb) => [groupOfLogs.as("grp"), histogramBucketSql(column, dialect).as("bucket"), eb.fn.countAll<number>().as("count")])
      .where("created_at", ">=", range.from)
      .where("created_at", "<", range.to)
      .where((eb) => logFilterCondition(eb, filter))
      .where(column, "is not", null)
      .where(OUTCOME_SQL, "in", ["served", "failed"])
      .groupBy([sql`grp`, sql`bucket`])
      .execute();
  const [statsRowsFound, ...logParts] = await Promise.all([
    plan.stats
      ? statsRows(db, plan.stats, filter, true)
          .select([(groupBy === "none" ? sql<unknown>`NULL` : sql.ref(STATS_GROUP_COLUMN[groupBy])).as("grp"), "latency_histogram", "ttft_histogram"])
          .execute()
      : Promise.resolve([]),
    ...plan.logs.flatMap((range) => [logBuckets(range, "latency_ms").then((rows) => ({ rows, metric: "latency" as const })), logBuckets(range, "ttft_ms").then((rows) => ({ rows, metric: "ttft" as const }))]),
  ]);
  for (const row of statsRowsFound) {
    const histograms = entry(row.grp);
    addHistogramText(histograms.latency, row.latency_histogram);
    addHistogramText(histograms.ttft, row.ttft_histogram);
  }
  for (const part of logParts) {
    for (const row of part.rows) entry(row.grp)[part.metric][Number(row.bucket)] += Number(row.count);
  }
  return result;
}
