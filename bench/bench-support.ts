/**
 * Helpers of the statistics benchmark: a fresh MariaDB database, fast generation of log rows
 * inside the server (`INSERT … SELECT` from MariaDB's sequence engine), timing and the table.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import { createConnection } from "mysql2/promise";
import { createDatabase, type DatabaseHandle } from "../db/connection";

/** A benchmark database and how to drop it. */
export interface BenchDatabase {
  name: string;
  handle: DatabaseHandle;
  /** Closes the connections and drops the database. */
  drop(): Promise<void>;
}

/** Creates a fresh, empty database on the server at `serverUrl` (no path). */
export async function createBenchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `mg_bench_${randomBytes(4).toString("hex")}`;
  const admin = await createConnection(serverUrl);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const handle = await createDatabase({ kind: "mysql", url: `${serverUrl.replace(/\/$/, "")}/${name}` });
  return {
    name,
    handle,
    drop: async () => {
      await handle.close();
      const connection = await createConnection(serverUrl);
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    },
  };
}

/**
 * Inserts `count` log rows spread evenly over `[start, start + spanMs)`, `batch` rows per
 * statement, computed by the server from `seq_1_to_<count>` (MariaDB's sequence engine).
 * Deterministic: 3 providers, 2 keys each, 2 models for OpenAI, 95 % success, 3 % error,
 * 2 % partial, latencies 50..3049 ms, tokens and cost varying with the row number.
 */
export async function generateLogs(handle: DatabaseHandle, count: number, start: number, spanMs: number, batch = 100_000): Promise<void> {
  for (let first = 1; first <= count; first += batch) {
    const last = Math.min(count, first + batch - 1);
    await sql`
      INSERT INTO t_ai_api_logs (request_id, client_id, client_name, provider_id, key_id, model, status, http_status,
        error_code, error_message, prompt_tokens, completion_tokens, total_tokens, tokens_estimated, cost, latency_ms,
        ttft_ms, attempts, attempt_errors, is_stream, outcome, created_at)
      SELECT CONCAT('bench-', seq), 1 + seq % 4, CONCAT('client-', 1 + seq % 4), provider, provider * 10 + (seq DIV 3) % 2,
        CASE provider WHEN 1 THEN IF((seq DIV 3) % 2 = 0, 'gpt-4.1', 'gpt-4.1-mini') WHEN 2 THEN 'claude-sonnet-4-6' ELSE 'deepseek-chat' END,
        CASE WHEN roll < 95 THEN 'success' WHEN roll < 98 THEN 'error' ELSE 'partial' END,
        CASE WHEN roll < 95 THEN 200 ELSE 502 END,
        CASE WHEN roll < 95 THEN NULL WHEN roll < 97 THEN 'upstream_error' ELSE 'rate_limited' END,
        NULL, prompt, completion, prompt + completion, 0, (prompt * 2 + completion * 8) / 1000000, 50 + hash % 3000,
        IF(seq % 2 = 1, 20 + hash % 800, NULL), 1, NULL, seq % 2, CASE WHEN roll >= 95 AND roll < 98 THEN 'failed' ELSE 'served' END,
        ${start} + FLOOR((seq - 1) * ${spanMs} / ${count})
      FROM (
        SELECT seq, 1 + seq % 3 AS provider, CRC32(seq) % 100 AS roll, CRC32(seq * 7) AS hash,
          CRC32(seq * 13) % 2000 AS prompt, CRC32(seq * 17) % 800 AS completion
        FROM ${sql.raw(`seq_1_to_${count}`)}
        WHERE seq BETWEEN ${first} AND ${last}
      ) generated`.execute(handle.db);
  }
}

/** Times `action` `runs` times (after `setup` each time, untimed); returns the milliseconds of each run. */
export async function timeRuns(runs: number, action: () => Promise<unknown>, setup?: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    if (setup) await setup();
    const started = performance.now();
    await action();
    times.push(performance.now() - started);
  }
  return times;
}

/** The median of some numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One line of the result table. */
export interface BenchResult {
  name: string;
  times: number[];
  /** Target in milliseconds, if there is one. */
  targetMs?: number;
}

/** Renders the results with ratios to the baseline (the first result) and to the targets. */
export function renderTable(results: BenchResult[]): string {
  const baseline = median(results[0].times);
  const header = ["measurement", "runs", "median ms", "min ms", "max ms", "× baseline", "target ms", "× target", "verdict"];
  const lines = results.map((result) => {
    const middle = median(result.times);
    return [
      result.name,
      String(result.times.length),
      middle.toFixed(1),
      Math.min(...result.times).toFixed(1),
      Math.max(...result.times).toFixed(1),
      (middle / baseline).toFixed(2),
      result.targetMs === undefined ? "-" : String(result.targetMs),
      result.targetMs === undefined ? "-" : (middle / result.targetMs).toFixed(3),
      result.targetMs === undefined ? "-" : middle <= result.targetMs ? "PASS" : "FAIL",
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
  const format = (cells: string[]) => `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(" | ")} |`;
  return [format(header), `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`, ...lines.map(format)].join("\n");
}
