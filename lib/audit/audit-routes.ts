/**
 * /api/admin/audit: the audit trail, newest first, for admins and viewers.
 * - GET /?from&to&adminUserId&action&targetType&limit&cursor
 *   data: { items: Array<entry>, nextCursor: number|null } (pass `cursor=nextCursor` for the next page)
 * - GET /export.csv?<same filters> — text/csv of at most {@link AUDIT_EXPORT_MAX_ROWS} entries.
 */
import { Hono } from "hono";
import * as z from "zod";
import type { AppDeps } from "../deps";
import type { AppEnv } from "../http/app-env";
import { csvText } from "../http/csv-text";
import { integerTextSchema, validate } from "../http/validation";
import { timeParamSchema } from "../stats/stats-schemas";
import { auditView, readAuditEntries } from "./audit-log";

/** Most entries one CSV export holds; narrow the filters for older ones. */
export const AUDIT_EXPORT_MAX_ROWS = 10_000;

const auditFilterSchema = z.object({
  from: timeParamSchema.optional(),
  to: timeParamSchema.optional(),
  adminUserId: integerTextSchema(1).optional(),
  action: z.string().trim().min(1).max(64).optional(),
  targetType: z.string().trim().min(1).max(32).optional(),
  cursor: integerTextSchema(1).optional(),
});
const auditListSchema = auditFilterSchema.extend({ limit: integerTextSchema(1, 200).default(50) });

const CSV_HEADER = ["id", "createdAt", "adminUserId", "adminUsername", "action", "targetType", "targetId", "summary", "ip", "requestId"] as const;

/** Routes mounted at /api/admin/audit. */
export function auditRoutes(deps: AppDeps) {
  const { db } = deps.database;
  const app = new Hono<AppEnv>();

  app.get("/", validate("query", auditListSchema), async (c) => {
    const { limit, ...filter } = c.req.valid("query");
    // One more than asked says whether another page exists.
    const rows = await readAuditEntries(db, filter, limit + 1);
    const items = rows.slice(0, limit).map(auditView);
    const nextCursor = rows.length > limit ? items[items.length - 1].id : null;
    return c.json({ code: 200, data: { items, nextCursor } });
  });

  app.get("/export.csv", validate("query", auditFilterSchema), async (c) => {
    const rows = (await readAuditEntries(db, c.req.valid("query"), AUDIT_EXPORT_MAX_ROWS)).map(auditView);
    const body = csvText(CSV_HEADER, rows.map((entry) => CSV_HEADER.map((column) => entry[column])));
    return c.body(body, 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": 'attachment; filename="modelgate-audit.csv"',
    });
  });

  return app;
}
