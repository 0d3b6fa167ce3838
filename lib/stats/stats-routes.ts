/**
 * /api/admin/ai-stats: aggregated usage for the dashboard's charts. Served from the hourly
 * rollups plus the not-yet-rolled-up tail of logs (see stats-query.ts), so answers take
 * milliseconds whatever the size of the log table.
 *
 * Common query parameters: `from`, `to` (epoch ms or ISO 8601; default the last 24 hours, `to`
 * exclusive, at most 400 days), `providerId`, `keyId` (0 = requests that reached no provider /
 * key), `model`, `clientId` (answered from the per-client rollup, `t_client_usage_stats`).
 */
import { Hono } from "hono";
import { sql } from "kysely";
import type { AppDeps } from "../deps";
import { ValidationError } from "../errors";
import type { AppEnv } from "../http/app-env";
import { validate } from "../http/validation";
import { DAY_MS, HOUR_MS } from "../jobs/job-context";
import { addHistogram, emptyHistogram, histogramPercentile } from "./latency-histogram";
import { OUTCOME_SQL } from "./log-outcome";
import { addSums, aggregateHistograms, aggregateUsage, emptySums, logFilterCondition, queryStatsTotals, successRateOf, sumsView, type GroupHistograms, type StatsFilter, type UsageSums } from "./stats-query";
import {
  MAX_HOURLY_RANGE_MS,
  resolveRange,
  statsFilterSchema,
  timeseriesQuerySchema,
  topErrorsQuerySchema,
  USAGE_RANGES,
  usageQuerySchema,
  type StatsFilterQuery,
} from "./stats-schemas";

