/**
 * /api/admin/ai-logs: the request log, newest first, with filters and keyset pagination.
 *
 * Pages are ordered by (created_at, id) descending: every filter has a `(column, created_at)`
 * index whose entries already carry the primary key, so a page reads `limit` index entries and
 * never sorts the whole filtered range (OFFSET pagination reads and drops every earlier row, which
 * makes log pages time out at a few million rows). The cursor is the last item's id; its time is looked up.
 * The outcome and "failovers only" filters have their `(outcome, created_at)` and
 * `(failed_over, created_at)` indexes too.
 */
import { Hono } from "hono";
import { API_LOG_COLUMNS, type ApiLogRow } from "../../db/schema";
import type { AppDeps } from "../deps";
import { NotFoundError } from "../errors";
import type { AppEnv } from "../http/app-env";
import { csvLine } from "../http/csv-text";
import { validate } from "../http/validation";
import { storedRowOutcome } from "./log-outcome";
import { logFilterQuerySchema, logIdParamSchema, logListQuerySchema, type LogFilterQuery } from "./stats-schemas";

/** A log row as the admin API shows it (no secrets are ever stored in a log row). */
export function logView(row: Omit<ApiLogRow, "attempt_errors">) {
  return {
    id: Number(row.id),
    requestId: row.request_id,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    clientId: row.client_id,
    clientName: row.client_name,
    providerId: row.provider_id,
    keyId: row.key_id,
    model: row.model,
    status: row.status,
    outcome: row.outcome ?? storedRowOutcome(row),
    httpStatus: row.http_status,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    totalTokens: row.total_tokens,
    tokensEstimated: row.tokens_estimated === 1,
    cost: Number(row.cost),
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
    attempts: row.attempts,
    isStream: row.is_stream === 1,
    door: row.door,
    upstreamProtocol: row.upstream_protocol,
    warnings: row.warnings,
    cacheReadTokens: row.cache_read_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    reasoningTokens: row.reasoning_tokens,
    requestedModel: row.requested_model,
    modelsTried: parseJsonArray(row.models_tried),
  };
}

/** Listing leaves out the failed-attempt details; a single row (GET /:id) has them. */
const LIST_COLUMNS = ["id", ...API_LOG_COLUMNS.filter((column) => column !== "attempt_errors")] as const;

/** Most rows one CSV export holds; `x-export-truncated: true` says the filters matched more. */
export const MAX_EXPORT_ROWS = 10_000;
/** Most bytes of one export: Lambda refuses responses above 6 MB. */
export const MAX_EXPORT_BYTES = 5_000_000;
/** Rows read per keyset page while exporting. */
const EXPORT_PAGE_ROWS = 1000;

/** The export's columns, in order: the list view's fields (no secret is ever stored in a log row). */
const CSV_COLUMNS = [
  "id",
  "createdAt",
  "requestId",
  "outcome",
  "status",
  "httpStatus",
  "errorCode",
  "errorMessage",
  "clientId",
  "clientName",
  "providerId",
  "keyId",
  "model",
  "requestedModel",
  "modelsTried",
  "door",
  "upstreamProtocol",
  "isStream",
  "attempts",
  "promptTokens",
  "completionTokens",
  "totalTokens",
  "tokensEstimated",
  "cacheReadTokens",
  "cacheWriteTokens",
  "reasoningTokens",
  "cost",
  "latencyMs",
  "ttftMs",
  "warnings",
] as const satisfies ReadonlyArray<keyof ReturnType<typeof logView>>;

/** A view field as a CSV cell: a list (the models tried) as its entries separated by spaces. */
const cellOf = (value: ReturnType<typeof logView>[(typeof CSV_COLUMNS)[number]]): unknown => (Array.isArray(value) ? value.join(" ") : value);

