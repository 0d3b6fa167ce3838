/**
 * A deployed stage, offline: what the stacks give each function, with every AWS and SaaS piece
 * replaced by a local server that speaks its real protocol.
 *
 * - PlanetScale: the HTTP simulator in front of a fresh MariaDB database (real driver).
 * - Upstash: the REST bridge in front of Redis (real `@upstash/redis`).
 * - Secrets Manager: the JSON-1.1 server holding the master keyring (real AWS SDK client,
 *   pointed there by `AWS_ENDPOINT_URL_SECRETS_MANAGER`, as on Lambda with SigV4 credentials).
 *
 * The environment comes from evaluating `sst.config.ts` (see test/stacks/sst-globals-recorder.ts),
 * so a function is started with exactly the variable names the stack gives it; each stack token
 * is replaced by the matching stand-in's value. Used by test/functions/** and
 * scripts/bundle-functions.ts. Everything listens on 127.0.0.1.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { startPlanetScaleSimulator, type PlanetScaleSimulator } from "../support/planetscale-simulator";
import { startSecretsManagerServer, type SecretsManagerServer } from "../support/secrets-manager-server";
import { MARIADB_URL } from "../support/services";
import { claimRedisDatabase } from "../support/redis-database-claim";
import { startUpstashBridge, type UpstashBridge } from "../support/upstash-bridge";
import { defineSstApp, installSstGlobals, removeSstGlobals, type SstRecording } from "../stacks/sst-globals-recorder";

const repositoryRoot = resolve(import.meta.dirname, "../..");

/** What the stack configures for one function: its environment (with tokens) and, for a job, its event. */
export interface StackFunction {
  name: string;
  handler: string;
  environment: Record<string, string>;
  event?: unknown;
}

/**
 * Evaluates `sst.config.ts` on stage `ci` with the recording stand-ins and returns every function
 * it defines: the API functions by component name, each CronV2 job by its component name.
 */
export async function readStackFunctions(): Promise<Map<string, StackFunction>> {
  let recording: SstRecording;
  try {
    recording = installSstGlobals();
    const configUrl = pathToFileURL(resolve(repositoryRoot, "sst.config.ts")).href;
    const { default: config } = (await import(/* @vite-ignore */ configUrl)) as {
      default: { app(input: { stage: string }): { name: string; removal: "remove" | "retain"; protect: boolean }; run(): Promise<unknown> };
    };
    const app = config.app({ stage: "ci" });
    defineSstApp({ name: app.name, stage: "ci", removal: app.removal, protect: app.protect });
    await config.run();
  } finally {
    removeSstGlobals();
  }
  const functions = new Map<string, StackFunction>();
  for (const fn of recording.ofType("sst.aws.Function")) {
    functions.set(fn.name, { name: fn.name, handler: fn.args.handler, environment: fn.args.environment });
  }
  for (const cron of recording.ofType("sst.aws.CronV2")) {
    const fn = cron.args.function as { handler: string; environment: Record<string, string> };
    functions.set(cron.name, { name: cron.name, handler: fn.handler, environment: fn.environment, event: cron.args.event });
  }
  return functions;
}

/** The first admin, as `npm run db:init` creates it from `ADMIN_USERNAME` / `ADMIN_PASSWORD`. */
export const DEPLOYED_ADMIN = { username: "admin", password: "lambda-test-admin-password" };

