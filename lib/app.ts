/**
 * createApp(deps): the one place routes are mounted. The same app serves the local Node server,
 * the Lambda handlers behind API Gateway, and the tests.
 */
import { Hono } from "hono";
import { sql } from "kysely";
import { clientRoutes } from "./admin/client-routes";
import { modelRoutes } from "./admin/model-routes";
import { providerRoutes } from "./admin/provider-routes";
import { alertRoutes } from "./alerts/alert-routes";
import { AdminSessions } from "./auth/admin-sessions";
import { loginRoutes } from "./auth/login-routes";
import { requireAdmin } from "./auth/require-admin";
import { sessionRoutes } from "./auth/session-routes";
import { clientBudgetRoutes } from "./budgets/budget-routes";
import { dashboardRoutes } from "./dashboard/dashboard-routes";
import type { AppDeps } from "./deps";
import { GatewayError } from "./errors";
import { createGateway, type GatewayOptions } from "./gateway/gateway";
import type { AppEnv } from "./http/app-env";
import { requestBodyLimit } from "./http/body-limit";
import { clientIp } from "./http/client-ip";
import { createErrorHandler, handleNotFound } from "./http/error-handler";
import { requestContext } from "./http/request-context";
import { jobRoutes } from "./jobs/job-routes";
import { rateLimit } from "./limits/rate-limit-middleware";
import { logRoutes } from "./stats/log-routes";
import { statsRoutes } from "./stats/stats-routes";

/** Optional tuning of the app's parts (tests and benchmarks); production uses the defaults. */
export interface AppOptions {
  /** Router, streaming and request-log tunables (lib/gateway/gateway.ts). */
  gateway?: GatewayOptions;
}

/** Builds the Hono app over its dependencies. */
export function createApp(deps: AppDeps, options: AppOptions = {}) {
  const app = new Hono<AppEnv>();
  app.onError(createErrorHandler(deps.logger));
  app.notFound(handleNotFound);
  app.use("*", requestContext({ newId: deps.newId }));
  const limitBody = requestBodyLimit({
    maxSize: deps.settings.maxBodyBytes,
    onError: () => {
      throw new GatewayError(413, "payload_too_large", `Request body exceeds ${deps.settings.maxBodyBytes} bytes`);
    },
  });
  app.use("/api/*", limitBody);
  app.use("/v1/*", limitBody);

  app.get("/health", async (c) => {
    const checks: Record<string, string> = {};
    try {
      await sql`select 1`.execute(deps.database.db);
      checks.database = "ok";
    } catch {
      checks.database = "down";
    }
    try {
      await deps.limits.getVersion("health");
      checks.limits = "ok";
    } catch {
      checks.limits = "down";
    }
    const healthy = Object.values(checks).every((value) => value === "ok");
    return c.json(
      { status: healthy ? "ok" : "degraded", database: deps.database.kind, limits: deps.limits.kind, checks },
      healthy ? 200 : 503,
    );
  });

  // The deployment guide's global limit: a window and a maximum per caller IP on login and admin routes.
  const globalLimit = rateLimit({
    limiter: deps.requestLimiter,
    max: deps.settings.rateLimit.max,
    windowMs: deps.settings.rateLimit.windowMs,
    keyOf: (c) => clientIp(c),
    prefix: "global",
  });
  app.use("/api/auth/*", globalLimit);
  app.use("/api/admin/*", globalLimit);
  // One per app: the admin guard, the session routes and the model routes share its cache.
  const adminSessions = new AdminSessions({
    db: deps.database.db,
    jwtSecret: deps.jwtSecret,
    now: () => deps.clock.now(),
    expiresInSeconds: deps.settings.jwtExpiresInSeconds,
  });
  app.use("/api/admin/*", requireAdmin({ sessions: adminSessions }));

  app.route("/api/auth", loginRoutes(deps, adminSessions));
  app.route("/api/auth", sessionRoutes(deps, adminSessions));
  app.route("/api/admin/ai-providers", providerRoutes(deps));
  app.route("/api/admin/ai-models", modelRoutes(deps));
  app.route("/api/admin/clients", clientRoutes(deps));
  app.route("/api/admin/clients", clientBudgetRoutes(deps));
  app.route("/api/admin/ai-stats", statsRoutes(deps));
  app.route("/api/admin/ai-logs", logRoutes(deps));
  app.route("/api/admin/alerts", alertRoutes(deps));
  app.route("/api/admin/jobs", jobRoutes(deps));
  app.route("/admin", dashboardRoutes(deps));
  // Chat routes (/v1/*, /api/ai/*) and POST /api/admin/ai-providers/keys/:keyId/validate.
  const { firstTokenTimeoutMs, idleTimeoutMs } = deps.settings.streaming;
  createGateway(deps, { ttftTimeoutMs: firstTokenTimeoutMs, idleTimeoutMs, adminSessions, ...options.gateway }).mount(app);

  return app;
}

/** The app type, for typed clients in tests. */
export type GatewayApp = ReturnType<typeof createApp>;
