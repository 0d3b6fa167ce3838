/**
 * Writes request log rows. A write that fails (or hangs) never fails the request and loses
 * nothing: the row goes to stdout as one JSON line, `{"type":"api_log","row":{…}}`, which
 * `scripts/replay-logs.ts` inserts later. Replays are idempotent through the unique index on
 * `request_id`, so a row whose slow insert did land after all is not duplicated.
 */
import type { Kysely } from "kysely";
import type { Database, NewApiLogRow } from "../../db/schema";
import type { Logger } from "../logging/logger";

/** The `type` of a fallback log line. */
export const API_LOG_LINE_TYPE = "api_log";

/** Options of {@link ApiLogWriter}. */
export interface ApiLogWriterOptions {
  db: Kysely<Database>;
  logger: Logger;
  /**
   * Where fallback lines go (one JSON document, no newline).
   * @default a write of the line and "\n" to process.stdout
   */
  writeLine?: (line: string) => void;
  /**
   * How long an insert may take before the row goes to the fallback line instead, in ms.
   * @default 5000
   */
  timeoutMs?: number;
}

/** Inserts log rows, falling back to stdout lines. */
export class ApiLogWriter {
  readonly #db: Kysely<Database>;
  readonly #logger: Logger;
  readonly #writeLine: (line: string) => void;
  readonly #timeoutMs: number;

  /** @throws RangeError on a non-positive timeout. */
  constructor({ db, logger, writeLine = (line) => void process.stdout.write(`${line}\n`), timeoutMs = 5000 }: ApiLogWriterOptions) {
    if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);
    this.#db = db;
    this.#logger = logger;
    this.#writeLine = writeLine;
    this.#timeoutMs = timeoutMs;
  }

  /** Inserts `row`; never rejects. */
  async write(row: NewApiLogRow): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`log insert took longer than ${this.#timeoutMs} ms`)), this.#timeoutMs);
      });
      await Promise.race([this.#db.insertInto("t_ai_api_logs").values(row).execute(), timeout]);
    } catch (error) {
      this.#fallBack(row, error);
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

/** Columns a replayed row may set; anything else in a line is ignored. */
const ROW_COLUMNS = [
  "request_id",
  "client_id",
  "client_name",
  "provider_id",
  "key_id",
  "model",
  "status",
  "http_status",
  "error_code",
  "error_message",
  "prompt_tokens",
  "completion_tokens",
  "total_tokens",
  "tokens_estimated",
  "cost",
  "latency_ms",
  "ttft_ms",
  "attempts",
  "attempt_errors",
  "is_stream",
  "created_at",
] as const;

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
    for (const column of ROW_COLUMNS) if (source[column] !== undefined) row[column] = source[column];
    return row as unknown as NewApiLogRow;
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
