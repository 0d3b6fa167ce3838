/**
 * GET /openapi.json (the document, built from the app's routes on first request and kept) and
 * GET /docs (a reference page rendering it), served under the dashboard's strict CSP.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { version } from "../../package.json";
import { DASHBOARD_CSP } from "../dashboard/dashboard-routes";
import type { AppEnv } from "../http/app-env";
import { buildOpenApiDocument, type MountedRoute } from "./openapi-document";
import { REFERENCE_PAGE_CSS, REFERENCE_PAGE_HTML } from "./reference-page";
import { REFERENCE_PAGE_JS } from "./reference-page-script";

const DESCRIPTION =
  "Serverless AI model gateway. Model calls (/v1/*, /api/ai/*) take a client key or an admin token; " +
  "the admin API (/api/admin/*) takes an admin token from POST /api/auth/login and answers {code, data} or {code, message, errors?}.";

/** The dashboard's headers: same-origin script and style only, no framing. */
const referenceHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  c.header("Content-Security-Policy", DASHBOARD_CSP);
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "no-referrer");
  c.header("X-Frame-Options", "DENY");
};

/** Routes for the reference; `routes` is read when first asked, once every route is mounted. */
export function apiReferenceRoutes(routes: () => readonly MountedRoute[]) {
  const app = new Hono<AppEnv>();
  let document: string | undefined;

  app.use("/docs/*", referenceHeaders);
  app.use("/docs", referenceHeaders);
  app.get("/openapi.json", (c) => {
    document ??= JSON.stringify(buildOpenApiDocument(routes(), { title: "modelgate", version, description: DESCRIPTION }));
    return c.body(document, 200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-cache" });
  });
  app.get("/docs", (c) => c.html(REFERENCE_PAGE_HTML));
  app.get("/docs/assets/reference.js", (c) => c.body(REFERENCE_PAGE_JS, 200, { "content-type": "text/javascript; charset=utf-8" }));
  app.get("/docs/assets/reference.css", (c) => c.body(REFERENCE_PAGE_CSS, 200, { "content-type": "text/css; charset=utf-8" }));
  return app;
}
