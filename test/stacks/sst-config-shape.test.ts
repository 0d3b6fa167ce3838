/**
 * Evaluates `sst.config.ts` and `stacks/` with recording stand-ins for SST's globals and asserts
 * the wiring: routes and their streaming flags, schedules and handlers, what reaches each
 * function, and the IAM grants. Offline; no SST, Pulumi or AWS involved.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { API_GATEWAY_IDLE_LIMIT_MS, NON_STREAMED_DEADLINE_MS, PROVIDER_TIMEOUT_MAX_MS } from "../../lib/config/deploy-bounds";
import { JOBS, isJobName, ON_DEMAND_MAX_RUN_MS } from "../../lib/jobs/job-registry";
import { BUNDLE_EXTERNAL_PACKAGES, handlerSourceFile } from "../../stacks/lambda-defaults";
import {
  defineSstApp,
  installSstGlobals,
  matchRestRoute,
  removeSstGlobals,
  type RecordedResource,
  type SstRecording,
} from "./sst-globals-recorder";

const repositoryRoot = resolve(import.meta.dirname, "../..");
// Imported by URL so the root type-check does not follow it into SST's platform types.
const configUrl = pathToFileURL(resolve(repositoryRoot, "sst.config.ts")).href;

interface SstConfigStandIn {
  app(input: { stage: string }): { name: string; home: string; removal: "remove" | "retain" | "retain-all"; protect: boolean };
  run(): Promise<Record<string, unknown>>;
}

async function loadConfig(): Promise<SstConfigStandIn> {
  vi.resetModules();
  return ((await import(/* @vite-ignore */ configUrl)) as { default: SstConfigStandIn }).default;
}

/** Runs the config the way SST does: globals, `app()`, then `$app`, then `run()`. */
async function evaluateConfig(stage: string) {
  const recording = installSstGlobals();
  const config = await loadConfig();
  const app = config.app({ stage });
  defineSstApp({ name: app.name, stage, removal: app.removal, protect: app.protect });
  const outputs = await config.run();
  return { app, recording, outputs };
}

const secretValue = (name: string) => `<${name}.value>`;
const DATABASE = {
  DATABASE_HOST: secretValue("DatabaseHost"),
  DATABASE_USERNAME: secretValue("DatabaseUsername"),
  DATABASE_PASSWORD: secretValue("DatabasePassword"),
};
const UPSTASH = {
  UPSTASH_REDIS_REST_URL: secretValue("UpstashRedisRestUrl"),
  UPSTASH_REDIS_REST_TOKEN: secretValue("UpstashRedisRestToken"),
};
const ALERTS = { ALERT_WEBHOOK_URL: secretValue("AlertWebhookUrl") };
const API_ENVIRONMENT = {
  ...DATABASE,
  ...UPSTASH,
  ...ALERTS,
  JWT_SECRET: secretValue("JwtSecret"),
  KEY_ENCRYPTION_SECRET_ARN: "<KeyEncryptionSecret.arn>",
  LOG_RETENTION_DAYS: "90",
};

/**
 * An EventBridge schedule as period and offset (UTC), for the forms the stack uses:
 * `rate(N minutes)`, `cron(M * * * ? *)` (hourly) and `cron(M H * * ? *)` (daily).
 */
function schedulePeriod(schedule: string): { everyMs: number; offsetMs: number } {
  const rate = /^rate\((\d+) minutes?\)$/.exec(schedule);
  if (rate) return { everyMs: Number(rate[1]) * 60_000, offsetMs: 0 };
  const cron = /^cron\((\d+) (\*|\d+) \* \* \? \*\)$/.exec(schedule);
  if (!cron) throw new Error(`unsupported schedule ${schedule}`);
  const minute = Number(cron[1]) * 60_000;
  return cron[2] === "*" ? { everyMs: 3_600_000, offsetMs: minute } : { everyMs: 86_400_000, offsetMs: Number(cron[2]) * 3_600_000 + minute };
}