/** Routes mounted at /api/admin/ai-stats. */
export function statsRoutes(deps: AppDeps) {
  const { db, dialect } = deps.database;
  const app = new Hono<AppEnv>();

  const filterOf = (query: StatsFilterQuery, maxRangeMs?: number): StatsFilter => {
    const range = resolveRange(query, deps.clock.now(), maxRangeMs);
    if (typeof range === "string") throw new ValidationError(`Invalid query: ${range}`, [{ field: "from", message: range }]);
    return { ...range, providerId: query.providerId, keyId: query.keyId, model: query.model, clientId: query.clientId };
  };

  /**
   * GET /api/admin/ai-stats — totals over a range.
   * data: { from, to (ISO), requests, successCount, errorCount, rejectedCount, budgetRefusedCount,
   *   successRate (0..1|null), promptTokens, completionTokens, totalTokens, cost (USD),
   *   avgLatencyMs|null, maxLatencyMs|null,
   *   rolledUpThrough (ISO|null: hours before it come from the rollup, the rest from logs) }
   * Outcomes (lib/stats/log-outcome.ts): `successCount` served, `errorCount` failed after routing
   * began, `rejectedCount` refused before routing, `budgetRefusedCount` refused by a budget;
   * `successRate` = served / (served + failed). `requests` counts all four.
   */
  app.get("/", validate("query", statsFilterSchema), async (c) => {
    const filter = filterOf(c.req.valid("query"));
    const { plan, ...totals } = await queryStatsTotals(db, filter);
    return c.json({ code: 200, data: { from: iso(filter.from), to: iso(filter.to), ...totals, rolledUpThrough: plan.rolledUpThrough ? iso(plan.rolledUpThrough) : null } });
  });

  /**
   * GET /api/admin/ai-stats/timeseries — `interval=hour|day` (default hour; hour ranges at most
   * 31 days), `groupBy=none|provider|key|model|client` (default none), `tzOffsetMinutes` (day buckets in
   * local time, default 0 = UTC).
   * data: { interval, groupBy, from, to, points: Array<{ bucketStart (ISO), group (provider id |
   *   key id | model | client id | null), label (provider name | key name | model | client name |
   *   null), requests, successCount, errorCount, rejectedCount, budgetRefusedCount, successRate, promptTokens, completionTokens, totalTokens, cost,
   *   avgLatencyMs, maxLatencyMs }> }
   * Every bucket of the range appears for every group that has traffic (zeros where it had none),
   * sorted by bucketStart, then group. Per provider over time: `groupBy=provider`.
   */
  app.get("/timeseries", validate("query", timeseriesQuerySchema), async (c) => {
    const query = c.req.valid("query");
    const filter = filterOf(query, query.interval === "hour" ? MAX_HOURLY_RANGE_MS : undefined);
    const bucketing = { sizeMs: query.interval === "hour" ? HOUR_MS : DAY_MS, offsetMs: query.tzOffsetMinutes * 60_000 };
    const { rows } = await aggregateUsage(db, filter, { groupBy: query.groupBy, bucketing });
    const labels = await groupLabels(query.groupBy);

    const groups = [...new Set(rows.map((row) => row.group))].sort(compareGroups);
    if (groups.length === 0) groups.push(null);
    const byKey = new Map(rows.map((row) => [`${row.bucket}|${row.group}`, row.sums]));
    const shift = bucketing.offsetMs;
    const firstBucket = filter.from + shift - ((((filter.from + shift) % bucketing.sizeMs) + bucketing.sizeMs) % bucketing.sizeMs) - shift;
    const points = [];
    for (let bucket = firstBucket; bucket < filter.to; bucket += bucketing.sizeMs) {
      for (const group of groups) {
        const sums = byKey.get(`${bucket}|${group}`) ?? emptySums();
        points.push({ bucketStart: iso(bucket), group, label: group === null ? null : (labels.get(group) ?? String(group)), ...sumsView(sums) });
      }
    }
    return c.json({ code: 200, data: { interval: query.interval, groupBy: query.groupBy, from: iso(filter.from), to: iso(filter.to), points } });
  });

  /**
   * GET /api/admin/ai-stats/usage — usage per group over a range: `range=24h|7d|30d` (ending at
   * `to`, default now) or `from`/`to`; `groupBy=provider|model|key|client` (default provider); the
   * common filters.
   * data: { from, to, groupBy, items: Array<{ group, label, ...Usage }> (most requests first),
   *   totals: Usage }. Usage: { requests, served, failed, rejected, budgetRefused,
   *   successRate (served / (served + failed), null without either), promptTokens,
   *   completionTokens, totalTokens, cost, p50LatencyMs, p95LatencyMs, p50TtftMs, p95TtftMs
   *   (null without data) }.
   * Percentiles cover served and failed requests (TTFT: streamed ones), from per-hour histograms,
   * within 9.1 % + 0.5 ms of the exact value (lib/stats/latency-histogram.ts).
   */
  app.get("/usage", validate("query", usageQuerySchema), async (c) => {
    const query = c.req.valid("query");
    const to = query.to ?? deps.clock.now();
    const filter = filterOf(query.range ? { ...query, to, from: to - USAGE_RANGES[query.range] } : query);
    const { rows, plan } = await aggregateUsage(db, filter, { groupBy: query.groupBy });
    const [histograms, labels] = await Promise.all([aggregateHistograms(db, dialect, filter, query.groupBy, plan), groupLabels(query.groupBy)]);
    const total = emptySums();
    const totalHistograms: GroupHistograms = { latency: emptyHistogram(), ttft: emptyHistogram() };
    for (const row of rows) addSums(total, row.sums);
    for (const group of histograms.values()) {
      addHistogram(totalHistograms.latency, group.latency);
      addHistogram(totalHistograms.ttft, group.ttft);
    }
    const items = rows
      .map((row) => ({ group: row.group, label: row.group === null ? null : (labels.get(row.group) ?? String(row.group)), ...usageView(row.sums, histograms.get(row.group)) }))
      .sort((left, right) => right.requests - left.requests || compareGroups(left.group, right.group));
    return c.json({ code: 200, data: { from: iso(filter.from), to: iso(filter.to), groupBy: query.groupBy, items, totals: usageView(total, totalHistograms) } });
  });

  /**
   * GET /api/admin/ai-stats/top-errors — the most frequent errors in a range (from logs, on the
   * status/time index), per error code, outcome, provider, client and key; `limit` 1..50 (default 10).
   * data: { from, to, items: Array<{ errorCode (string|null), outcome, providerId (number|null),
   *   clientId (number|null), clientName (string|null), keyId (number|null), keyName (string|null),
   *   count, lastSeenAt (ISO), sampleMessage (string|null) }> }
   */
  app.get("/top-errors", validate("query", topErrorsQuerySchema), async (c) => {
    const query = c.req.valid("query");
    const filter = filterOf(query);
    const select = db
      .selectFrom("t_ai_api_logs")
      .select((eb) => [
        "error_code",
        OUTCOME_SQL.as("outcome_value"),
        "provider_id",
        "client_id",
        "key_id",
        eb.fn.max("client_name").as("client_name"),
        eb.fn.countAll<number>().as("count"),
        eb.fn.max("created_at").as("last_seen"),
        eb.fn.max("error_message").as("sample_message"),
      ])
      .where("status", "in", ["error", "partial"])
      .where("created_at", ">=", filter.from)
      .where("created_at", "<", filter.to)
      .where((eb) => logFilterCondition(eb, filter));
    const [rows, keyNames, clientNames] = await Promise.all([
      select
        .groupBy(["error_code", sql`outcome_value`, "provider_id", "client_id", "key_id"])
        .orderBy(sql`count(*)`, "desc")
        .orderBy("error_code")
        .limit(query.limit)
        .execute(),
      groupLabels("key"),
      groupLabels("client"),
    ]);
    const items = rows.map((row) => ({
      errorCode: row.error_code,
      outcome: row.outcome_value,
      providerId: row.provider_id,
      clientId: row.client_id,
      // The key's current name; the name logged with the request for admin calls and deleted keys.
      clientName: (row.client_id === null ? null : clientNames.get(row.client_id)) ?? row.client_name,
      keyId: row.key_id,
      keyName: row.key_id === null ? null : (keyNames.get(row.key_id) ?? null),
      count: Number(row.count),
      lastSeenAt: iso(Number(row.last_seen)),
      sampleMessage: row.sample_message,
    }));
    return c.json({ code: 200, data: { from: iso(filter.from), to: iso(filter.to), items } });
  });

  const groupLabels = async (groupBy: string): Promise<Map<number | string, string>> => {
    if (groupBy === "provider") {
      const providers = await db.selectFrom("t_ai_providers").select(["id", "name"]).execute();
      return new Map<number | string, string>([[0, "(no provider)"], ...providers.map((row) => [row.id, row.name] as const)]);
    }
    if (groupBy === "key") {
      const keys = await db.selectFrom("t_ai_api_keys").select(["id", "key_name"]).execute();
      return new Map<number | string, string>([[0, "(no key)"], ...keys.map((row) => [row.id, row.key_name] as const)]);
    }
    if (groupBy === "client") {
      const clients = await db.selectFrom("t_client_keys").select(["id", "name"]).execute();
      return new Map<number | string, string>([[0, "(no client key: admin calls)"], ...clients.map((row) => [row.id, row.name] as const)]);
    }
    return new Map();
  };

  return app;
}

const iso = (time: number) => new Date(time).toISOString();

/** A group's usage as the usage view shows it. */
function usageView(sums: UsageSums, histograms: GroupHistograms | undefined) {
  const percentile = (which: "latency" | "ttft", quantile: number) => (histograms ? histogramPercentile(histograms[which], quantile) : null);
  return {
    requests: sums.requests,
    served: sums.successCount,
    failed: sums.errorCount,
    rejected: sums.rejectedCount,
    budgetRefused: sums.budgetRefusedCount,
    successRate: successRateOf(sums),
    promptTokens: sums.promptTokens,
    completionTokens: sums.completionTokens,
    totalTokens: sums.totalTokens,
    cost: Math.round(sums.cost * 1e8) / 1e8,
    p50LatencyMs: percentile("latency", 0.5),
    p95LatencyMs: percentile("latency", 0.95),
    p50TtftMs: percentile("ttft", 0.5),
    p95TtftMs: percentile("ttft", 0.95),
  };
}

function compareGroups(left: number | string | null, right: number | string | null): number {
  if (typeof left === "number" && typeof right === "number") return left - right;
  return String(left).localeCompare(String(right));
}
