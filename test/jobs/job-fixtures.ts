/**
 * Shared fixtures for the job, alert and stats suites: a migrated and seeded test database, a job
 * context over it with a hand-moved clock, a seeded generator of log rows, and an independent
 * JavaScript rollup of those rows to check the SQL against.
 */
import { migrateToLatest } from "../../db/migrate";
import { seedCatalogue } from "../../db/seed";
import type { NewApiLogRow } from "../../db/schema";
import { addHistogram, addHistogramText, emptyHistogram, histogramBucket, type Histogram } from "../../lib/stats/latency-histogram";
import { storedRowOutcome, type LogOutcome } from "../../lib/stats/log-outcome";
import { parseSettings } from "../../lib/config/settings";
import type { JobContext, Sleep } from "../../lib/jobs/job-context";
import type { LimitStore } from "../../lib/limits/limit-store";
import { MemoryLimitStore } from "../../lib/limits/memory-limit-store";
import { createLogger } from "../../lib/logging/logger";
import { TestClock } from "../support/test-app";
import { openTestDatabase, type TestDatabase, type TestDatabaseKind } from "../support/test-databases";

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
export const DAY = 86_400_000;

/** A job context over a fresh database, plus what the test inspects. */
export interface JobHarness {
  database: TestDatabase;
  context: JobContext;
  clock: TestClock;
  limits: LimitStore;
  logLines: string[];
  /** Every `sleep` the jobs asked for, in order (nothing actually waits). */
  sleeps: number[];
  close(): Promise<void>;
}

/** Options of {@link createJobHarness}. */
export interface JobHarnessOptions {
  env?: Record<string, string>;
  fetch?: typeof fetch;
  /** @default 2026-11-26T12:30:00Z */
  startAt?: number;
}

/** Opens, migrates and seeds a database and builds a job context over it. */
export async function createJobHarness(kind: TestDatabaseKind, options: JobHarnessOptions = {}): Promise<JobHarness> {
  const database = await openTestDatabase(kind);
  await migrateToLatest(database.handle);
  const clock = new TestClock(options.startAt ?? Date.UTC(2026, 10, 26, 12, 30, 0));
  await seedCatalogue(database.handle.db, clock.now());
  const limits = new MemoryLimitStore();
  const logLines: string[] = [];
  const sleeps: number[] = [];
  const sleep: Sleep = async (milliseconds) => {
    sleeps.push(milliseconds);
  };
  const context: JobContext = {
    db: database.handle.db,
    dialect: database.handle.dialect,
    limits,
    clock,
    logger: createLogger({ level: "debug", write: (line) => logLines.push(line), now: () => clock.now() }),
    fetch: options.fetch ?? globalThis.fetch,
    // Webhook receivers listen on 127.0.0.1, which the default destination policy refuses.
    settings: parseSettings({ JWT_SECRET: "x".repeat(40), ALLOW_LOOPBACK_UPSTREAMS: "true", ...options.env }),
    sleep,
  };
  return { database, context, clock, limits, logLines, sleeps, close: () => database.drop() };
}

/** A small seeded PRNG (mulberry32): the same rows on every run and every database. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

let requestCounter = 0;

/** One log row with sensible defaults. */
export function logRow(overrides: Partial<NewApiLogRow> & { created_at: number }): NewApiLogRow {
  requestCounter += 1;
  return {
    request_id: `req-${process.pid}-${requestCounter}-${Math.random().toString(36).slice(2, 8)}`,
    client_id: null,
    client_name: null,
    provider_id: 1,
    key_id: 1,
    model: "gpt-4.1",
    status: "success",
    http_status: 200,
    error_code: null,
    error_message: null,
    prompt_tokens: 10,
    completion_tokens: 5,
    total_tokens: 15,
    tokens_estimated: 0,
    cost: 0.001,
    latency_ms: 100,
    ttft_ms: null,
    attempts: 1,
    attempt_errors: null,
    is_stream: 0,
    failed_over: (overrides.attempts ?? 1) > 1 ? 1 : 0,
    ...overrides,
  };
}

