/**
 * The request-log writer's write-behind mode (the local server's): rows are queued, inserted in
 * batches after a short delay or when the batch is full, flushed at close, and never lost: a bad
 * row in a batch is retried alone and ends up on stdout, its neighbours in the table. Each case
 * runs through the query builder and through SQLite's direct row insert (rows that set every
 * column), which must store the same.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NewApiLogRow } from "../../db/schema";
import { migrateToLatest } from "../../db/migrate";
import { ApiLogWriter, parseApiLogLine } from "../../lib/gateway/api-log-writer";
import { silentLogger } from "../../lib/logging/logger";
import { openTestDatabase, type TestDatabase } from "../support/test-databases";

let sequence = 0;
/** A row that leaves the columns with defaults out. */
function partialRow(requestId = `req-${++sequence}`): NewApiLogRow {
  return {
    request_id: requestId,
    client_id: null,
    client_name: "writer-test",
    provider_id: 1,
    key_id: 1,
    model: "gpt-4o-mini",
    status: "success",
    http_status: 200,
    error_code: null,
    error_message: null,
    prompt_tokens: 3,
    completion_tokens: 4,
    total_tokens: 7,
    tokens_estimated: 0,
    cost: 0,
    latency_ms: 5,
    ttft_ms: null,
    attempts: 1,
    attempt_errors: null,
    is_stream: 0,
    created_at: Date.now(),
  };
}

/** A row that sets every column, as the gateway's log record writes them. */
function completeRow(requestId = `req-${++sequence}`): NewApiLogRow {
  return {
    ...partialRow(requestId),
    outcome: "served",
    failed_over: 0,
    door: "chat",
    upstream_protocol: "chat",
    warnings: null,
    cache_read_tokens: 1,
    cache_write_tokens: 0,
    reasoning_tokens: 2,
    requested_model: "fast",
    models_tried: '["openai/gpt-4o-mini"]',
  };
}

describe.each([
  { path: "the query builder", direct: false },
  { path: "the direct row insert", direct: true },
])("api log writer, write-behind, through $path", ({ direct }) => {
  const row = direct ? completeRow : partialRow;
  let database: TestDatabase;
  const lines: string[] = [];
  const stored = async () => (await database.handle.db.selectFrom("t_ai_api_logs").select("request_id").orderBy("id").execute()).map((found) => found.request_id);
  const writer = (writeBehind: { maxDelayMs?: number; maxRows?: number }) =>
    new ApiLogWriter({ db: database.handle.db, insertRows: direct ? database.handle.insertRows : undefined, logger: silentLogger, writeLine: (line) => lines.push(line), writeBehind });

  beforeEach(async () => {
    database = await openTestDatabase("sqlite");
    await migrateToLatest(database.handle);
    lines.length = 0;
  });
  afterEach(async () => {
    await database.drop();
  });

  it("answers at once and inserts the queue together after the delay", async () => {
    const logs = writer({ maxDelayMs: 30 });
    const first = row();
    const second = row();
    await logs.write(first);
    await logs.write(second);
    expect(logs.queuedRows).toBe(2);
    expect(await stored()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await logs.flush();
    expect(await stored()).toEqual([first.request_id, second.request_id]);
    expect(logs.queuedRows).toBe(0);
  });

  it("inserts a full batch without waiting for the delay", async () => {
    const logs = writer({ maxDelayMs: 60_000, maxRows: 3 });
    const rows = [row(), row(), row(), row()];
    for (const each of rows) await logs.write(each);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await stored()).toEqual(rows.slice(0, 3).map((each) => each.request_id));
    expect(logs.queuedRows).toBe(1);
    await logs.close();
    expect(await stored()).toEqual(rows.map((each) => each.request_id));
  });

  it("writes the rest at close, and awaits each write after it", async () => {
    const logs = writer({ maxDelayMs: 60_000 });
    const queued = row();
    await logs.write(queued);
    await logs.close();
    expect(await stored()).toEqual([queued.request_id]);
    const late = row();
    await logs.write(late);
    expect(await stored()).toEqual([queued.request_id, late.request_id]);
  });

  it("retries a failed batch row by row: the duplicate goes to stdout, the others to the table", async () => {
    const logs = writer({ maxDelayMs: 60_000 });
    const original = row("req-duplicate");
    await logs.write(original);
    await logs.flush();
    const neighbours = [row(), row()];
    await logs.write(neighbours[0]);
    await logs.write(row("req-duplicate"));
    await logs.write(neighbours[1]);
    await logs.close();
    expect(await stored()).toEqual(["req-duplicate", neighbours[0].request_id, neighbours[1].request_id]);
    expect(lines).toHaveLength(1);
    expect(parseApiLogLine(lines[0])).toMatchObject({ request_id: "req-duplicate" });
  });

  it("sends every queued row to stdout when the database is gone", async () => {
    const logs = writer({ maxDelayMs: 60_000 });
    const rows = [row(), row()];
    for (const each of rows) await logs.write(each);
    const gone = database;
    await gone.handle.close();
    await logs.close();
    expect(lines.map((line) => (parseApiLogLine(line) as NewApiLogRow).request_id)).toEqual(rows.map((each) => each.request_id));
    database = await openTestDatabase("sqlite");
    await gone.drop().catch(() => undefined);
  });

  it("keeps a batch written while another transaction is open when that transaction rolls back", async () => {
    const logs = writer({ maxDelayMs: 60_000 });
    let flushed: Promise<void> | undefined;
    await database.handle.db
      .transaction()
      .execute(async (trx) => {
        await trx.deleteFrom("t_ai_api_logs").execute();
        await logs.write(row("during-transaction"));
        flushed = logs.flush();
        // Let the flush start while the transaction still holds the connection.
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error("roll back");
      })
      .catch(() => undefined);
    await flushed;
    expect(await stored()).toEqual(["during-transaction"]);
    expect(lines).toEqual([]);
  });

  it("stores every column as written, and the defaults of a row that leaves columns out", async () => {
    const logs = writer({ maxDelayMs: 60_000 });
    const complete = completeRow();
    const partial = partialRow();
    await logs.write(complete);
    await logs.write(partial);
    await logs.close();
    const rows = await database.handle.db.selectFrom("t_ai_api_logs").selectAll().orderBy("id").execute();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject(complete);
    expect(rows[1]).toMatchObject({ ...partial, failed_over: 0, door: "chat", cache_read_tokens: 0, requested_model: null });
  });

  it("rejects bad settings", () => {
    expect(() => writer({ maxDelayMs: 0 })).toThrow(RangeError);
    expect(() => writer({ maxRows: 0 })).toThrow(RangeError);
  });
});
