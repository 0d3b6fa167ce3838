/**
 * Records every successful admin change in one place: middleware in front of every mutating
 * route under /api/admin and of the own-password change, so a route added later is audited
 * without doing anything. It runs after the route: only a change that happened (a 2xx answer) is
 * recorded, named by the route that served it (audit-target.ts), with the body's fields minus
 * secrets (audit-summary.ts). A failed write is logged and does not undo or fail the change.
 */
import type { MiddlewareHandler } from "hono";
import type { AppDeps } from "../deps";
import type { AppEnv } from "../http/app-env";
import { clientIp } from "../http/client-ip";
import { writeAuditEntry } from "./audit-log";
import { auditSummary } from "./audit-summary";
import { auditTarget } from "./audit-target";

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

async function jsonOf(read: () => Promise<unknown>): Promise<unknown> {
  try {
    return await read();
  } catch {
    return null;
  }
}

/** The middleware; mount it before the routes it audits. */
export function auditRecorder(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async function auditRecorderMiddleware(c, next) {
    if (READS.has(c.req.method)) return next();
    await next();
    const caller = c.get("caller");
    if (c.res.status >= 300 || caller?.kind !== "admin") return;
    // What the route validated (normalised names, canonical model entries), else the body as sent.
    const validated = (c.req.valid as (target: string) => unknown)("json");
    const body = validated ?? (c.req.header("content-type")?.includes("json") ? await jsonOf(() => c.req.json()) : null);
    const answer = (await jsonOf(() => c.res.clone().json())) as { data?: Record<string, unknown> } | null;
    const data = answer?.data ?? null;
    const createdId = data !== null && (typeof data.id === "number" || typeof data.id === "string") ? String(data.id) : null;
    const { parents, ...target } = auditTarget(c.req.method, c.req.routePath, c.req.param() as Record<string, string>, createdId, caller.userId);
    try {
      await writeAuditEntry(deps.database.db, {
        at: deps.clock.now(),
        adminUserId: caller.userId,
        adminUsername: caller.username,
        ...target,
        summary: { ...parents, ...auditSummary(body, data) },
        ip: clientIp(c),
        requestId: c.get("requestId") ?? null,
      });
    } catch (error) {
      deps.logger.error("audit entry not written", { requestId: c.get("requestId"), action: target.action, error });
    }
  };
}