const MODELS_BY_PROVIDER: Record<number, string[]> = { 1: ["gpt-4.1", "gpt-4.1-mini"], 2: ["claude-sonnet-4-6"], 3: ["deepseek-chat"] };

/**
 * `count` random rows with `created_at` in `[from, to)`: mixed providers, keys (some null),
 * outcomes (served, failed, refused before routing, refused by a budget; some failovers), latencies
 * and streamed times to first token. One row in ten has no `outcome`, as a row written before the
 * column existed, so its outcome comes from the stored-row rule.
 */
export function randomLogs(random: () => number, count: number, from: number, to: number): NewApiLogRow[] {
  const rows: NewApiLogRow[] = [];
  for (let index = 0; index < count; index += 1) {
    const providerRoll = random();
    let providerId: number | null = providerRoll < 0.05 ? null : 1 + Math.floor(random() * 3);
    const models = MODELS_BY_PROVIDER[providerId ?? 1];
    let keyId: number | null = providerId === null || random() < 0.05 ? null : providerId * 10 + Math.floor(random() * 2);
    const roll = random();
    const kind = roll < 0.65 ? "served" : roll < 0.7 ? "partial" : roll < 0.82 ? "failed" : roll < 0.92 ? "rejected" : roll < 0.95 ? "budget" : "failover";
    let status: NewApiLogRow["status"] = "success";
    let httpStatus = 200;
    let errorCode: string | null = null;
    let attempts = 1;
    if (kind === "partial") [status, httpStatus, errorCode] = ["partial", 499, "client_closed_request"];
    if (kind === "failed") [status, httpStatus, errorCode] = ["error", 502, random() < 0.5 ? "upstream_error" : "rate_limited"];
    if (kind === "failover") attempts = 2;
    if (kind === "rejected" || kind === "budget") {
      attempts = 0;
      keyId = null;
      status = "error";
      if (kind === "budget") [httpStatus, errorCode] = [429, random() < 0.5 ? "budget_exceeded" : "token_quota_exceeded"];
      else if (random() < 0.5) [providerId, httpStatus, errorCode] = [null, 429, "rate_limit_exceeded"];
      else [httpStatus, errorCode] = [403, "forbidden"];
    }
    const prompt = Math.floor(random() * 2000);
    const completion = Math.floor(random() * 800);
    const latency = attempts === 0 ? Math.floor(random() * 5) : Math.floor(random() * random() * 5000);
    const stream = attempts > 0 && random() < 0.5;
    const row = logRow({
      created_at: from + Math.floor(random() * (to - from)),
      provider_id: providerId,
      key_id: keyId,
      client_id: random() < 0.5 ? 1 : 2,
      model: models[Math.floor(random() * models.length)],
      status,
      http_status: httpStatus,
      error_code: errorCode,
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      cost: Math.round(random() * 1e6) / 1e8,
      latency_ms: latency,
      ttft_ms: stream ? Math.floor(latency * random()) : null,
      is_stream: stream ? 1 : 0,
      attempts,
      failed_over: attempts > 1 ? 1 : 0,
    });
    row.outcome = random() < 0.1 ? null : rowOutcome(row);
    rows.push(row);
  }
  return rows;
}

/** A generated row's outcome: the stored one, or the rule's for rows without it. */
export function rowOutcome(row: NewApiLogRow): LogOutcome {
  return (
    row.outcome ??
    storedRowOutcome({ status: row.status, http_status: row.http_status, error_code: row.error_code ?? null, attempts: row.attempts, provider_id: row.provider_id ?? null })
  );
}

/** Latency and TTFT histograms of rows, as the rollup builds them (routed rows only). */
export function referenceHistograms(rows: NewApiLogRow[]): { latency: Histogram; ttft: Histogram } {
  const latency = emptyHistogram();
  const ttft = emptyHistogram();
  for (const row of rows) {
    if (!["served", "failed"].includes(rowOutcome(row))) continue;
    latency[histogramBucket(row.latency_ms)] += 1;
    if (row.ttft_ms !== null && row.ttft_ms !== undefined) ttft[histogramBucket(row.ttft_ms)] += 1;
  }
  return { latency, ttft };
}

