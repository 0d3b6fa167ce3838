/**
 * zod schemas for the statistics, logs and alert-history query strings.
 * Times are accepted as epoch milliseconds or ISO 8601 strings.
 */
import * as z from "zod";
import { integerTextSchema } from "../http/validation";
import { LOG_STATUSES } from "../../db/schema";
import { DAY_MS } from "../jobs/job-context";
import { LOG_OUTCOMES } from "./log-outcome";

/** Longest range any statistics query accepts. */
export const MAX_RANGE_MS = 400 * DAY_MS;
/** Longest range of an hourly time series (about 745 buckets per group). */
export const MAX_HOURLY_RANGE_MS = 31 * DAY_MS;

/** A point in time: epoch ms (digits) or an ISO 8601 string; becomes epoch ms. */
export const timeParamSchema = z
  .string()
  .trim()
  .transform((value, context) => {
    const time = /^\d{1,15}$/.test(value) ? Number(value) : Date.parse(value);
    if (!Number.isFinite(time)) {
      context.addIssue({ code: "custom", message: "must be epoch milliseconds or an ISO 8601 time" });
      return z.NEVER;
    }
    return time;
  });

const positiveId = integerTextSchema(1);
/** Provider and key filters also accept 0: requests that never reached a provider or key. */
const idOrZero = integerTextSchema(0);

/** Filters shared by the statistics endpoints (`from` default: 24 hours before `to`; `to` default: now). */
export const statsFilterSchema = z.object({
  from: timeParamSchema.optional(),
  to: timeParamSchema.optional(),
  providerId: idOrZero.optional(),
  keyId: idOrZero.optional(),
  model: z.string().trim().min(1).max(100).optional(),
  clientId: positiveId.optional(),
});
/** A validated statistics filter query. */
export type StatsFilterQuery = z.infer<typeof statsFilterSchema>;

/** `GET /api/admin/ai-stats/timeseries`. */
export const timeseriesQuerySchema = statsFilterSchema.extend({
  interval: z.enum(["hour", "day"]).default("hour"),
  groupBy: z.enum(["none", "provider", "key", "model", "client"]).default("none"),
  /** Minutes east of UTC for day buckets (e.g. 480 for UTC+8); whole hours keep hourly rollups exact. */
  tzOffsetMinutes: integerTextSchema(-720, 840).default(0),
});

/** The preset ranges of the usage view, ending at `to` (default now). */
export const USAGE_RANGES: Record<"24h" | "7d" | "30d", number> = { "24h": DAY_MS, "7d": 7 * DAY_MS, "30d": 30 * DAY_MS };

/** `GET /api/admin/ai-stats/usage`: a preset `range`, or `from`/`to` as elsewhere (not both). */
export const usageQuerySchema = statsFilterSchema
  .extend({
    range: z.enum(["24h", "7d", "30d"]).optional(),
    groupBy: z.enum(["provider", "model", "key", "client"]).default("provider"),
  })
  .refine((query) => query.range === undefined || query.from === undefined, { message: "give either range or from, not both", path: ["range"] });

/** `GET /api/admin/ai-stats/top-errors`. */
export const topErrorsQuerySchema = statsFilterSchema.extend({
  limit: integerTextSchema(1, 50).default(10),
});

/** `true`/`false` in a query string. */
const booleanText = z.enum(["true", "false"], { message: "must be true or false" }).transform((value) => value === "true");

/** The filters of `GET /api/admin/ai-logs` and its CSV export. */
export const logFilterQuerySchema = z.object({
  from: timeParamSchema.optional(),
  to: timeParamSchema.optional(),
  providerId: positiveId.optional(),
  keyId: positiveId.optional(),
  model: z.string().trim().min(1).max(100).optional(),
  clientId: positiveId.optional(),
  status: z.enum(LOG_STATUSES).optional(),
  errorCode: z.string().trim().min(1).max(64).optional(),
  outcome: z.enum(LOG_OUTCOMES).optional(),
  /** Only requests that tried more than one upstream call. */
  failoversOnly: booleanText.optional(),
});
/** Validated log filters. */
export type LogFilterQuery = z.infer<typeof logFilterQuerySchema>;

/** `GET /api/admin/ai-logs`. */
export const logListQuerySchema = logFilterQuerySchema.extend({
  /** The `id` of the last item of the previous page. */
  cursor: positiveId.optional(),
  limit: integerTextSchema(1, 200).default(50),
});

/** `:id` of a log row. */
export const logIdParamSchema = z.object({ id: positiveId });

/** Resolves optional `from`/`to` against the clock and checks the range. */
export function resolveRange(query: { from?: number; to?: number }, now: number, maxRangeMs = MAX_RANGE_MS): { from: number; to: number } | string {
  const to = query.to ?? now;
  const from = query.from ?? to - DAY_MS;
  if (from >= to) return "from must be before to";
  if (to - from > maxRangeMs) return `the range may span at most ${Math.round(maxRangeMs / DAY_MS)} days`;
  return { from, to };
}