/** The function a CronV2 runs, as passed to it. */
function cronFunction(cron: RecordedResource): Record<string, any> {
  return cron.args.function as Record<string, any>;
}

describe("sst.config.ts app()", () => {
  afterEach(() => removeSstGlobals());

  it("names the app and keeps production", async () => {
    installSstGlobals();
    const config = await loadConfig();
    expect(config.app({ stage: "production" })).toEqual({ name: "modelgate", home: "aws", removal: "retain", protect: true });
    expect(config.app({ stage: "ci" })).toEqual({ name: "modelgate", home: "aws", removal: "remove", protect: false });
  });
});

describe("sst.config.ts run() on a disposable stage", () => {
  let recording: SstRecording;
  let outputs: Record<string, unknown>;

  beforeEach(async () => {
    ({ recording, outputs } = await evaluateConfig("ci"));
  });
  afterEach(() => removeSstGlobals());

  it("prints the API URL and the master-key secret ARN", () => {
    expect(outputs).toEqual({ api: "<Api.url>", keyEncryptionSecretArn: "<KeyEncryptionSecret.arn>" });
  });

  it("puts one regional REST API in front of everything, CORS left to the app", () => {
    const [api] = recording.ofType("sst.aws.ApiGatewayV1");
    expect(recording.ofType("sst.aws.ApiGatewayV1")).toHaveLength(1);
    expect(api.name).toBe("Api");
    expect(api.args).toEqual({ endpoint: { type: "regional" }, cors: false, transform: { api: { binaryMediaTypes: ["*/*"] } } });
  });

  it("gives a chat request more time than the gateway's own bound on it", () => {
    const streamingFunction = recording.get("sst.aws.Function", "ApiStreamHandler");
    const functionTimeoutMs = Number(/^(\d+) seconds$/.exec(String(streamingFunction.args.timeout))![1]) * 1000;
    expect(functionTimeoutMs).toBeGreaterThan(NON_STREAMED_DEADLINE_MS);
    expect(functionTimeoutMs).toBeGreaterThan(PROVIDER_TIMEOUT_MAX_MS);
    for (const route of recording.routes.filter((candidate) => candidate.args.streaming)) {
      expect(route.args.transform.integration.timeoutMilliseconds, route.route).toBeGreaterThan(NON_STREAMED_DEADLINE_MS);
    }
    // A non-streamed answer sends nothing until done: it must end before the idle cut.
    expect(NON_STREAMED_DEADLINE_MS).toBeLessThan(API_GATEWAY_IDLE_LIMIT_MS);
  });

  it("routes every path, streaming exactly the model routes of the doors", () => {
    const table = recording.routes.map((route) => ({
      route: route.route,
      handler: route.handler,
      streaming: route.args.streaming ?? false,
      integrationTimeout: route.args.transform?.integration?.timeoutMilliseconds,
    }));
    const buffered = (route: string) => ({ route, handler: "<ApiHandler.arn>", streaming: false, integrationTimeout: undefined });
    const streamed = (route: string) => ({ route, handler: "<ApiStreamHandler.arn>", streaming: true, integrationTimeout: 600_000 });
    expect(table).toEqual([
      buffered("ANY /"),
      buffered("ANY /{proxy+}"),
      buffered("ANY /v1/{proxy+}"),
      buffered("ANY /v1/chat/{proxy+}"),
      buffered("ANY /api/{proxy+}"),
      buffered("ANY /api/ai/{proxy+}"),
      buffered("ANY /api/ai/chat/{proxy+}"),
      buffered("ANY /v1/messages/{proxy+}"),
      buffered("ANY /v1/responses/{proxy+}"),
      streamed("ANY /v1/chat/completions"),
      streamed("ANY /v1/messages"),
      streamed("ANY /v1/responses"),
      streamed("ANY /api/ai/chat/completions"),
    ]);
    // deploy() must come after the routes, or API Gateway deploys a stage without them.
    expect(recording.deployments).toEqual([{ api: "Api", routeCount: 13 }]);
  });

  it.each([
    ["/", "<ApiHandler.arn>"],
    ["/health", "<ApiHandler.arn>"],
    ["/admin", "<ApiHandler.arn>"],
    ["/api/auth/login", "<ApiHandler.arn>"],
    ["/api/admin/ai-providers/1/keys", "<ApiHandler.arn>"],
    ["/api/admin/ai-stats", "<ApiHandler.arn>"],
    ["/api/ai/models", "<ApiHandler.arn>"],
    ["/v1/models", "<ApiHandler.arn>"],
    ["/v1/chat/other", "<ApiHandler.arn>"],
    ["/api/ai/chat/other", "<ApiHandler.arn>"],
    ["/v1/chat/completions", "<ApiStreamHandler.arn>"],
    ["/api/ai/chat/completions", "<ApiStreamHandler.arn>"],
    ["/v1/messages", "<ApiStreamHandler.arn>"],
    ["/v1/responses", "<ApiStreamHandler.arn>"],
    ["/v1/messages/count_tokens", "<ApiHandler.arn>"],
    ["/v1/responses/resp_123", "<ApiHandler.arn>"],
    ["/v1/embeddings", "<ApiHandler.arn>"],
  ])("API Gateway sends %s to %s, even without backtracking", (path, handler) => {
    expect(matchRestRoute(recording.routes, path)?.handler).toBe(handler);
  });

  it("builds both API functions the same way, streaming only the chat one", () => {
    const functions = recording.ofType("sst.aws.Function");
    expect(functions.map((fn) => fn.name)).toEqual(["ApiHandler", "ApiStreamHandler"]);
    const [buffered, streaming] = functions;
    for (const fn of functions) {
      expect(fn.args).toMatchObject({
        runtime: "nodejs24.x",
        architecture: "arm64",
        memory: "1024 MB",
        nodejs: { format: "esm", minify: true, esbuild: { external: BUNDLE_EXTERNAL_PACKAGES } },
      });
      expect(fn.args.environment).toEqual(API_ENVIRONMENT);
      expect(fn.args.permissions).toBeUndefined();
    }
    expect(buffered.args).toMatchObject({ handler: "functions/api.handler", timeout: "30 seconds" });
    expect(buffered.args.streaming).toBeUndefined();
    expect(streaming.args).toMatchObject({ handler: "functions/api-stream.handler", timeout: "600 seconds", streaming: true });
  });

  it("copies the dashboard's chart library and its built script next to the buffered API bundle, where the dashboard looks", async () => {
    const { DASHBOARD_ASSET_COPY: fromLib } = await import("../../lib/dashboard/dashboard-assets");
    const { DASHBOARD_SCRIPT_COPY } = await import("../../lib/dashboard/dashboard-script");
    const [buffered, streaming] = recording.ofType("sst.aws.Function");
    expect(buffered.args.copyFiles).toEqual([{ ...fromLib }, { ...DASHBOARD_SCRIPT_COPY }]);
    expect(streaming.args.copyFiles).toBeUndefined();
    // Evaluating the stack built the script that is copied: the browser modules, bundled.
    const built = readFileSync(resolve(repositoryRoot, DASHBOARD_SCRIPT_COPY.from), "utf8");
    expect(built).toContain('"../api/"');
    expect(built).toContain("供应商与密钥");
  });

  it("keeps the optional drivers and the runtime's AWS SDK out of every bundle", () => {
    expect(BUNDLE_EXTERNAL_PACKAGES).toEqual(["@aws-sdk/*", "better-sqlite3", "mysql2"]);
  });

  it("schedules the four jobs, each with its own handler and event", () => {
    const table = recording.ofType("sst.aws.CronV2").map((cron) => ({
      name: cron.name,
      schedule: cron.args.schedule,
      timezone: cron.args.timezone,
      event: cron.args.event,
      handler: cronFunction(cron).handler,
      timeout: cronFunction(cron).timeout,
      retries: cron.args.retries,
      functionRetries: cronFunction(cron).retries,
    }));
    expect(table).toEqual([
      { name: "UsageRollup", schedule: "cron(0 * * * ? *)", timezone: "UTC", event: { job: "rollup" }, handler: "functions/cron-rollup.handler", timeout: "5 minutes", retries: 2, functionRetries: 2 },
      { name: "LogPurge", schedule: "cron(0 2 * * ? *)", timezone: "UTC", event: { job: "purge" }, handler: "functions/cron-purge.handler", timeout: "15 minutes", retries: 2, functionRetries: 2 },
      { name: "ErrorRateCheck", schedule: "rate(5 minutes)", timezone: "UTC", event: { job: "error-rate" }, handler: "functions/cron-error-rate.handler", timeout: "1 minute", retries: 0, functionRetries: 0 },
      { name: "KeyStatusCheck", schedule: "rate(30 minutes)", timezone: "UTC", event: { job: "key-status" }, handler: "functions/cron-key-status.handler", timeout: "1 minute", retries: 0, functionRetries: 0 },
    ]);
  });

  it("gives each job's function more time than the job's own bound, so a run ends itself and frees its lock", () => {
    const seconds = (timeout: string) => {
      const [, amount, unit] = /^(\d+) (second|seconds|minute|minutes)$/.exec(timeout)!;
      return Number(amount) * (unit.startsWith("minute") ? 60 : 1);
    };
    for (const cron of recording.ofType("sst.aws.CronV2")) {
      const job = cron.args.event.job as keyof typeof JOBS;
      expect(seconds(cronFunction(cron).timeout) * 1000, cron.name).toBeGreaterThan(JOBS[job].maxRunMs);
    }
    // On-demand runs run on the buffered API function.
    expect(seconds(String(recording.get("sst.aws.Function", "ApiHandler").args.timeout)) * 1000).toBeGreaterThan(ON_DEMAND_MAX_RUN_MS);
  });

  it("runs each job on the schedule the app itself uses for it (lib/jobs)", () => {
    for (const cron of recording.ofType("sst.aws.CronV2")) {
      const job = cron.args.event.job as string;
      expect(isJobName(job), `${cron.name}: job ${job}`).toBe(true);
      const { everyMs, offsetMs } = JOBS[job as keyof typeof JOBS].schedule;
      expect(schedulePeriod(cron.args.schedule), cron.name).toEqual({ everyMs, offsetMs });
    }
    expect(new Set(recording.ofType("sst.aws.CronV2").map((cron) => cron.args.event.job))).toEqual(new Set(Object.keys(JOBS)));
  });

  it("gives each job only the settings it needs and no link to the master key", () => {
    const environments = Object.fromEntries(recording.ofType("sst.aws.CronV2").map((cron) => [cron.name, cronFunction(cron).environment]));
    expect(environments).toEqual({
      UsageRollup: { ...DATABASE, ...UPSTASH },
      LogPurge: { ...DATABASE, ...UPSTASH, LOG_RETENTION_DAYS: "90" },
      ErrorRateCheck: { ...DATABASE, ...UPSTASH, ...ALERTS },
      KeyStatusCheck: { ...DATABASE, ...UPSTASH, ...ALERTS },
    });
    for (const cron of recording.ofType("sst.aws.CronV2")) {
      expect(cronFunction(cron)).toMatchObject({ runtime: "nodejs24.x", architecture: "arm64", nodejs: { format: "esm" }, link: [] });
      expect(cronFunction(cron).permissions).toBeUndefined();
    }
  });

  it("points every handler at a functions/ entry", () => {
    const handlers = [
      ...recording.ofType("sst.aws.Function").map((fn) => fn.args.handler as string),
      ...recording.ofType("sst.aws.CronV2").map((cron) => cronFunction(cron).handler as string),
    ];
    for (const handler of handlers) expect(handler).toMatch(/^functions\/[a-z-]+\.handler$/);
    expect(new Set(handlers.map(handlerSourceFile)).size).toBe(6);
  });

  it("declares every secret, with placeholders only for the optional ones", () => {
    const placeholders = Object.fromEntries(recording.ofType("sst.Secret").map((secret) => [secret.name, secret.args.placeholder]));
    expect(placeholders).toEqual({
      JwtSecret: undefined,
      DatabaseHost: undefined,
      DatabaseUsername: undefined,
      DatabasePassword: undefined,
      UpstashRedisRestUrl: undefined,
      UpstashRedisRestToken: undefined,
      AlertWebhookUrl: "",
      KeyEncryptionMaster: undefined,
    });
  });

  it("stores the master key in Secrets Manager, encrypted with a rotating KMS key", () => {
    const kmsKey = recording.get("aws.kms.Key", "KeyEncryptionKmsKey");
    expect(kmsKey.args).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    expect(recording.get("aws.kms.Alias", "KeyEncryptionKmsAlias").args).toEqual({
      name: "alias/modelgate-ci-key-encryption",
      targetKeyId: "<KeyEncryptionKmsKey.keyId>",
    });
    const secret = recording.get("aws.secretsmanager.Secret", "KeyEncryptionSecret");
    expect(secret.args).toMatchObject({ kmsKeyId: "<KeyEncryptionKmsKey.arn>", recoveryWindowInDays: 0 });
    expect(recording.get("aws.secretsmanager.SecretVersion", "KeyEncryptionSecretVersion").args).toEqual({
      secretId: "<KeyEncryptionSecret.id>",
      secretString: "<KeyEncryptionMaster.value>",
    });
    // A disposable stage may delete both.
    expect(kmsKey.options).toEqual({ retainOnDelete: false });
    expect(secret.options).toEqual({ retainOnDelete: false });
  });

  it("grants exactly GetSecretValue on that secret and Decrypt on that key via Secrets Manager", () => {
    const access = recording.get("sst.Linkable", "KeyEncryptionAccess");
    expect(recording.ofType("sst.Linkable")).toHaveLength(1);
    expect(access.args).toEqual({
      properties: { secretArn: "<KeyEncryptionSecret.arn>" },
      include: [
        { type: "aws.permission", actions: ["secretsmanager:GetSecretValue"], resources: ["<KeyEncryptionSecret.arn>"] },
        {
          type: "aws.permission",
          actions: ["kms:Decrypt"],
          resources: ["<KeyEncryptionKmsKey.arn>"],
          conditions: [{ test: "StringEquals", variable: "kms:ViaService", values: ["secretsmanager.<region>.amazonaws.com"] }],
        },
      ],
    });
    const linkedTo = recording
      .ofType("sst.aws.Function")
      .filter((fn) => (fn.args.link as object[]).includes(access.instance))
      .map((fn) => fn.name);
    expect(linkedTo).toEqual(["ApiHandler", "ApiStreamHandler"]);
    for (const fn of recording.ofType("sst.aws.Function")) expect(fn.args.link).toHaveLength(1);
  });
});

describe("sst.config.ts run() on production", () => {
  afterEach(() => removeSstGlobals());

  it("retains the KMS key and the secret, with Secrets Manager's recovery window", async () => {
    const { recording } = await evaluateConfig("production");
    expect(recording.get("aws.kms.Key", "KeyEncryptionKmsKey").options).toEqual({ retainOnDelete: true });
    const secret = recording.get("aws.secretsmanager.Secret", "KeyEncryptionSecret");
    expect(secret.options).toEqual({ retainOnDelete: true });
    expect(secret.args.recoveryWindowInDays).toBe(30);
    expect(recording.get("aws.kms.Alias", "KeyEncryptionKmsAlias").args.name).toBe("alias/modelgate-production-key-encryption");
  });
});

describe("SST's files", () => {
  it("keeps the platform reference on the first line of sst.config.ts", async () => {
    const { readFile } = await import("node:fs/promises");
    const firstLine = (await readFile(resolve(repositoryRoot, "sst.config.ts"), "utf8")).split("\n")[0];
    expect(firstLine).toBe('/// <reference path="./.sst/platform/config.d.ts" />');
    expect(existsSync(resolve(repositoryRoot, "stacks/tsconfig.json"))).toBe(true);
  });
});