/** Inserts rows in multi-row statements. */
export async function insertLogs(context: JobContext, rows: NewApiLogRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 200) {
    await context.db.insertInto("t_ai_api_logs").values(rows.slice(start, start + 200)).execute();
  }
}

/** One expected usage row. */
export interface ExpectedUsage {
  request_count: number;
  success_count: number;
  error_count: number;
  rejected_count: number;
  budget_refused_count: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost: number;
  avg_latency_ms: number;
  p95_latency_ms: number;
  max_latency_ms: number;
}

/** The rollup computed in JavaScript from the generated rows, for hours in `[from, to)`; keyed `hour|provider|key|model`. */
export function referenceRollup(rows: NewApiLogRow[], from: number, to: number): Map<string, ExpectedUsage> {
  const groups = new Map<string, NewApiLogRow[]>();
  for (const row of rows) {
    if (row.created_at < from || row.created_at >= to) continue;
    const hour = row.created_at - (row.created_at % HOUR);
    const id = `${hour}|${row.provider_id ?? 0}|${row.key_id ?? 0}|${row.model}`;
    groups.set(id, [...(groups.get(id) ?? []), row]);
  }
  const result = new Map<string, ExpectedUsage>();
  for (const [id, members] of groups) {
    const latencies = members.map((row) => row.latency_ms ?? 0).sort((a, b) => a - b);
    const counted = (outcome: LogOutcome) => members.filter((row) => rowOutcome(row) === outcome).length;
    result.set(id, {
      request_count: members.length,
      success_count: counted("served"),
      error_count: counted("failed"),
      rejected_count: counted("rejected"),
      budget_refused_count: counted("budget"),
      prompt_tokens: members.reduce((sum, row) => sum + (row.prompt_tokens ?? 0), 0),
      completion_tokens: members.reduce((sum, row) => sum + (row.completion_tokens ?? 0), 0),
      total_tokens: members.reduce((sum, row) => sum + (row.total_tokens ?? 0), 0),
      cost: members.reduce((sum, row) => sum + (row.cost ?? 0), 0),
      avg_latency_ms: latencies.reduce((sum, value) => sum + value, 0) / latencies.length,
      // Nearest rank: the value at rank ceil(0.95 n).
      p95_latency_ms: latencies[Math.ceil((latencies.length * 95) / 100) - 1],
      max_latency_ms: latencies.at(-1)!,
    });
  }
  return result;
}

/** The usage table as the same keyed map (numbers normalized). */
export async function readUsage(context: JobContext): Promise<Map<string, ExpectedUsage>> {
  const rows = await context.db.selectFrom("t_ai_usage_stats").selectAll().execute();
  return new Map(
    rows.map((row) => [
      `${Number(row.hour_start)}|${row.provider_id}|${row.key_id}|${row.model}`,
      {
        request_count: Number(row.request_count),
        success_count: Number(row.success_count),
        error_count: Number(row.error_count),
        rejected_count: Number(row.rejected_count),
        budget_refused_count: Number(row.budget_refused_count),
        prompt_tokens: Number(row.prompt_tokens),
        completion_tokens: Number(row.completion_tokens),
        total_tokens: Number(row.total_tokens),
        cost: Number(row.cost),
        avg_latency_ms: Number(row.avg_latency_ms),
        p95_latency_ms: Number(row.p95_latency_ms),
        max_latency_ms: Number(row.max_latency_ms),
      },
    ]),
  );
}

