/**
 * createApp(deps): the one place routes are mounted. The same app serves the local Node server,
 * the Lambda handlers behind API Gateway, and the tests.
 */
import { Hono } from "hono";
import { sql } from "kysely";
import { aliasRoutes } from "./admin/alias-routes";
import { clientRoutes } from "./admin/client-routes";
import { modelPriceRoutes } from "./admin/model-price-routes";
import { modelRoutes } from "./admin/model-routes";
import { providerRoutes } from "./admin/provider-routes";
import { userRoutes } from "./admin/user-routes";
import { alertRoutes } from "./alerts/alert-routes";
import { auditRecorder } from "./audit/audit-recorder";
import { auditRoutes } from "./audit/audit-routes";
import { AdminSessions } from "./auth/admin-sessions";
import { loginRoutes } from "./auth/login-routes";
import { requireAdmin } from "./auth/require-admin";
import { sessionRoutes } from "./auth/session-routes";
import { clientBudgetRoutes } from "./budgets/budget-routes";
import { dashboardRoutes } from "./dashboard/dashboard-routes";
import type { AppDeps } from "./deps";
import { GatewayError } from "./errors";
import { createGateway, type GatewayOptions } from "./gateway/gateway";
import type { AppEnv, Caller } from "./http/app-env";
import { requestBodyLimit } from "./http/body-limit";
import { clientIp } from "./http/client-ip";
import { MatchCache } from "./http/match-cache";
import { createErrorHandler, handleNotFound } from "./http/error-handler";
import { requestContext } from "./http/request-context";
import { jobRoutes } from "./jobs/job-routes";
import { rateLimit } from "./limits/rate-limit-middleware";
import { createStoreRequestLimiter } from "./limits/request-limiter";
import { apiReferenceRoutes } from "./openapi/api-reference-routes";
import { logRoutes } from "./stats/log-routes";
import { statsRoutes } from "./stats/stats-routes";

/** Optional tuning of the app's parts (tests and benchmarks); production uses the defaults. */
export interface AppOptions {
  /** Router, streaming and request-log tunables (lib/gateway/gateway.ts). */
  gateway?: GatewayOptions;
}

/** Builds the Hono app over its dependencies. */
export function createApp(deps: AppDeps, options: AppOptions = {}) {
  const app = new Hono<AppEnv>({ router: new MatchCache() });
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

  // The login and admin limits count in the limit store's exact sliding windows (on Upstash the
  // same Lua as the key limits), not @upstash/ratelimit's approximate one, which lets calls past a
  // limit around its window boundaries: a brute-force limit must hold, and a refusal must say
  // truly when it lifts.
  const exactLimiter = createStoreRequestLimiter(deps.limits, { now: () => deps.clock.now() });
  // Login, logout and password changes: a window and a maximum per caller IP (beside the
  // per-user lockout after failed logins, which the login route keeps itself).
  app.use(
    "/api/auth/*",
    rateLimit({
      limiter: exactLimiter,
      max: deps.settings.rateLimit.max,
      windowMs: deps.settings.rateLimit.windowMs,
      keyOf: (c) => clientIp(c),
      prefix: "global",
      setting: "RATE_LIMIT_MAX",
      now: () => deps.clock.now(),
    }),
  );
  // One per app: the admin guard, the session routes and the model routes share its cache.
  const adminSessions = new AdminSessions({
    db: deps.database.db,
    jwtSecret: deps.jwtSecret,
    now: () => deps.clock.now(),
    expiresInSeconds: deps.settings.jwtExpiresInSeconds,
  });
  app.use("/api/admin/*", requireAdmin({ sessions: adminSessions }));
  // Before every route it audits; the own-password change sets its caller inside its route.
  const recordChanges = auditRecorder(deps);
  app.use("/api/admin/*", recordChanges);
  app.use("/api/auth/password", recordChanges);
  // After the guard, so it counts per admin user (people behind one office IP do not share it)
  // and only calls that carry a valid token; far higher than the login limit.
  app.use(
    "/api/admin/*",
    rateLimit<AppEnv>({
      limiter: exactLimiter,
      max: deps.settings.adminRateLimit.max,
      windowMs: deps.settings.adminRateLimit.windowMs,
      keyOf: (c) => adminLimitKey(c.get("caller")),
      prefix: "admin",
      setting: "ADMIN_RATE_LIMIT_MAX",
      now: () => deps.clock.now(),
    }),
  );

  app.route("/api/auth", loginRoutes(deps, adminSessions));
  app.route("/api/auth", sessionRoutes(deps, adminSessions));
  app.route("/api/admin/ai-providers", providerRoutes(deps));
  app.route("/api/admin/ai-models", modelRoutes(deps));
  app.route("/api/admin/ai-models", modelPriceRoutes(deps));
  app.route("/api/admin/ai-aliases", aliasRoutes(deps));
  app.route("/api/admin/clients", clientRoutes(deps));
  app.route("/api/admin/clients", clientBudgetRoutes(deps));
  app.route("/api/admin/ai-stats", statsRoutes(deps));
  app.route("/api/admin/ai-logs", logRoutes(deps));
  app.route("/api/admin/alerts", alertRoutes(deps));
  app.route("/api/admin/jobs", jobRoutes(deps));
  app.route("/api/admin/audit", auditRoutes(deps));
  app.route("/api/admin/users", userRoutes(deps, adminSessions));
  app.route("/admin", dashboardRoutes(deps));
  // Chat routes (/v1/*, /api/ai/*) and POST /api/admin/ai-providers/keys/:keyId/validate.
  const { firstTokenTimeoutMs, idleTimeoutMs } = deps.settings.streaming;
  createGateway(deps, { ttftTimeoutMs: firstTokenTimeoutMs, idleTimeoutMs, adminSessions, ...options.gateway }).mount(app);
  // Read when first asked, so it lists every route mounted by then.
  app.route("/", apiReferenceRoutes(() => app.routes));

  return app;
}

function adminLimitKey(caller: Caller | undefined): string | undefined {
  return caller?.kind === "admin" ? `user:${caller.userId}` : undefined;
}

/** The app type, for typed clients in tests. */
export type GatewayApp = ReturnType<typeof createApp>;
