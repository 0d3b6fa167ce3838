/**
 * The request log: exactly one `t_ai_api_logs` row per authenticated chat request with the
 * right fields, failed attempts visible, streamed usage counted, estimates flagged, the row
 * written before the response completes, a failed write falling back to a replayable stdout
 * line, and no provider or client key anywhere.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import { parseApiLogLine, replayApiLogLines } from "../../lib/gateway/api-log-writer";
import { reply } from "../support/fake-upstream";
import { chatBody, sseData, startGatewayFixture, type GatewayFixture } from "./gateway-fixtures";

const PRIMARY = "sk-primary-key-000000000001";
const BACKUP = "sk-backup-key-0000000000002";
const MODEL = "gpt-4o-mini";
const run = promisify(execFile);

/** A completion without `usage`, as some OpenAI-compatible servers send. */
const completionWithoutUsage = JSON.stringify({
  id: "chatcmpl-nousage",
  object: "chat.completion",
  created: 1,
  model: MODEL,
  choices: [{ index: 0, message: { role: "assistant", content: "abcdefgh" }, finish_reason: "stop" }],
});
const chunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: MODEL, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

describe("request logging", () => {
  let g: GatewayFixture;
  beforeEach(async () => {
    g = await startGatewayFixture();
  });
  afterEach(async () => {
    await g?.close();
  });

  it("writes one row per request with who, where, tokens, cost, latency and attempts", async () => {
    const keyId = await g.addKey("openai", PRIMARY);
    const client = await g.addClient({ name: "billing-app" });
    const response = await g.chat(chatBody(MODEL), { token: client });
    expect(response.status).toBe(200);
    // Written before the response was handed back: no waiting needed.
    const rows = await g.logRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      request_id: response.headers.get("x-request-id"),
      client_name: "billing-app",
      provider_id: 1,
      key_id: keyId,
      model: MODEL,
      status: "success",
      http_status: 200,
      error_code: null,
      prompt_tokens: 12,
      completion_tokens: 7,
      total_tokens: 19,
      tokens_estimated: 0,
      attempts: 1,
      attempt_errors: null,
      is_stream: 0,
      ttft_ms: null,
      created_at: g.clock.now(),
    });
    expect(rows[0].client_id).toBeGreaterThan(0);
    // gpt-4o-mini: $0.15 in, $0.60 out per million tokens.
    expect(rows[0].cost).toBeCloseTo((12 * 0.15 + 7 * 0.6) / 1e6, 12);
    expect(rows[0].latency_ms).toBeGreaterThanOrEqual(0);
  });

  it("shows failed attempts before the success", async () => {
    const primary = await g.addKey("openai", PRIMARY, { priority: 10 });
    const backup = await g.addKey("openai", BACKUP, { priority: 1 });
    g.upstream.script(PRIMARY, reply.serverError());
    await g.chat(chatBody(MODEL));
    const [row] = await g.logRows();
    expect(row).toMatchObject({ status: "success", key_id: backup, attempts: 2 });
    expect(JSON.parse(row.attempt_errors!)).toEqual([{ keyId: primary, kind: "transient", code: "upstream_error", status: 500, latencyMs: expect.any(Number) }]);
  });

  it("logs requests that fail before any upstream call, one row each", async () => {
    await g.addKey("openai", PRIMARY);
    const limited = await g.addClient({ rateLimitRpm: 2, allowedModels: ["gpt-4o-mini"] });
    await g.chat({ model: MODEL, messages: [] });
    await g.chat(chatBody("gpt-99"));
    await g.chat(chatBody("gpt-4.1"), { token: limited });
    await g.chat(chatBody(MODEL), { token: limited });
    await g.chat(chatBody(MODEL), { token: limited });
    // Unauthenticated requests are refused before a log record exists (nobody to attribute them to).
    await g.chat(chatBody(MODEL), { token: "mg-unknown-client-key" });
    const rows = await g.logRows();
    expect(rows.map((row) => [row.model, row.http_status, row.error_code, row.status])).toEqual([
      ["", 400, "invalid_request", "error"],
      ["gpt-99", 404, "model_not_found", "error"],
      ["gpt-4.1", 403, "forbidden", "error"],
      [MODEL, 200, null, "success"],
      ["", 429, "rate_limit_exceeded", "error"],
    ]);
    expect(rows[2].error_message).toBe("This client key may not use model 'openai/gpt-4.1'");
  });

  it("counts streamed usage, and records time to first token", async () => {
    await g.addKey("openai", PRIMARY);
    g.upstream.script(PRIMARY, reply.ok({ content: "a b c", usage: { promptTokens: 40, completionTokens: 3 } }));
    const response = await g.chat(chatBody(MODEL, "hi", { stream: true }));
    await response.text();
    const [row] = await g.logRows();
    expect(row).toMatchObject({ is_stream: 1, status: "success", prompt_tokens: 40, completion_tokens: 3, tokens_estimated: 0 });
    expect(row.ttft_ms).not.toBeNull();
    expect(row.latency_ms).toBeGreaterThanOrEqual(row.ttft_ms!);
  });

  it("estimates and flags tokens when the upstream sends no usage", async () => {
    await g.addKey("openai", PRIMARY);
    g.upstream.script(PRIMARY, reply.raw({ body: completionWithoutUsage }));
    expect((await g.chat(chatBody(MODEL, "Hello there"))).status).toBe(200);
    g.upstream.script(PRIMARY, reply.raw({ body: [chunk({ role: "assistant", content: "" }), chunk({ content: "abcdefghijkl" }), chunk({}, "stop"), "data: [DONE]\n\n"] }));
    await (await g.chat(chatBody(MODEL, "Hello there", { stream: true }))).text();
    const rows = await g.logRows();
    // Prompt: ceil(11 / 4) + 4 framing tokens; completion: characters / 4.
    expect(rows.map((row) => [row.prompt_tokens, row.completion_tokens, row.tokens_estimated])).toEqual([
      [7, 2, 1],
      [7, 3, 1],
    ]);
  });

  it("a client that disconnects mid-stream aborts the upstream and is logged as partial", async () => {
    await g.addKey("openai", PRIMARY);
    g.upstream.script(PRIMARY, reply.ok({ content: "one two three four five six", chunkDelayMs: 150 }));
    const baseUrl = await g.listen();
    const client = await g.addClient();
    const controller = new AbortController();
    const response = await fetch(`${baseUrl}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${client}` },
      body: JSON.stringify(chatBody(MODEL, "count", { stream: true })),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await expect.poll(async () => (await g.logRows()).length, { timeout: 3000 }).toBe(1);
    const [row] = await g.logRows();
    expect(row).toMatchObject({ status: "partial", http_status: 499, error_code: "client_closed_request", is_stream: 1, tokens_estimated: 1 });
    await expect.poll(() => g.upstream.requests[0].clientClosed, { timeout: 3000 }).toBe(true);
  });

  it("a failed log write does not fail the request: the row goes to stdout and replays once", async () => {
    await g.addKey("openai", PRIMARY);
    const { db } = g.database.handle;
    await sql`ALTER TABLE t_ai_api_logs RENAME TO t_ai_api_logs_paused`.execute(db);
    const response = await g.chat(chatBody(MODEL));
    expect(response.status).toBe(200);
    const streamed = await g.chat(chatBody(MODEL, "hi", { stream: true }));
    expect(sseData(await streamed.text()).at(-1)).toBe("[DONE]");
    await sql`ALTER TABLE t_ai_api_logs_paused RENAME TO t_ai_api_logs`.execute(db);

    expect(g.apiLogLines).toHaveLength(2);
    const row = parseApiLogLine(`2026-11-26T12:00:00Z\tabc-123\tINFO\t${g.apiLogLines[0]}`);
    expect(row).toMatchObject({ request_id: response.headers.get("x-request-id"), status: "success", prompt_tokens: 12 });
    expect(g.logLines.some((line) => line.includes("api log insert failed"))).toBe(true);

    expect(await replayApiLogLines(db, g.apiLogLines)).toEqual({ rows: 2, inserted: 2, duplicates: 0, invalid: 0 });
    expect(await replayApiLogLines(db, ["not a log line", ...g.apiLogLines])).toEqual({ rows: 2, inserted: 0, duplicates: 2, invalid: 0 });
    expect(await g.logRows()).toHaveLength(2);
  });

  it("scripts/replay-logs.ts inserts the lines of a file once, however often it runs", async () => {
    await g.addKey("openai", PRIMARY);
    await sql`ALTER TABLE t_ai_api_logs RENAME TO t_ai_api_logs_paused`.execute(g.database.handle.db);
    await g.chat(chatBody(MODEL));
    expect(g.apiLogLines).toHaveLength(1);

    const dataDir = mkdtempSync(join(tmpdir(), "modelgate-replay-"));
    try {
      const target = await createDatabase({ kind: "sqlite", file: join(dataDir, "modelgate.sqlite") });
      await migrateToLatest(target);
      await target.close();
      const file = join(dataDir, "gateway.log");
      writeFileSync(file, `{"level":"info","message":"unrelated"}\n${g.apiLogLines[0]}\n`);
      const replay = () => run("npx", ["tsx", "scripts/replay-logs.ts", file], { env: { ...process.env, DATA_DIR: dataDir }, cwd: process.cwd() });
      expect(JSON.parse((await replay()).stdout.trim().split("\n").at(-1)!)).toEqual({ replayed: { rows: 1, inserted: 1, duplicates: 0, invalid: 0 } });
      expect(JSON.parse((await replay()).stdout.trim().split("\n").at(-1)!)).toEqual({ replayed: { rows: 1, inserted: 0, duplicates: 1, invalid: 0 } });
      const check = await createDatabase({ kind: "sqlite", file: join(dataDir, "modelgate.sqlite") });
      const rows = await check.db.selectFrom("t_ai_api_logs").selectAll().execute();
      await check.close();
      expect(rows).toHaveLength(1);
      expect(rows[0].model).toBe(MODEL);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("no provider key or client key in any response, log row, key row or log line", async () => {
    const primary = await g.addKey("openai", PRIMARY, { priority: 10 });
    await g.addKey("openai", BACKUP, { priority: 1 });
    const client = await g.addClient();
    const texts: string[] = [];
    g.upstream.script(PRIMARY, reply.invalidKey({ echoKey: true }));
    g.upstream.script(BACKUP, reply.serverError({ echoKey: true }));
    texts.push(await (await g.chat(chatBody(MODEL), { token: client })).text());
    g.upstream.script(BACKUP, reply.badRequest(`bad key ${BACKUP} and Bearer ${client}`));
    texts.push(await (await g.chat(chatBody(MODEL), { token: client })).text());
    g.upstream.script(BACKUP, reply.streamError({ afterEvents: 3, message: `leaked ${BACKUP}` }));
    texts.push(await (await g.chat(chatBody(MODEL, "x", { stream: true }), { token: client })).text());
    const validated = await g.request("POST", `/api/admin/ai-providers/keys/${primary}/validate`, undefined, await g.adminToken());
    texts.push(await validated.text());
    texts.push(await (await g.chat(chatBody(MODEL), { token: client, path: "/api/ai/chat/completions" })).text());

    const everything = [
      ...texts,
      JSON.stringify(await g.logRows()),
      JSON.stringify(await g.database.handle.db.selectFrom("t_ai_api_keys").select(["status_reason", "key_hint", "key_name"]).execute()),
      ...g.logLines,
      ...g.apiLogLines,
    ].join("\n");
    expect(texts[0]).toContain("error");
    for (const secret of [PRIMARY, BACKUP, client]) expect(everything).not.toContain(secret);
    expect(everything).not.toContain(PRIMARY.slice(0, 20));
  });
});
