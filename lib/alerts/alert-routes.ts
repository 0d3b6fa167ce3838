/**
 * /api/admin/alerts: webhooks managed by admins, the alert settings in force, a test message,
 * and the alert history. Webhook URLs carry vendor tokens, so responses show a hint only.
 */
import { Hono } from "hono";
import * as z from "zod";
import type { AlertHistoryRow, AlertWebhookRow } from "../../db/schema";
import { httpUrlSchema, idParamSchema, plainTextSchema } from "../admin/admin-schemas";
import type { AppDeps } from "../deps";
import { NotFoundError } from "../errors";
import type { AppEnv } from "../http/app-env";
import { integerTextSchema, validate } from "../http/validation";
import { assertDestinationAllowed } from "../network/destination-policy";
import { jobContextFrom } from "../jobs/job-context";
import { timeParamSchema } from "../stats/stats-schemas";
import { ALERT_FORMATS, inferAlertFormat, webhookUrlHint } from "./alert-formats";
import { AlertNotifier, targetOf } from "./alert-notifier";

const webhookUrl = httpUrlSchema(1000)
  .refine((value) => /^https?:\/\//i.test(value), "must be an http:// or https:// URL");

const webhookFields = z.object({
  name: plainTextSchema(100),
  url: webhookUrl,
  format: z.enum(ALERT_FORMATS),
  isActive: z.boolean(),
});

/** `POST /api/admin/alerts/webhooks` body. */
export const webhookCreateSchema = webhookFields.extend({
  format: webhookFields.shape.format.default("generic"),
  isActive: webhookFields.shape.isActive.default(true),
});

/** `PUT /api/admin/alerts/webhooks/:id` body (no defaults: an absent field keeps its value). */
export const webhookUpdateSchema = webhookFields
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, "at least one of name, url, format, isActive is required");

/** `GET /api/admin/alerts/history` query. */
export const historyQuerySchema = z.object({
  kind: z.string().trim().min(1).max(32).optional(),
  state: z.enum(["firing", "resolved"]).optional(),
  from: timeParamSchema.optional(),
  to: timeParamSchema.optional(),
  cursor: integerTextSchema(1).optional(),
  limit: integerTextSchema(1, 200).default(50),
});

