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
import { aggregateUsage, emptySums, logFilterCondition, queryStatsTotals, sumsView, type StatsFilter } from "./stats-query";
import { MAX_HOURLY_RANGE_MS, resolveRange, statsFilterSchema, timeseriesQuerySchema, topErrorsQuerySchema, type StatsFilterQuery } from "./stats-schemas";

/** Routes mounted at /api/admin/ai-stats. */
export function statsRoutes(deps: AppDeps) {
  const { db } = deps.database;
  const app = new Hono<AppEnv>();

  const filterOf = (query: StatsFilterQuery, maxRangeMs?: number): StatsFilter => {
    const range = resolveRange(query, deps.clock.now(), maxRangeMs);
    if (typeof range === "string") throw new ValidationError(`Invalid query: ${range}`, [{ field: "from", message: range }]);
    return { ...range, providerId: query.providerId, keyId: query.keyId, model: query.model, clientId: query.clientId };
  };

  /**
   * GET /api/admin/ai-stats — totals over a range.
   * data: { from, to (ISO), requests, successCount, errorCount, successRate (0..1|null),
   *   promptTokens, completionTokens, totalTokens, cost (USD), avgLatencyMs|null, maxLatencyMs|null,
   *   rolledUpThrough (ISO|null: hours before it come from the rollup, the rest from logs) }
   * `errorCount` counts every request that did not succeed (errors and broken streams).
   */
  app.get("/", validate("query", statsFilterSchema), async (c) => {
    const filter = filterOf(c.req.valid("query"));
    const { plan, ...totals } = await queryStatsTotals(db, filter);
    return c.json({ code: 200, data: { from: iso(filter.from), to: iso(filter.to), ...totals, rolledUpThrough: plan.rolledUpThrough ? iso(plan.rolledUpThrough) : null } });
  });

  /**
   * GET /api/admin/ai-stats/timeseries — `interval=hour|day` (default hour; hour ranges at most
   * 31 days), `groupBy=none|provider|key|model` (default none), `tzOffsetMinutes` (day buckets in
   * local time, default 0 = UTC).
   * data: { interval, groupBy, from, to, points: Array<{ bucketStart (ISO), group (provider id |
   *   key id | model | null), label (provider name | key name | model | null), requests,
   *   successCount, errorCount, successRate, promptTokens, completionTokens, totalTokens, cost,
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
   * GET /api/admin/ai-stats/top-errors — the most frequent error codes in a range (from logs,
   * on the status/time index), `limit` 1..50 (default 10).
   * data: { from, to, items: Array<{ errorCode (string|null), providerId (number|null), count,
   *   lastSeenAt (ISO), sampleMessage (string|null) }> }
   */
  app.get("/top-errors", validate("query", topErrorsQuerySchema), async (c) => {
    const query = c.req.valid("query");
    const filter = filterOf(query);
    const select = db
      .selectFrom("t_ai_api_logs")
      .select((eb) => [
        "error_code",
        "provider_id",
        eb.fn.countAll<number>().as("count"),
        eb.fn.max("created_at").as("last_seen"),
        eb.fn.max("error_message").as("sample_message"),
      ])
      .where("status", "in", ["error", "partial"])
      .where("created_at", ">=", filter.from)
      .where("created_at", "<", filter.to)
      .where((eb) => logFilterCondition(eb, filter));
    const rows = await select.groupBy(["error_code", "provider_id"]).orderBy(sql`count(*)`, "desc").orderBy("error_code").limit(query.limit).execute();
    const items = rows.map((row) => ({
      errorCode: row.error_code,
      providerId: row.provider_id,
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
    return new Map();
  };

  return app;
}

const iso = (time: number) => new Date(time).toISOString();

function compareGroups(left: number | string | null, right: number | string | null): number {
  if (typeof left === "number" && typeof right === "number") return left - right;
  return String(left).localeCompare(String(right));
}