/** Asserts two usage maps agree: integers exactly, cost and average within rounding. */
export function expectUsageEqual(actual: Map<string, ExpectedUsage>, expected: Map<string, ExpectedUsage>, expectFn: (value: unknown) => any): void {
  expectFn([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [id, want] of expected) {
    const got = actual.get(id)!;
    const { cost, avg_latency_ms, ...integers } = want;
    const { cost: gotCost, avg_latency_ms: gotAverage, ...gotIntegers } = got;
    expectFn({ id, ...gotIntegers }).toEqual({ id, ...integers });
    expectFn(gotCost).toBeCloseTo(cost, 9);
    // MariaDB's AVG over integers is a DECIMAL with 4 decimal places.
    expectFn(gotAverage).toBeCloseTo(avg_latency_ms, 3);
  }
}

/** One expected per-client usage row. */
export interface ExpectedClientUsage {
  request_count: number;
  success_count: number;
  error_count: number;
  rejected_count: number;
  budget_refused_count: number;
  latency_histogram: Histogram;
  ttft_histogram: Histogram;
  total_tokens: number;
  cost: number;
  latency_sum_ms: number;
  max_latency_ms: number;
}

/** The per-client rollup computed in JavaScript; keyed `hour|client|provider|key|model`. */
export function referenceClientRollup(rows: NewApiLogRow[], from: number, to: number): Map<string, ExpectedClientUsage> {
  const result = new Map<string, ExpectedClientUsage>();
  for (const row of rows) {
    if (row.created_at < from || row.created_at >= to) continue;
    const id = `${row.created_at - (row.created_at % HOUR)}|${row.client_id ?? 0}|${row.provider_id ?? 0}|${row.key_id ?? 0}|${row.model}`;
    const entry = result.get(id) ?? {
      request_count: 0,
      success_count: 0,
      error_count: 0,
      rejected_count: 0,
      budget_refused_count: 0,
      latency_histogram: emptyHistogram(),
      ttft_histogram: emptyHistogram(),
      total_tokens: 0,
      cost: 0,
      latency_sum_ms: 0,
      max_latency_ms: 0,
    };
    const outcome = rowOutcome(row);
    const histograms = referenceHistograms([row]);
    entry.request_count += 1;
    entry.success_count += outcome === "served" ? 1 : 0;
    entry.error_count += outcome === "failed" ? 1 : 0;
    entry.rejected_count += outcome === "rejected" ? 1 : 0;
    entry.budget_refused_count += outcome === "budget" ? 1 : 0;
    addHistogram(entry.latency_histogram, histograms.latency);
    addHistogram(entry.ttft_histogram, histograms.ttft);
    entry.total_tokens += row.total_tokens ?? 0;
    entry.cost += row.cost ?? 0;
    entry.latency_sum_ms += row.latency_ms ?? 0;
    entry.max_latency_ms = Math.max(entry.max_latency_ms, row.latency_ms ?? 0);
    result.set(id, entry);
  }
  return result;
}

/** Asserts `t_client_usage_stats` equals the JavaScript per-client rollup. */
export async function expectClientUsageEqual(context: JobContext, expected: Map<string, ExpectedClientUsage>, expectFn: (value: unknown) => any): Promise<void> {
  const rows = await context.db.selectFrom("t_client_usage_stats").selectAll().execute();
  const actual = new Map(
    rows.map((row) => [
      `${Number(row.hour_start)}|${row.client_id}|${row.provider_id}|${row.key_id}|${row.model}`,
      {
        request_count: Number(row.request_count),
        success_count: Number(row.success_count),
        error_count: Number(row.error_count),
        rejected_count: Number(row.rejected_count),
        budget_refused_count: Number(row.budget_refused_count),
        latency_histogram: addHistogramText(emptyHistogram(), row.latency_histogram),
        ttft_histogram: addHistogramText(emptyHistogram(), row.ttft_histogram),
        total_tokens: Number(row.total_tokens),
        cost: Number(row.cost),
        latency_sum_ms: Number(row.latency_sum_ms),
        max_latency_ms: Number(row.max_latency_ms),
      },
    ]),
  );
  expectFn([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [id, want] of expected) {
    const { cost, ...integers } = want;
    const { cost: gotCost, ...gotIntegers } = actual.get(id)!;
    expectFn({ id, ...gotIntegers }).toEqual({ id, ...integers });
    expectFn(gotCost).toBeCloseTo(cost, 9);
  }
}
