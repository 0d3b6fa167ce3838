/**
 * Writes request log rows. A write that fails (or hangs) never fails the request and loses
 * nothing: the row goes to stdout as one JSON line, `{"type":"api_log","row":{…}}`, which
 * `scripts/replay-logs.ts` inserts later. Replays are idempotent through the unique index on
 * `request_id`, so a row whose slow insert did land after all is not duplicated.
 *
 * Two modes. By default every `write()` inserts its row and resolves once it is stored (or on
 * stdout): what Lambda needs, since it freezes the process as soon as the handler returns. With
 * `writeBehind` (the long-running local server), `write()` only queues the row and the queue is
 * inserted up to 100 ms later, many rows per transaction: one SQLite commit rewrites the table's
 * and every index's pages, so a commit per row cost more than the rest of a request, and a row
 * still cost about twice as much in batches of 15 (10 ms at 1,500 requests a second) as in
 * batches of 150. On SQLite the batch goes through one prepared statement run per row
 * (`DatabaseHandle.insertRows`) rather than a many-row statement the query builder compiles anew
 * for every batch size.
 * `close()` (at shutdown) writes whatever is queued; a batch that fails is retried row by row, so
 * one bad row (a duplicate request id) does not send its neighbours to stdout.
 */
import type { Kysely } from "kysely";
import type { DatabaseHandle } from "../../db/connection";
import { API_LOG_COLUMNS, type Database, type NewApiLogRow } from "../../db/schema";
import type { Logger } from "../logging/logger";
import { storedRowOutcome } from "../stats/log-outcome";

/** The `type` of a fallback log line. */
export const API_LOG_LINE_TYPE = "api_log";

/** Write-behind settings of {@link ApiLogWriter}. */
export interface WriteBehindOptions {
  /**
   * Longest time a row waits in the queue, in ms.
   * @default 100
   */
  maxDelayMs?: number;
  /**
   * Rows per insert statement; a full queue is written at once. The insert blocks the event loop
   * (about 3 ms for 200 rows in SQLite), so larger batches would show in every response's latency.
   * @default 200
   */
  maxRows?: number;
}

/** Options of {@link ApiLogWriter}. */
export interface ApiLogWriterOptions {
  db: Kysely<Database>;
  /**
   * The database's direct row insert, where it has one (SQLite: `DatabaseHandle.insertRows`);
   * rows that set every column go through it instead of the query builder.
   * @default undefined (every insert through `db`)
   */
  insertRows?: DatabaseHandle["insertRows"];
  logger: Logger;
  /**
   * Where fallback lines go (one JSON document, no newline).
   * @default a write of the line and "\n" to process.stdout
   */
  writeLine?: (line: string) => void;
  /**
   * How long an insert may take before its rows go to the fallback lines instead, in ms.
   * @default 5000
   */
  timeoutMs?: number;
  /**
   * Queue rows and insert them in batches after the response instead of one by one before it.
   * Only for a process that lives on and calls {@link ApiLogWriter.close} at shutdown.
   * @default undefined (each write is awaited)
   */
  writeBehind?: WriteBehindOptions;
}

/** Thrown inside the writer when an insert outlives `timeoutMs`. */
class InsertTimeoutError extends Error {
  override name = "InsertTimeoutError";
}

/** Whether a row sets every column (columns it leaves out take their defaults, which only the query builder writes). */
function setsEveryColumn(row: NewApiLogRow): boolean {
  for (const column of API_LOG_COLUMNS) if (row[column] === undefined) return false;
  return true;
}

/** Inserts log rows, falling back to stdout lines. */
export class ApiLogWriter {
  readonly #db: Kysely<Database>;
  readonly #insertRows: DatabaseHandle["insertRows"];
  readonly #logger: Logger;
  readonly #writeLine: (line: string) => void;
  readonly #timeoutMs: number;
  readonly #maxDelayMs: number;
  readonly #maxRows: number;
  #writeBehind: boolean;
  #queue: NewApiLogRow[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #inFlight = new Set<Promise<void>>();