/** Routes mounted at /api/admin/ai-logs. */
export function logRoutes(deps: AppDeps) {
  const { db } = deps.database;
  const app = new Hono<AppEnv>();

  /** The filtered rows, newest first, after the `(created_at, id)` anchor when given. */
  const filteredPage = (query: LogFilterQuery, after: { createdAt: number; id: number } | "purged" | null, limit: number, cursorId?: number) => {
    let select = db.selectFrom("t_ai_api_logs").select([...LIST_COLUMNS]);
    if (query.from !== undefined) select = select.where("created_at", ">=", query.from);
    if (query.to !== undefined) select = select.where("created_at", "<", query.to);
    if (query.providerId !== undefined) select = select.where("provider_id", "=", query.providerId);
    if (query.keyId !== undefined) select = select.where("key_id", "=", query.keyId);
    if (query.model !== undefined) select = select.where("model", "=", query.model);
    if (query.clientId !== undefined) select = select.where("client_id", "=", query.clientId);
    if (query.status !== undefined) select = select.where("status", "=", query.status);
    if (query.errorCode !== undefined) select = select.where("error_code", "=", query.errorCode);
    if (query.outcome !== undefined) select = select.where("outcome", "=", query.outcome);
    if (query.failoversOnly) select = select.where("failed_over", "=", 1);
    if (after === "purged") {
      // The cursor row was purged meanwhile: everything after it is older still.
      select = select.where("id", "<", cursorId!);
    } else if (after) {
      // `created_at <= t` first keeps it a range on the time index; the OR only trims ties.
      select = select.where("created_at", "<=", after.createdAt).where((eb) => eb.or([eb("created_at", "<", after.createdAt), eb("id", "<", after.id)]));
    }
    return select.orderBy("created_at", "desc").orderBy("id", "desc").limit(limit).execute();
  };

  /**
   * GET /api/admin/ai-logs — filters: `from`, `to` (epoch ms or ISO; `to` exclusive),
   * `providerId`, `keyId`, `model`, `clientId`, `status` (success|error|partial), `errorCode`,
   * `outcome` (served|failed|rejected|budget), `failoversOnly` (true: more than one upstream call);
   * paging: `limit` 1..200 (default 50), `cursor` = `nextCursor` of the previous page.
   * data: { items: Array<LogView>, nextCursor: number|null }, newest first. LogView: { id,
   *   requestId, createdAt (ISO), clientId, clientName, providerId, keyId, model, status, outcome,
   *   httpStatus, errorCode, errorMessage, promptTokens, completionTokens, totalTokens,
   *   tokensEstimated, cost (USD, at the price in effect when the request arrived), latencyMs, ttftMs,
   *   attempts, isStream, door, upstreamProtocol, warnings, cacheReadTokens, cacheWriteTokens,
   *   reasoningTokens (parts of the prompt and completion counts), requestedModel (what the client
   *   named, e.g. an alias), modelsTried ("provider/model"s in the order tried) }
   */
  app.get("/", validate("query", logListQuerySchema), async (c) => {
    const query = c.req.valid("query");
    let after: { createdAt: number; id: number } | "purged" | null = null;
    if (query.cursor !== undefined) {
      const anchor = await db.selectFrom("t_ai_api_logs").select("created_at").where("id", "=", query.cursor).executeTakeFirst();
      after = anchor ? { createdAt: Number(anchor.created_at), id: query.cursor } : "purged";
    }
    const rows = await filteredPage(query, after, query.limit + 1, query.cursor);
    const page = rows.slice(0, query.limit);
    const nextCursor = rows.length > query.limit ? Number(page.at(-1)!.id) : null;
    return c.json({ code: 200, data: { items: page.map(logView), nextCursor } });
  });

  /**
   * GET /api/admin/ai-logs/export.csv — the rows the same filters select (no `cursor`/`limit`),
   * newest first, as `text/csv` with a header row: at most {@link MAX_EXPORT_ROWS} rows and
   * {@link MAX_EXPORT_BYTES} bytes, `x-export-rows` says how many, and `x-export-truncated: true`
   * when the filters matched more (narrow `from`/`to` for the rest).
   * Read in keyset pages, so each page is an index range like the listing's.
   */
  app.get("/export.csv", validate("query", logFilterQuerySchema), async (c) => {
    const query = c.req.valid("query");
    const chunks: string[] = [csvLine(CSV_COLUMNS)];
    let after: { createdAt: number; id: number } | null = null;
    let bytes = Buffer.byteLength(chunks[0]);
    let written = 0;
    let truncated = false;
    exporting: for (;;) {
      const pageRows = Math.min(EXPORT_PAGE_ROWS, MAX_EXPORT_ROWS - written);
      const rows = await filteredPage(query, after, pageRows + 1);
      for (const row of rows.slice(0, pageRows)) {
        const view = logView(row);
        const line = csvLine(CSV_COLUMNS.map((column) => cellOf(view[column])));
        bytes += Buffer.byteLength(line);
        if (bytes > MAX_EXPORT_BYTES) {
          truncated = true;
          break exporting;
        }
        chunks.push(line);
        written += 1;
        after = { createdAt: Number(row.created_at), id: Number(row.id) };
      }
      if (rows.length <= pageRows) break;
      if (written >= MAX_EXPORT_ROWS) {
        truncated = true;
        break;
      }
    }
    const stamp = new Date(deps.clock.now()).toISOString().replace(/[:.]/g, "-");
    return c.body(chunks.join(""), 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="ai-logs-${stamp}.csv"`,
      "x-export-rows": String(written),
      "x-export-truncated": String(truncated),
      "cache-control": "no-store",
    });
  });

  /**
   * GET /api/admin/ai-logs/:id
   * data: LogView & { attemptErrors: Array<{ keyId, code, status, latencyMs }> } (the failed
   *   attempts before the final one; empty when the first attempt answered)
   */
  app.get("/:id", validate("param", logIdParamSchema), async (c) => {
    const { id } = c.req.valid("param");
    const row = await db.selectFrom("t_ai_api_logs").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError(`Log ${id} not found`);
    return c.json({ code: 200, data: { ...logView(row), attemptErrors: parseJsonArray(row.attempt_errors) } });
  });

  return app;
}

/** A JSON array column, or [] when it is empty or unreadable. */
function parseJsonArray(text: string | null): unknown[] {
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}
