/**
 * A local HTTP server that speaks the Upstash Redis REST protocol in front of a real Redis, so the
 * real `@upstash/redis` and `@upstash/ratelimit` clients run unmodified in tests
 * (https://upstash.com/docs/redis/features/restapi).
 *
 * Implemented: `POST /` (one command), `POST /pipeline` (per-command results, not atomic),
 * `POST /multi-exec` (MULTI/EXEC), Bearer auth (401), `Upstash-Encoding: base64` (every string
 * base64 except the "OK" status), per-command errors, NOSCRIPT, and an increasing
 * `upstash-sync-token` response header. Scripts lose a leading `#!lua …` shebang line, which
 * Upstash understands but Redis 7 rejects (`allow-key-locking`, sent by @upstash/ratelimit
 * ≥ 2.1); EVALSHA of the client's hash of the original text is mapped to the stripped script.
 * Not implemented: path-style commands (`/set/k/v`), `?_token=`, SSE subscribe and monitor.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";

/** Options of {@link startUpstashBridge}. */
export interface UpstashBridgeOptions {
  /**
   * The Redis behind the bridge.
   * @default "redis://127.0.0.1:6379"
   */
  redisUrl?: string;
  /**
   * The Bearer token clients must send.
   * @default "modelgate-test-token"
   */
  token?: string;
  /**
   * Port on 127.0.0.1; 0 picks a free one.
   * @default 0
   */
  port?: number;
}

/** What the bridge has served since start or the last {@link UpstashBridge.resetCounts}. */
export interface UpstashBridgeCounts {
  /** HTTP requests answered (one per client round trip). */
  requests: number;
  /** Redis commands run (a pipeline of 5 counts 5). */
  commands: number;
  /** Requests per path: "/", "/pipeline", "/multi-exec". */
  byPath: Record<string, number>;
}

/** A running bridge. */
export interface UpstashBridge {
  /** `http://127.0.0.1:<port>`, for `new Redis({ url, token })`. */
  url: string;
  /** The Bearer token it accepts. */
  token: string;
  /** Counts so far (a copy). */
  counts(): UpstashBridgeCounts;
  resetCounts(): void;
  /** Stops the server and closes its Redis connection. */
  close(): Promise<void>;
}

type RedisReply = Buffer | number | null | Error | RedisReply[];
type Encoded = string | number | null | Encoded[];

/** Starts a bridge on 127.0.0.1. */
export async function startUpstashBridge({
  redisUrl = "redis://127.0.0.1:6379",
  token = "modelgate-test-token",
  port = 0,
}: UpstashBridgeOptions = {}): Promise<UpstashBridge> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  /** SHA-1 the client computed (over the text with shebang) -> SHA-1 Redis knows (without). */
  const redisShaOf = new Map<string, string>();
  let counts: UpstashBridgeCounts = { requests: 0, commands: 0, byPath: {} };
  let syncToken = 0;

  /** Rewrites script commands for Redis; synchronous so commands reach Redis in request order. */
  function translate(command: unknown[]): string[] {
    const parts = command.map((part) => (typeof part === "string" ? part : typeof part === "object" ? JSON.stringify(part) : String(part)));
    const name = (parts[0] ?? "").toLowerCase();
    if ((name === "eval" || name === "eval_ro") && parts[1] !== undefined) {
      const script = stripShebang(parts[1]);
      redisShaOf.set(sha1(parts[1]), sha1(script));
      parts[1] = script;
    } else if ((name === "evalsha" || name === "evalsha_ro") && parts[1] !== undefined) {
      parts[1] = redisShaOf.get(parts[1].toLowerCase()) ?? parts[1];
    }
    return parts;
  }

  function run(command: unknown): Promise<RedisReply> {
    if (!Array.isArray(command) || command.length === 0) return Promise.reject(new Error("ERR command must be a non-empty array"));
    counts.commands += 1;
    const [name, ...args] = translate(command);
    if (name.toLowerCase() === "script" && args[0]?.toLowerCase() === "load" && args[1] !== undefined) {
      // Load the stripped script but answer with the hash of what the client sent, as Upstash does.
      const script = stripShebang(args[1]);
      redisShaOf.set(sha1(args[1]), sha1(script));
      return redis.callBuffer("script", "load", script).then(() => Buffer.from(sha1(args[1])));
    }
    return redis.callBuffer(name, ...args) as Promise<RedisReply>;
  }

  async function runTransaction(commands: unknown[]): Promise<Array<{ result: RedisReply } | { error: string }>> {
    const transaction = redis.multi();
    for (const command of commands) {
      if (!Array.isArray(command) || command.length === 0) throw new Error("ERR command must be a non-empty array");
      counts.commands += 1;
      const [name, ...args] = translate(command);
      transaction.callBuffer(name, ...args);
    }
    const replies = await transaction.exec();
    if (replies === null) throw new Error("EXECABORT Transaction discarded");
    return replies.map(([error, reply]) => (error ? { error: error.message } : { result: reply as RedisReply }));
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    counts.requests += 1;
    counts.byPath[path] = (counts.byPath[path] ?? 0) + 1;
    syncToken += 1;
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json", "upstash-sync-token": String(syncToken) });
      response.end(JSON.stringify(body));
    };
    if (request.method !== "POST") return send(405, { error: "ERR method not allowed" });
    if (request.headers.authorization !== `Bearer ${token}`) return send(401, { error: "Unauthorized" });
    const base64 = String(request.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";

    let body: unknown;
    try {
      body = JSON.parse(await readBody(request));
    } catch {
      return send(400, { error: "ERR failed to parse command" });
    }
    if (!Array.isArray(body)) return send(400, { error: "ERR command must be an array" });

    if (path === "/") {
      try {
        return send(200, { result: encode(await run(body), base64) });
      } catch (error) {
        return send(400, { error: messageOf(error) });
      }
    }
    if (path === "/pipeline") {
      // Issued together on one connection, so Redis runs them in order; each answers on its own.
      const settled = await Promise.allSettled(body.map((command) => run(command)));
      return send(
        200,
        settled.map((outcome) => (outcome.status === "fulfilled" ? { result: encode(outcome.value, base64) } : { error: messageOf(outcome.reason) })),
      );
    }
    if (path === "/multi-exec") {
      try {
        const results = await runTransaction(body);
        return send(200, results.map((entry) => ("result" in entry ? { result: encode(entry.result, base64) } : entry)));
      } catch (error) {
        return send(400, { error: messageOf(error) });
      }
    }
    return send(404, { error: "ERR not found" });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: messageOf(error) }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${address.port}`,
    token,
    counts: () => ({ ...counts, byPath: { ...counts.byPath } }),
    resetCounts: () => {
      counts = { requests: 0, commands: 0, byPath: {} };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await redis.quit();
    },
  };
}

/** Drops a first line like `#!lua flags=allow-key-locking`; Redis 7 rejects unknown flags. */
function stripShebang(script: string): string {
  return script.startsWith("#!") ? script.slice(script.indexOf("\n") + 1) : script;
}

function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** Upstash's result encoding: with base64 on, every string except the "OK" status is base64. */
function encode(reply: RedisReply, base64: boolean): Encoded {
  if (reply === null || reply === undefined) return null;
  if (typeof reply === "number") return reply;
  if (Array.isArray(reply)) return reply.map((item) => encode(item, base64));
  if (reply instanceof Error) return reply.message;
  const text = reply.toString("utf8");
  return base64 && text !== "OK" ? reply.toString("base64") : text;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