  /** @throws RangeError on a non-positive timeout, delay or batch size. */
  constructor({ db, insertRows, logger, writeLine = (line) => void process.stdout.write(`${line}\n`), timeoutMs = 5000, writeBehind }: ApiLogWriterOptions) {
    if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);
    const { maxDelayMs = 100, maxRows = 200 } = writeBehind ?? {};
    if (!(maxDelayMs > 0)) throw new RangeError(`writeBehind.maxDelayMs must be > 0, got ${maxDelayMs}`);
    if (!Number.isSafeInteger(maxRows) || maxRows < 1) throw new RangeError(`writeBehind.maxRows must be a positive integer, got ${maxRows}`);
    this.#db = db;
    this.#insertRows = insertRows;
    this.#logger = logger;
    this.#writeLine = writeLine;
    this.#timeoutMs = timeoutMs;
    this.#writeBehind = writeBehind !== undefined;
    this.#maxDelayMs = maxDelayMs;
    this.#maxRows = maxRows;
  }

  /** Rows queued and not yet handed to the database. */
  get queuedRows(): number {
    return this.#queue.length;
  }

  /**
   * Stores `row`: now (resolving once it is stored or on stdout), or, in write-behind mode, in
   * the next batch (resolving at once). Never rejects.
   */
  write(row: NewApiLogRow): Promise<void> {
    if (!this.#writeBehind) return this.#insert([row]);
    this.#queue.push(row);
    if (this.#queue.length >= this.#maxRows) this.#drain();
    else this.#timer ??= setTimeout(() => this.#drain(), this.#maxDelayMs);
    return Promise.resolve();
  }

  /** Writes the queued rows now and waits for every insert in flight. Never rejects. */
  async flush(): Promise<void> {
    this.#drain();
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }

  /** Flushes, and makes later writes direct (awaited): call at shutdown, before the database closes. */
  async close(): Promise<void> {
    this.#writeBehind = false;
    await this.flush();
  }

  /** Hands the queue to the database in batches of `maxRows`. */
  #drain(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#queue.length > 0) {
      const batch = this.#queue.length <= this.#maxRows ? this.#queue : this.#queue.slice(0, this.#maxRows);
      this.#queue = this.#queue.length <= this.#maxRows ? [] : this.#queue.slice(this.#maxRows);
      const insert = this.#insert(batch);
      this.#inFlight.add(insert);
      void insert.finally(() => this.#inFlight.delete(insert));
    }
  }

  /** Inserts rows in one transaction; on failure retries them one by one, then falls back. */
  async #insert(rows: NewApiLogRow[]): Promise<void> {
    try {
      const direct = this.#insertRows !== undefined && rows.every(setsEveryColumn) && this.#insertRows("t_ai_api_logs", API_LOG_COLUMNS, rows as unknown as Record<string, unknown>[]);
      if (!direct) await this.#withTimeout(this.#db.insertInto("t_ai_api_logs").values(rows).execute());
    } catch (error) {
      // A timed-out batch may still land: its rows go to stdout (replays skip what exists).
      if (rows.length === 1 || error instanceof InsertTimeoutError) {
        for (const row of rows) this.#fallBack(row, error);
        return;
      }
      for (const row of rows) await this.#insert([row]);
    }
  }

  async #withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new InsertTimeoutError(`log insert took longer than ${this.#timeoutMs} ms`)), this.#timeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  #fallBack(row: NewApiLogRow, error: unknown): void {
    try {
      this.#writeLine(JSON.stringify({ type: API_LOG_LINE_TYPE, row }));
    } finally {
      this.#logger.warn("api log insert failed; the row was written to stdout for scripts/replay-logs.ts", { requestId: row.request_id, error });
    }
  }
}

/** Counts of one replay. */
export interface ReplayResult {
  /** Lines that were api_log lines. */
  rows: number;
  inserted: number;
  /** Rows already present (same request id). */
  duplicates: number;
  /** api_log lines that could not be parsed. */
  invalid: number;
}

/**
 * Finds the api_log row in one line of output. The line may carry a prefix (CloudWatch adds a
 * timestamp and the Lambda request id before the JSON), so the JSON is located by its type tag.
 */
export function parseApiLogLine(line: string): NewApiLogRow | "invalid" | undefined {
  const start = line.indexOf(`{"type":"${API_LOG_LINE_TYPE}"`);
  if (start === -1) return undefined;
  try {
    const parsed = JSON.parse(line.slice(start)) as { row?: Record<string, unknown> };
    const source = parsed.row;
    if (!source || typeof source.request_id !== "string" || typeof source.created_at !== "number") return "invalid";
    const row: Record<string, unknown> = {};
    // Only the table's columns; anything else in a line is ignored.
    for (const column of API_LOG_COLUMNS) if (source[column] !== undefined) row[column] = source[column];
    const parsedRow = row as unknown as NewApiLogRow;
    // A line written by a version before these columns: derive them as the migration did.
    parsedRow.outcome ??= storedRowOutcome({
      status: parsedRow.status,
      http_status: parsedRow.http_status,
      error_code: parsedRow.error_code ?? null,
      attempts: parsedRow.attempts,
      provider_id: parsedRow.provider_id ?? null,
    });
    parsedRow.failed_over ??= parsedRow.attempts > 1 ? 1 : 0;
    return parsedRow;
  } catch {
    return "invalid";
  }
}

/** Inserts the api_log rows found in `lines`, skipping request ids already present. */
export async function replayApiLogLines(db: Kysely<Database>, lines: AsyncIterable<string> | Iterable<string>): Promise<ReplayResult> {
  const result: ReplayResult = { rows: 0, inserted: 0, duplicates: 0, invalid: 0 };
  for await (const line of lines) {
    const row = parseApiLogLine(line);
    if (row === undefined) continue;
    if (row === "invalid") {
      result.invalid += 1;
      continue;
    }
    result.rows += 1;
    // INSERT IGNORE (MySQL) / INSERT OR IGNORE (SQLite): the unique request_id makes it idempotent.
    const inserted = await db.insertInto("t_ai_api_logs").ignore().values(row).executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) result.inserted += 1;
    else result.duplicates += 1;
  }
  return result;
}
