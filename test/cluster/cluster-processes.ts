/**
 * A cluster of real gateway processes for the cluster suites: `functions/local.ts` as `npm start`
 * runs it, each in its own process, all on one shared MariaDB database and one Upstash REST
 * endpoint, with the same master key and JWT secret (what a deployment shares). Every child is
 * killed at exit even when a suite fails half-way, and each one's output is kept for diagnostics.
 */
import { randomBytes } from "node:crypto";
import { createConnection } from "mysql2/promise";
import { spawnGatewayProcess, type GatewayProcess } from "../support/gateway-process";
import { MARIADB_URL } from "../support/services";

export type { GatewayProcess };


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
export function startGatewayProcess(environment: ClusterEnvironment, timeoutMs = 30_000): Promise<GatewayProcess> {
  return spawnGatewayProcess({
    dataDirPrefix: "modelgate-cluster-",
    timeoutMs,
    env: {
      DATABASE_URL: environment.databaseUrl,
      UPSTASH_REDIS_REST_URL: environment.upstashUrl,
      UPSTASH_REDIS_REST_TOKEN: environment.upstashToken,
      ADMIN_USERNAME: environment.admin.username,
      ADMIN_PASSWORD: environment.admin.password,
      ALLOW_LOOPBACK_UPSTREAMS: "true",
      ...sharedSecrets,
    },
  });
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