/** The running stand-ins. */
export interface DeployedStandIns {
  planetScale: PlanetScaleSimulator;
  /** The MariaDB database behind the simulator (dropped on close). */
  databaseName: string;
  upstash: UpstashBridge;
  secretsManager: SecretsManagerServer;
  /** ARN of the master-keyring secret, as the stack's `KeyEncryptionSecret` would have. */
  keyEncryptionSecretArn: string;
  /** The environment for one stack function, tokens replaced; plus what Lambda itself sets. */
  environmentFor(fn: StackFunction): Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts the stand-ins on a fresh database and initializes it the way the deploy guide does
 * (`npm run db:init` with the PlanetScale credentials and the first admin).
 */
export async function startDeployedStandIns(): Promise<DeployedStandIns> {
  const database = `mg_lambda_${randomBytes(5).toString("hex")}`;
  const keyEncryptionSecretArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:modelgate-ci-KeyEncryptionSecret-Xy12Ab";
  const planetScale = await startPlanetScaleSimulator({ mysqlUrl: MARIADB_URL, database, dropDatabaseOnClose: true });
  const started: Array<{ close(): Promise<void> }> = [planetScale];
  try {
    const redisDatabase = await claimRedisDatabase("the Lambda stand-ins");
    started.push(redisDatabase);
    const upstash = await startUpstashBridge({ redisUrl: redisDatabase.url });
    started.push(upstash);
    const secretsManager = await startSecretsManagerServer({ secrets: { [keyEncryptionSecretArn]: randomBytes(32).toString("base64") } });
    started.push(secretsManager);

    const simulatorUrl = new URL(planetScale.url);
    const stackTokens: Record<string, string> = {
      "<DatabaseHost.value>": `${simulatorUrl.protocol}//${simulatorUrl.host}`,
      "<DatabaseUsername.value>": decodeURIComponent(simulatorUrl.username),
      "<DatabasePassword.value>": decodeURIComponent(simulatorUrl.password),
      "<UpstashRedisRestUrl.value>": upstash.url,
      "<UpstashRedisRestToken.value>": upstash.token,
      "<JwtSecret.value>": randomBytes(48).toString("base64"),
      // The stack's placeholder: no webhook configured.
      "<AlertWebhookUrl.value>": "",
      "<KeyEncryptionSecret.arn>": keyEncryptionSecretArn,
    };
    // What the Lambda runtime sets, pointed at the local Secrets Manager.
    const lambdaRuntimeEnvironment = (fn: StackFunction) => ({
      AWS_LAMBDA_FUNCTION_NAME: `modelgate-ci-${fn.name}`,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "ASIAMODELGATETEST",
      AWS_SECRET_ACCESS_KEY: "modelgate-test-secret",
      AWS_SESSION_TOKEN: "modelgate-test-session",
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
    });
    const environmentFor = (fn: StackFunction): Record<string, string> => {
      const environment: Record<string, string> = {};
      for (const [name, value] of Object.entries(fn.environment)) {
        const replaced = value.replace(/<[A-Za-z]+\.[a-z]+>/g, (token) => {
          const standIn = stackTokens[token];
          if (standIn === undefined) throw new Error(`${fn.name}: no local stand-in for ${token} (environment ${name})`);
          return standIn;
        });
        environment[name] = replaced;
      }
      // The stand-in upstreams and webhook receivers listen on 127.0.0.1.
      return { ...environment, ...lambdaRuntimeEnvironment(fn), ALLOW_LOOPBACK_UPSTREAMS: "true" };
    };

    await initializeDatabase(stackTokens);
    return {
      planetScale,
      databaseName: database,
      upstash,
      secretsManager,
      keyEncryptionSecretArn,
      environmentFor,
      close: async () => {
        for (const server of started.reverse()) await server.close();
      },
    };
  } catch (error) {
    for (const server of started.reverse()) await server.close().catch(() => undefined);
    throw error;
  }
}


/**
 * Runs `scripts/db-init.ts` (what `npm run db:init` runs) against the PlanetScale stand-in.
 * Asynchronously: the simulator answering it lives in this process.
 */
function initializeDatabase(stackTokens: Record<string, string>): Promise<void> {
  const tsx = resolve(repositoryRoot, "node_modules/tsx/dist/cli.mjs");
  const options = {
    cwd: repositoryRoot,
    timeout: 60_000,
    env: {
      PATH: process.env.PATH,
      DATABASE_HOST: stackTokens["<DatabaseHost.value>"],
      DATABASE_USERNAME: stackTokens["<DatabaseUsername.value>"],
      DATABASE_PASSWORD: stackTokens["<DatabasePassword.value>"],
      ADMIN_USERNAME: DEPLOYED_ADMIN.username,
      ADMIN_PASSWORD: DEPLOYED_ADMIN.password,
    },
  };
  return new Promise((resolveInit, reject) => {
    execFile(process.execPath, [tsx, "scripts/db-init.ts"], options, (error, stdout, stderr) => {
      if (error) reject(new Error(`db:init failed: ${stderr || stdout || error.message}`));
      else resolveInit();
    });
  });
}
