/**
 * A cluster of real gateway processes for the cluster suites: `functions/local.ts` as `npm start`
 * runs it, each in its own process, all on one shared MariaDB database and one Upstash REST
 * endpoint, with the same master key and JWT secret (what a deployment shares). Every child is
 * killed at exit even when a suite fails half-way, and each one's output is kept for diagnostics.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createConnection } from "mysql2/promise";
import { MARIADB_URL } from "../support/services";

const projectRoot = new URL("../..", import.meta.url).pathname;

/** Children still running; killed synchronously if the test process exits first. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** A fresh MariaDB database and how to drop it. */
export interface ClusterDatabase {
  /** `mysql://…/<name>` for `DATABASE_URL`. */
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database on the test MariaDB. */
export async function createClusterDatabase(): Promise<ClusterDatabase> {
  const name = `mg_cluster_${randomBytes(5).toString("hex")}`;
  const admin = await createConnection(MARIADB_URL);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  return {
    url: `${MARIADB_URL.replace(/\/$/, "")}/${name}`,
    async drop() {
      const connection = await createConnection(MARIADB_URL);
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    },
  };
}

/** One running gateway process. */
export interface GatewayProcess {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Everything it printed so far. */
  output: string[];
  stop(): Promise<void>;
}

/** What every process of one cluster shares. */
export interface ClusterEnvironment {
  databaseUrl: string;
  upstashUrl: string;
  upstashToken: string;
  admin: { username: string; password: string };
}

/** The shared secrets and settings of a new cluster. */
export function clusterEnvironment(databaseUrl: string, upstash: { url: string; token: string }): ClusterEnvironment {
  return { databaseUrl, upstashUrl: upstash.url, upstashToken: upstash.token, admin: { username: "clusteradmin", password: randomBytes(12).toString("hex") } };
}

const sharedSecrets = { KEY_ENCRYPTION_KEY: randomBytes(32).toString("base64"), JWT_SECRET: randomBytes(32).toString("hex") };

/** Starts one `functions/local.ts` process on a free port and waits until it listens. */
export async function startGatewayProcess(environment: ClusterEnvironment, timeoutMs = 30_000): Promise<GatewayProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), "modelgate-cluster-"));
  const child = spawn(process.execPath, ["--import", "tsx", "functions/local.ts"], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DATABASE_URL: environment.databaseUrl,
      UPSTASH_REDIS_REST_URL: environment.upstashUrl,
      UPSTASH_REDIS_REST_TOKEN: environment.upstashToken,
      ADMIN_USERNAME: environment.admin.username,
      ADMIN_PASSWORD: environment.admin.password,
      ALLOW_LOOPBACK_UPSTREAMS: "true",
      ...sharedSecrets,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  const output: string[] = [];
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start within ${timeoutMs} ms:\n${output.join("\n")}`)), timeoutMs);
    child.once("exit", (code) => reject(new Error(`gateway exited with ${code}:\n${output.join("\n")}`)));
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on("line", (line) => {
        output.push(line);
        const url = /"message":"modelgate listening".*?"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(line)?.[1];
        if (url) {
          clearTimeout(timer);
          resolve(url);
        }
      });
    }
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { origin, output, stop };
}

/** What one chat call through the cluster answered. */
export interface ChatOutcome {
  status: number;
  retryAfter: string | null;
}

/**
 * Sends `total` chat requests round-robin over the instances, `concurrency` at a time, and
 * returns every answer's status and Retry-After.
 */
export async function hammer(origins: string[], clientKey: string, body: unknown, total: number, concurrency: number): Promise<ChatOutcome[]> {
  const outcomes: ChatOutcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const origin = origins[next++ % origins.length];
      const response = await fetch(`${origin}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${clientKey}` },
        body: JSON.stringify(body),
      });
      await response.arrayBuffer();
      outcomes.push({ status: response.status, retryAfter: response.headers.get("retry-after") });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return outcomes;
}
