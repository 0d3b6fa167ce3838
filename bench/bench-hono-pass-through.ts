/**
 * The benchmark's pipeline floor: the least a Hono pass-through with the gateway's bookkeeping
 * can do per request. Hono on `@hono/node-server` checks a client key (its SHA-256 looked up in a
 * map), counts it against an in-memory requests-per-minute limit, reads and parses the body for
 * the model, forwards it over a keep-alive `node:http` agent with the provider key, reads the
 * usage from the answer and queues a log row of the gateway's table (every column, every index
 * of the migrated SQLite schema), inserted in batches 100 ms apart as the gateway's are. No
 * routing, failover, limits per key, deadlines or SDK. Measured in the gateway's CPU slot, it
 * shows what the framework plus the unavoidable bookkeeping cost, so the rest of the gateway's
 * figure is its own pipeline. Run as its own process with the upstream's `/v1` base URL as
 * argument and the keys in `BENCH_CLIENT_KEY` / `BENCH_PROVIDER_KEY`; it prints `{"port":N}` on
 * its first stdout line.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import Database from "better-sqlite3";
import { Hono } from "hono";
import { createDatabase } from "../db/connection";
import { migrateToLatest } from "../db/migrate";
import { timeOrderedId } from "../lib/runtime/time-ordered-id";

const upstream = new URL(process.argv[2] ?? "");
const providerKey = process.env.BENCH_PROVIDER_KEY ?? "";
const clients = new Map([[createHash("sha256").update(process.env.BENCH_CLIENT_KEY ?? "").digest("hex"), { id: 1, name: "bench", rpm: 1_000_000 }]]);
const agent = new Agent({ keepAlive: true, scheduling: "lifo" });

const dataDir = mkdtempSync(join(tmpdir(), "modelgate-hono-pass-through-"));
const file = join(dataDir, "floor.sqlite");
const migrated = await createDatabase({ kind: "sqlite", file });
await migrateToLatest(migrated);
await migrated.close();
const sqlite = new Database(file);
sqlite.pragma("journal_mode = WAL");
sqlite.pragma("synchronous = NORMAL");

type LogRow = Record<string, string | number | null>;
const columns = ["request_id", "client_id", "client_name", "provider_id", "key_id", "model", "status", "outcome", "http_status", "error_code", "error_message", "prompt_tokens", "completion_tokens", "total_tokens", "tokens_estimated", "cost", "latency_ms", "ttft_ms", "attempts", "failed_over", "attempt_errors", "is_stream", "door", "upstream_protocol", "warnings", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens", "requested_model", "models_tried", "created_at"];
const insert = sqlite.prepare(`insert into t_ai_api_logs (${columns.join(", ")}) values (${columns.map((name) => `@${name}`).join(", ")})`);
/** Every column null: each row sets what it knows on a copy. */
const emptyRow: LogRow = Object.fromEntries(columns.map((name) => [name, null]));
const insertAll = sqlite.transaction((rows: LogRow[]) => {
  for (const row of rows) insert.run(row);
});
let queue: LogRow[] = [];
let flushTimer: ReturnType<typeof setTimeout> | undefined;
const queueRow = (row: LogRow) => {
  queue.push(row);
  flushTimer ??= setTimeout(() => {
    flushTimer = undefined;
    const rows = queue;
    queue = [];
    insertAll(rows);
  }, 100);
};

const windows = new Map<number, { minute: number; count: number }>();
/** False once the client's requests this minute exceed its limit. */
const admitted = (client: { id: number; rpm: number }, at: number) => {
  const minute = Math.floor(at / 60_000);
  const window = windows.get(client.id);
  if (!window || window.minute !== minute) windows.set(client.id, { minute, count: 1 });
  else if (++window.count > client.rpm) return false;
  return true;
};

function forward(body: string): Promise<{ status: number; contentType: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: `${upstream.pathname}/chat/completions`,
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), authorization: `Bearer ${providerKey}` },
      },
      (answer) => {
        const parts: Buffer[] = [];
        answer.on("data", (part: Buffer) => parts.push(part));
        answer.once("end", () => resolve({ status: answer.statusCode ?? 502, contentType: String(answer.headers["content-type"] ?? "application/json"), body: Buffer.concat(parts) }));
        answer.once("error", reject);
      },
    );
    outgoing.once("error", reject);
    outgoing.end(body);
  });
}

const app = new Hono();
app.post("/v1/chat/completions", async (c) => {
  const startedAt = Date.now();
  const token = /^Bearer (\S+)$/.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
  const client = clients.get(createHash("sha256").update(token).digest("hex"));
  if (!client) return c.json({ error: { message: "Invalid API key" } }, 401);
  if (!admitted(client, startedAt)) return c.json({ error: { message: "Rate limit reached" } }, 429);
  const text = await c.req.text();
  const { model } = JSON.parse(text) as { model?: string };
  if (typeof model !== "string") return c.json({ error: { message: "model is required" } }, 400);
  const answer = await forward(text);
  const usage = (JSON.parse(answer.body.toString()) as { usage?: { prompt_tokens?: number; completion_tokens?: number } }).usage ?? {};
  const prompt = usage.prompt_tokens ?? 0;
  const completion = usage.completion_tokens ?? 0;
  queueRow({
    ...emptyRow,
    request_id: timeOrderedId(),
    client_id: client.id,
    client_name: client.name,
    provider_id: 1,
    key_id: 1,
    model,
    status: answer.status === 200 ? "success" : "error",
    outcome: answer.status === 200 ? "served" : "failed",
    http_status: answer.status,
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    tokens_estimated: 0,
    cost: (prompt * 0.15 + completion * 0.6) / 1e6,
    latency_ms: Date.now() - startedAt,
    attempts: 1,
    failed_over: 0,
    is_stream: 0,
    door: "chat",
    upstream_protocol: "chat",
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    requested_model: model,
    created_at: startedAt,
  });
  return c.body(new Uint8Array(answer.body), answer.status as 200, { "content-type": answer.contentType });
});

const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => process.stdout.write(`${JSON.stringify({ port: info.port })}\n`));
process.once("SIGTERM", () =>
  server.close(() => {
    sqlite.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  }),
);
