/**
 * The HTTP front door: one API Gateway REST API (v1) in front of the Hono app for every route.
 *
 * Two Lambda functions serve the same app. The model routes of the doors (chat completions,
 * messages, responses) go to a streaming one (`responseTransferMode: STREAM`), which lifts API
 * Gateway's 29-second and 10 MB limits for streamed and non-streamed answers alike; everything
 * else (admin API, dashboard, health, `/v1/models`, embeddings) goes to a buffered one. API
 * Gateway picks the most specific resource, so the literal model paths win over the `{proxy+}`
 * catch-alls.
 */
import {
  DASHBOARD_ASSET_COPY,
  DASHBOARD_SCRIPT_BUILD,
  DASHBOARD_SCRIPT_COPY,
  LAMBDA_ARCHITECTURE,
  LAMBDA_HANDLERS,
  LAMBDA_RUNTIME,
  LOG_RETENTION_DAYS,
  NODEJS_BUNDLING,
} from "./lambda-defaults";
import {
  adminEnvironment,
  alertEnvironment,
  databaseEnvironment,
  keyEncryptionAccess,
  upstashEnvironment,
} from "./secrets";

/** Everything the app needs: it serves admin routes, decrypts provider keys and runs jobs on demand. */
const apiEnvironment = {
  ...databaseEnvironment,
  ...upstashEnvironment,
  ...adminEnvironment,
  ...alertEnvironment,
  LOG_RETENTION_DAYS,
};

/**
 * Longest a chat completion may run; reasoning models can take minutes. A non-streamed answer
 * sends no byte until it is done, so API Gateway's 5-minute idle cut would end it first: the app
 * bounds those below that (lib/config/deploy-bounds.ts) and answers 504 suggesting `stream: true`.
 */
const CHAT_TIMEOUT_SECONDS = 600;

// Built here, before SST bundles and copies: the function serves this file as the dashboard's script.
// Named by a variable so no bundler of this config pulls esbuild in; it loads from node_modules.
const esbuildPackage = "esbuild";
const { build } = (await import(esbuildPackage)) as typeof import("esbuild");
await build({ ...DASHBOARD_SCRIPT_BUILD, outfile: DASHBOARD_SCRIPT_COPY.from });

/** Buffered handler for every non-chat route. */
export const apiFunction = new sst.aws.Function("ApiHandler", {
  handler: LAMBDA_HANDLERS.api,
  description: "modelgate API (buffered): admin API, dashboard, health, models",
  runtime: LAMBDA_RUNTIME,
  architecture: LAMBDA_ARCHITECTURE,
  // Memory buys CPU on Lambda; 1 GB keeps cold starts and scrypt password hashing quick.
  memory: "1024 MB",
  // API Gateway gives a buffered integration 29 s at most; a longer Lambda timeout would only burn money.
  timeout: "30 seconds",
  nodejs: NODEJS_BUNDLING,
  // The dashboard (served by this function) reads its script and the chart library from here.
  copyFiles: [DASHBOARD_ASSET_COPY, DASHBOARD_SCRIPT_COPY],
  environment: apiEnvironment,
  link: [keyEncryptionAccess],
});

/** Streaming handler for the model routes of the doors. */
export const apiStreamFunction = new sst.aws.Function("ApiStreamHandler", {
  handler: LAMBDA_HANDLERS.apiStream,
  description: "modelgate model routes (response streaming)",
  runtime: LAMBDA_RUNTIME,
  architecture: LAMBDA_ARCHITECTURE,
  memory: "1024 MB",
  timeout: `${CHAT_TIMEOUT_SECONDS} seconds`,
  streaming: true,
  nodejs: NODEJS_BUNDLING,
  environment: apiEnvironment,
  link: [keyEncryptionAccess],
});

/** The REST API. Its URL (with the stage as first path segment) is the gateway's base URL. */
export const api = new sst.aws.ApiGatewayV1("Api", {
  // Regional, not SST's default edge: an edge-optimized endpoint cuts idle streams after 30 s, a regional one after 5 min.
  endpoint: { type: "regional" },
  // CORS, if wanted, belongs in the Hono app: behind a proxy integration the Lambda must set the
  // headers on real responses anyway, and SST's default adds a mock OPTIONS allowing every origin.
  cors: false,
  transform: {
    // Lets API Gateway decode the base64 bodies Hono's buffered handler returns for binary types.
    api: { binaryMediaTypes: ["*/*"] },
  },
});

/** Literal paths of the routes that stream: the model routes of every door. */
export const STREAMING_PATHS = ["/v1/chat/completions", "/v1/messages", "/v1/responses", "/api/ai/chat/completions"] as const;

/** Streaming paths with other routes below them (`/v1/messages/count_tokens`, `/v1/responses/{id}`). */
const STREAMING_PATHS_WITH_CHILDREN = ["/v1/messages", "/v1/responses"];

/**
 * Every literal resource above a streaming path (`/v1`, `/v1/chat`, `/api`, …), and the streaming
 * paths that have routes below them. Once a request's first segment matches one of them, API
 * Gateway descends into it; whether it then falls back to `/{proxy+}` higher up when the rest
 * does not match is not documented, so each gets its own catch-all and `/v1/models` or
 * `/api/admin/...` reach the app either way.
 */
const literalBranches = [
  ...new Set([
    ...STREAMING_PATHS.flatMap((path) => {
      const segments = path.split("/").filter(Boolean);
      return segments.slice(1).map((_, index) => `/${segments.slice(0, index + 1).join("/")}`);
    }),
    ...STREAMING_PATHS_WITH_CHILDREN,
  ]),
];

api.route("ANY /", apiFunction.arn);
api.route("ANY /{proxy+}", apiFunction.arn);
for (const branch of literalBranches) api.route(`ANY ${branch}/{proxy+}`, apiFunction.arn);
for (const path of STREAMING_PATHS) {
  // `streaming` on the route (not the function definition) because both routes share one
  // function passed by ARN instead of getting a copy each.
  api.route(`ANY ${path}`, apiStreamFunction.arn, {
    streaming: true,
    transform: {
      // A STREAM integration may wait up to 15 min (default 29 s); match the function timeout.
      integration: { timeoutMilliseconds: CHAT_TIMEOUT_SECONDS * 1000 },
    },
  });
}
api.deploy();
