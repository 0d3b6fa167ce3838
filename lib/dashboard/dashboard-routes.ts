/**
 * The admin dashboard, mounted at /admin: a static HTML shell, the app's script and stylesheet,
 * and the charting library, all under a strict Content-Security-Policy. The page talks to the
 * admin API with relative URLs (`../api/…`), so it works locally and behind API Gateway, where
 * the stage name is the first segment of the browser's path but not of the path the app sees.
 */
import { Hono, type Context } from "hono";
import { html } from "hono/html";
import type { AppDeps } from "../deps";
import type { AppEnv } from "../http/app-env";
import { describeProviderFormats } from "../providers/provider-registry";
import { chartLibraryCandidates, chartLibraryLoader, matchesEtag, staticAsset, type StaticAsset } from "./dashboard-assets";
import { dashboardScriptLoader } from "./dashboard-script";
import { DASHBOARD_CSS } from "./dashboard-styles";

/**
 * Sent on every dashboard response: scripts, styles and connections only from this origin,
 * no inline script or style, no framing.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Options of {@link dashboardRoutes}. */
export interface DashboardOptions {
  /** Where to look for the charting library. @default chartLibraryCandidates() */
  chartLibraryPaths?: string[];
  /** Loads the app's script. @default one loader per process, see dashboard-script.ts */
  appScript?: () => Promise<StaticAsset>;
}

const appStyles = staticAsset(DASHBOARD_CSS, "text/css; charset=utf-8");
// Shared by every app of the process, so the script is built (or read) once.
const sharedAppScript = dashboardScriptLoader();

/** The formats the add-provider form offers (the registry's, in its order), handed to the page as data. */
const PROVIDER_FORMATS_JSON = JSON.stringify(
  describeProviderFormats().map(({ format, label, exampleBaseUrl, protocols }) => ({ format, label, exampleBaseUrl, protocols })),
);

/** Routes mounted at /admin. */
export function dashboardRoutes(deps: Pick<AppDeps, "logger">, { chartLibraryPaths, appScript = sharedAppScript }: DashboardOptions = {}) {
  const app = new Hono<AppEnv>();
  // Read once per app (one per Lambda container), then served from memory.
  const chartLibrary = chartLibraryLoader(chartLibraryPaths ?? chartLibraryCandidates());

  app.use("*", async function dashboardHeaders(c, next) {
    await next();
    c.header("Content-Security-Policy", DASHBOARD_CSP);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "no-referrer");
    c.header("X-Frame-Options", "DENY");
  });

  // Without the trailing slash the page's relative URLs would resolve one level too high.
  app.get("/", (c) => c.redirect("admin/", 302));

  app.get("/assets/app.js", async (c) => {
    try {
      return serveAsset(c, await appScript());
    } catch (error) {
      deps.logger.error("dashboard script unavailable", { error });
      return c.text("Dashboard script unavailable", 503, { "cache-control": "no-store" });
    }
  });
  app.get("/assets/app.css", (c) => serveAsset(c, appStyles));
  app.get("/assets/chart.umd.js", async (c) => {
    try {
      return serveAsset(c, await chartLibrary());
    } catch (error) {
      deps.logger.error("dashboard charting library unavailable", { error });
      return c.text("Charting library unavailable", 503, { "cache-control": "no-store" });
    }
  });

  app.get("/*", async (c) => {
    // Only the mount point itself ("/admin/") is the page; deeper paths are not ours.
    if (!c.req.path.endsWith("/") || c.req.path.split("/").filter(Boolean).length !== 1) return c.notFound();
    let scriptVersion = "";
    try {
      scriptVersion = (await appScript()).version;
    } catch (error) {
      deps.logger.error("dashboard script unavailable", { error });
    }
    let chartVersion = "";
    try {
      chartVersion = (await chartLibrary()).version;
    } catch (error) {
      // The page still works without charts; the usage view says so.
      deps.logger.warn("dashboard charting library unavailable", { error });
    }
    c.header("cache-control", "no-cache");
    return c.html(shellHtml(scriptVersion, chartVersion));
  });

  return app;
}

/** The HTML shell; everything else is built by the script, which sets the language. */
function shellHtml(scriptVersion: string, chartVersion: string) {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <title>modelgate admin</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="assets/app.css?v=${appStyles.version}" />
    <script src="assets/chart.umd.js?v=${chartVersion}" defer></script>
    <script src="assets/app.js?v=${scriptVersion}" defer></script>
  </head>
  <body data-provider-formats="${PROVIDER_FORMATS_JSON}">
    <div id="app"><noscript>The modelgate dashboard needs JavaScript. 控制台需要启用 JavaScript。</noscript></div>
  </body>
</html>
`;
}

/**
 * Sends an in-memory asset with a content-hash ETag. A URL carrying the current version
 * (`?v=<hash>`) may be cached for good; any other is revalidated on each use.
 */
function serveAsset(c: Context<AppEnv>, asset: StaticAsset): Response {
  const versioned = c.req.query("v") === asset.version;
  const headers = {
    "content-type": asset.contentType,
    etag: asset.etag,
    "cache-control": versioned ? "public, max-age=31536000, immutable" : "no-cache",
  };
  if (matchesEtag(c.req.header("if-none-match"), asset.etag)) return c.body(null, 304, headers);
  return c.body(asset.body, 200, headers);
}
