/**
 * Settings every modelgate Lambda shares, as plain constants: no SST globals here, so
 * `scripts/bundle-functions.ts` bundles exactly what `sst deploy` bundles.
 */

/**
 * Lambda runtime for every function. Node 24 is SST's default and the runtime AWS supports
 * longest (Node 22 reaches end of life in April 2027).
 */
export const LAMBDA_RUNTIME = "nodejs24.x";

/** Graviton: about 20 % cheaper per GB-second, and nothing we bundle is a native addon. */
export const LAMBDA_ARCHITECTURE = "arm64";

/**
 * The esbuild target SST derives from the runtime (`pkg/runtime/node/build.go`, `targetMap`).
 * Keep in step with {@link LAMBDA_RUNTIME}.
 */
export const BUNDLE_TARGET = "es2024";

/**
 * Packages left out of every bundle.
 * - `@aws-sdk/*`: the Node.js 18+ Lambda runtimes ship AWS SDK v3 and resolve it for ES modules
 *   (NODE_PATH), and we only call the stable `GetSecretValue`; SST would bundle it otherwise.
 * - `better-sqlite3`, `mysql2`: the embedded SQLite and TCP MySQL drivers. `db/connection.ts`
 *   imports them only for those targets; a Lambda always talks to PlanetScale over HTTP, and the
 *   SQLite addon is native code that cannot be bundled.
 */
export const BUNDLE_EXTERNAL_PACKAGES = ["@aws-sdk/*", "better-sqlite3", "mysql2"];

/** SST's `nodejs` bundling options for every function (ESM is also SST's default; stated, not assumed). */
export const NODEJS_BUNDLING = {
  format: "esm" as const,
  minify: true,
  esbuild: { external: BUNDLE_EXTERNAL_PACKAGES },
};

/**
 * Every Lambda entry, as SST handler strings (`<file without extension>.<export>`).
 * The files live in `functions/` and stay thin: they wire `lib/` to the event source.
 */
export const LAMBDA_HANDLERS = {
  /** Buffered Hono handler (`handle(app)`) for every route that does not stream. */
  api: "functions/api.handler",
  /** Streaming Hono handler (`streamHandle(app)`) for the two chat completion routes. */
  apiStream: "functions/api-stream.handler",
  cronRollup: "functions/cron-rollup.handler",
  cronPurge: "functions/cron-purge.handler",
  cronErrorRate: "functions/cron-error-rate.handler",
  cronKeyStatus: "functions/cron-key-status.handler",
} as const;

/** A key of {@link LAMBDA_HANDLERS}. */
export type LambdaName = keyof typeof LAMBDA_HANDLERS;

/** The source file of an SST handler string: `functions/api.handler` -> `functions/api.ts`. */
export function handlerSourceFile(handler: string): string {
  return `${handler.slice(0, handler.lastIndexOf("."))}.ts`;
}

/** Days of API call logs the daily purge keeps (the app's own default, LOG_RETENTION_DAYS). */
export const LOG_RETENTION_DAYS = "90";

/**
 * The dashboard's chart library, copied next to the API bundle because node_modules is not
 * shipped. Mirrors `DASHBOARD_ASSET_COPY` in lib/dashboard/dashboard-assets.ts (stacks/ imports
 * nothing from lib/; a shape test keeps the two equal).
 */
export const DASHBOARD_ASSET_COPY = { from: "node_modules/chart.js/dist/chart.umd.js", to: "dashboard-assets/chart.umd.js" };

/**
 * The dashboard's own script, built from its TypeScript modules when the stack is evaluated and
 * copied next to the API bundle: esbuild (and the sources) are not there at run time.
 * `lib/dashboard/dashboard-script.ts` builds with the same options when it has the sources.
 */
export const DASHBOARD_SCRIPT_COPY = { from: "dist/dashboard-assets/app.js", to: "dashboard-assets/app.js" };

/** esbuild options of the dashboard script; paths are relative to the repository root. */
export const DASHBOARD_SCRIPT_BUILD: import("esbuild").BuildOptions = {
  entryPoints: ["lib/dashboard/browser/main.ts"],
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2020",
  minify: true,
  legalComments: "none",
  charset: "utf8",
  logLevel: "warning",
};
