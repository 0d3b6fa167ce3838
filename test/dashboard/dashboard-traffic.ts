/**
 * Real data for the dashboard suite: chat completions through the gateway against the fake
 * upstream when the gateway is mounted, otherwise log rows as the gateway would write them; then
 * the hourly rollup, so the charts read both rolled-up hours and the not-yet-rolled-up tail.
 */
import type { NewApiLogRow } from "../../db/schema";
import type { FakeUpstream } from "../support/fake-upstream";
import { reply } from "../support/fake-upstream";
import type { TestApp } from "../support/test-app";

const HOUR_MS = 3_600_000;

/** What the suite needs to know about the traffic it made. */
export interface TrafficSummary {
  via: "gateway" | "log rows";
  /** Counted in the database afterwards, independently of the statistics API. */
  total: number;
  success: number;
  errors: number;
  /** Rows of {@link LOAD_MORE_MODEL}, enough for two log pages. */
  loadMoreRows: number;
}

/** Model of the extra rows that exercise "load more". */
export const LOAD_MORE_MODEL = "pagination-probe-model";
/** The model the traffic asks for. */
export const TRAFFIC_MODEL = "gpt-4o-mini";

interface TrafficOptions {
  t: TestApp;
  baseUrl: string;
  upstream: FakeUpstream;
  clientKey: { id: number; name: string; apiKey: string };
  providerKey: { id: number; apiKey: string };
}

/** True when `/v1/chat/completions` is mounted (the gateway's own work may land later). */
async function gatewayMounted(baseUrl: string): Promise<boolean> {
  const response = await fetch(`${baseUrl}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  await response.arrayBuffer();
  return response.status !== 404;
}

async function chat(baseUrl: string, apiKey: string): Promise<number> {
  const response = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ model: TRAFFIC_MODEL, messages: [{ role: "user", content: "Hello from the dashboard test" }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function countLogs(t: TestApp): Promise<number> {
  const row = await t.deps.database.db.selectFrom("t_ai_api_logs").select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirstOrThrow();
  return Number(row.count);
}

async function waitForLogs(t: TestApp, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await countLogs(t)) < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} log rows, have ${await countLogs(t)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function logRow(options: TrafficOptions, createdAt: number, index: number, overrides: Partial<NewApiLogRow> = {}): NewApiLogRow {
  return {
    request_id: `dash-${createdAt}-${index}`,
    client_id: options.clientKey.id,
    client_name: options.clientKey.name,
    provider_id: 1,
    key_id: options.providerKey.id,
    model: TRAFFIC_MODEL,
    status: "success",
    http_status: 200,
    error_code: null,
    error_message: null,
    prompt_tokens: 12,
    completion_tokens: 30,
    total_tokens: 42,
    tokens_estimated: 0,
    cost: 0.0000198,
    latency_ms: 120 + index,
    ttft_ms: null,
    attempts: 1,
    attempt_errors: null,
    is_stream: 0,
    created_at: createdAt,
    ...overrides,
  };
}

/**
 * Makes traffic three hours ago (rolled up afterwards) and now (the tail): successes and
 * failures, then rows for pagination, then runs the rollup through the admin API.
 */
export async function makeTraffic(options: TrafficOptions, adminToken: string): Promise<TrafficSummary> {
  const { t, baseUrl, upstream, providerKey } = options;
  const now = t.clock.now();
  const earlier = now - 3 * HOUR_MS;
  const db = t.deps.database.db;
  const viaGateway = await gatewayMounted(baseUrl);

  if (viaGateway) {
    let expected = await countLogs(t);
    for (const [time, successes] of [[earlier, 3], [now, 4]] as const) {
      t.clock.current = time;
      for (let index = 0; index < successes; index++) await chat(baseUrl, options.clientKey.apiKey);
      expected += successes;
    }
    // A request the upstream rejects for good (not retried, not failed over): one error row.
    upstream.script(providerKey.apiKey, reply.badRequest("The dashboard test sent a bad request"));
    await chat(baseUrl, options.clientKey.apiKey);
    upstream.script(providerKey.apiKey, reply.badRequest("The dashboard test sent a bad request"));
    await chat(baseUrl, options.clientKey.apiKey);
    expected += 2;
    t.clock.current = now;
    await waitForLogs(t, expected);
  } else {
    const rows = [
      ...[0, 1, 2].map((index) => logRow(options, earlier + index * 60_000, index)),
      ...[0, 1, 2, 3].map((index) => logRow(options, now - (index + 1) * 60_000, index)),
      logRow(options, now - 30_000, 10, { status: "error", http_status: 400, error_code: "bad_request", error_message: "The dashboard test sent a bad request", cost: 0, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }),
      logRow(options, now - 20_000, 11, { status: "error", http_status: 400, error_code: "bad_request", error_message: "The dashboard test sent a bad request", cost: 0, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }),
    ];
    await db.insertInto("t_ai_api_logs").values(rows).execute();
  }

  // Enough rows of one model for more than one log page (50 per page).
  const loadMoreRows = 55;
  await db
    .insertInto("t_ai_api_logs")
    .values(Array.from({ length: loadMoreRows }, (_, index) => logRow(options, earlier + 30 * 60_000 + index * 1000, 100 + index, { model: LOAD_MORE_MODEL, client_id: null, client_name: null })))
    .execute();

  const rollup = await t.request("POST", "/api/admin/jobs/rollup/run", undefined, adminToken);
  if (rollup.status !== 200) throw new Error(`rollup failed: ${rollup.status} ${await rollup.text()}`);

  const counts = await db
    .selectFrom("t_ai_api_logs")
    .select((eb) => ["status", eb.fn.countAll<number>().as("count")])
    .groupBy("status")
    .execute();
  const countOf = (status: string) => Number(counts.find((row) => row.status === status)?.count ?? 0);
  const total = counts.reduce((sum, row) => sum + Number(row.count), 0);
  return { via: viaGateway ? "gateway" : "log rows", total, success: countOf("success"), errors: total - countOf("success"), loadMoreRows };
}