/** A webhook as the API shows it: `urlHint`, never the full URL. */
export function webhookView(row: AlertWebhookRow) {
  return {
    id: row.id,
    name: row.name,
    format: row.format,
    urlHint: webhookUrlHint(row.url),
    isActive: row.is_active === 1,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

/** A history entry as the API shows it. */
export function historyView(row: AlertHistoryRow) {
  return {
    id: Number(row.id),
    kind: row.kind,
    incidentKey: row.incident_key,
    state: row.state,
    title: row.title,
    message: row.message,
    delivered: row.delivered === 1,
    deliveryError: row.delivery_error,
    createdAt: new Date(Number(row.created_at)).toISOString(),
  };
}

/** Routes mounted at /api/admin/alerts. */
export function alertRoutes(deps: AppDeps) {
  const { db } = deps.database;
  const app = new Hono<AppEnv>();
  const findWebhook = async (id: number) => {
    const row = await db.selectFrom("t_alert_webhooks").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError(`Webhook ${id} not found`);
    return row;
  };

  /**
   * GET /api/admin/alerts/config
   * data: { environmentWebhook: { format, urlHint } | null (ALERT_WEBHOOK_URL), successRateThreshold (0..1),
   *   minRequests, rejectionAlerts (ALERT_ON_REJECTIONS: whether refusals before routing alert), formats: string[] }
   */
  app.get("/config", (c) => {
    const url = deps.settings.alertWebhookUrl;
    return c.json({
      code: 200,
      data: {
        environmentWebhook: url ? { format: inferAlertFormat(url), urlHint: webhookUrlHint(url) } : null,
        successRateThreshold: deps.settings.alerts.successRateThreshold,
        minRequests: deps.settings.alerts.minRequests,
        rejectionAlerts: deps.settings.alerts.onRejections,
        formats: ALERT_FORMATS,
      },
    });
  });

  /** GET /api/admin/alerts/webhooks — data: Array<{ id, name, format, urlHint, isActive, createdAt, updatedAt }> */
  app.get("/webhooks", async (c) => {
    const rows = await db.selectFrom("t_alert_webhooks").selectAll().orderBy("id").execute();
    return c.json({ code: 200, data: rows.map(webhookView) });
  });

  /** POST /api/admin/alerts/webhooks — body { name, url (http/https), format?, isActive? } — data: the webhook view. */
  app.post("/webhooks", validate("json", webhookCreateSchema), async (c) => {
    const body = c.req.valid("json");
    assertDestinationAllowed(body.url, deps.settings.destinations, "url");
    const now = deps.clock.now();
    const result = await db
      .insertInto("t_alert_webhooks")
      .values({ name: body.name, url: body.url, format: body.format, is_active: body.isActive ? 1 : 0, created_at: now, updated_at: now })
      .executeTakeFirstOrThrow();
    return c.json({ code: 200, data: webhookView(await findWebhook(Number(result.insertId))) });
  });

  /** PUT /api/admin/alerts/webhooks/:id — any of { name, url, format, isActive } — data: the webhook view. */
  app.put("/webhooks/:id", validate("param", idParamSchema), validate("json", webhookUpdateSchema), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    if (body.url !== undefined) assertDestinationAllowed(body.url, deps.settings.destinations, "url");
    await findWebhook(id);
    await db
      .updateTable("t_alert_webhooks")
      .set({
        ...(body.name !== undefined && { name: body.name }),
        ...(body.url !== undefined && { url: body.url }),
        ...(body.format !== undefined && { format: body.format }),
        ...(body.isActive !== undefined && { is_active: body.isActive ? 1 : 0 }),
        updated_at: deps.clock.now(),
      })
      .where("id", "=", id)
      .execute();
    return c.json({ code: 200, data: webhookView(await findWebhook(id)) });
  });

  /** DELETE /api/admin/alerts/webhooks/:id — data: { id, deleted: true } */
  app.delete("/webhooks/:id", validate("param", idParamSchema), async (c) => {
    const { id } = c.req.valid("param");
    await findWebhook(id);
    await db.deleteFrom("t_alert_webhooks").where("id", "=", id).execute();
    return c.json({ code: 200, data: { id, deleted: true } });
  });

  /**
   * POST /api/admin/alerts/webhooks/:id/test — sends a test message to this webhook (one try,
   * recorded in the history as kind `test`).
   * data: { delivered: boolean, error: string|null }
   */
  app.post("/webhooks/:id/test", validate("param", idParamSchema), async (c) => {
    const { id } = c.req.valid("param");
    const row = await findWebhook(id);
    const notifier = new AlertNotifier(jobContextFrom(deps), { delivery: { attempts: 1 } });
    const report = await notifier.dispatch(
      {
        kind: "test",
        incidentKey: `test:${id}`,
        state: "firing",
        title: "modelgate test alert",
        lines: [`Test message for webhook '${row.name}'. Alerts from modelgate will arrive here.`],
        time: deps.clock.now(),
      },
      [targetOf(row)],
    );
    return c.json({ code: 200, data: { delivered: report.delivered, error: report.failures[0] ?? null } });
  });

  /**
   * GET /api/admin/alerts/history — filters `kind`, `state`, `from`, `to`; `limit` 1..200
   * (default 50), `cursor` = `nextCursor` of the previous page; newest first.
   * data: { items: Array<{ id, kind, incidentKey, state, title, message, delivered, deliveryError,
   *   createdAt (ISO) }>, nextCursor: number|null }
   */
  app.get("/history", validate("query", historyQuerySchema), async (c) => {
    const query = c.req.valid("query");
    let select = db.selectFrom("t_alert_history").selectAll();
    if (query.kind !== undefined) select = select.where("kind", "=", query.kind);
    if (query.state !== undefined) select = select.where("state", "=", query.state);
    if (query.from !== undefined) select = select.where("created_at", ">=", query.from);
    if (query.to !== undefined) select = select.where("created_at", "<", query.to);
    if (query.cursor !== undefined) select = select.where("id", "<", query.cursor);
    const rows = await select.orderBy("id", "desc").limit(query.limit + 1).execute();
    const page = rows.slice(0, query.limit);
    return c.json({ code: 200, data: { items: page.map(historyView), nextCursor: rows.length > query.limit ? Number(page.at(-1)!.id) : null } });
  });

  return app;
}
