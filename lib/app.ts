/**
 * createApp(deps): the one place routes are mounted. The same app serves the local Node server,
 * the Lambda handlers behind API Gateway, and the tests.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { sql } from "kysely";
import { clientRoutes } from "./admin/client-routes";
import { modelRoutes } from "./admin/model-routes";
import { providerRoutes } from "./admin/provider-routes";
import { loginRoutes } from "./auth/login-routes";
import { requireAdmin } from "./auth/require-admin";
import type { AppDeps } from "./deps";
import { GatewayError } from "./errors";
import type { AppEnv } from "./http/app-env";
import { clientIp } from "./http/client-ip";
import { createErrorHandler, handleNotFound } from "./http/error-handler";
import { requestContext } from "./http/request-context";
import { rateLimit } from "./limits/rate-limit-middleware";

/** Builds the Hono app over its dependencies. */
export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.onError(createErrorHandler(deps.logger));
  app.notFound(handleNotFound);
  app.use("*", requestContext({ newId: deps.newId }));
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: deps.settings.maxBodyBytes,
      onError: () => {
        throw new GatewayError(413, "payload_too_large", `Request body exceeds ${deps.settings.maxBodyBytes} bytes`);
      },
    }),
  );
  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: deps.settings.maxBodyBytes,
      onError: () => {
        throw new GatewayError(413, "payload_too_large", `Request body exceeds ${deps.settings.maxBodyBytes} bytes`);
      },
    }),
  );

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
  app.use("/api/admin/*", requireAdmin({ jwtSecret: deps.jwtSecret, now: () => deps.clock.now() }));

  app.route("/api/auth", loginRoutes(deps));
  app.route("/api/admin/ai-providers", providerRoutes(deps));
  app.route("/api/admin/ai-models", modelRoutes(deps));
  app.route("/api/admin/clients", clientRoutes(deps));

  return app;
}

/** The app type, for typed clients in tests. */
export type GatewayApp = ReturnType<typeof createApp>;
