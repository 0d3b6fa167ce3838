/**
 * Real data for the dashboard suite: chat completions through the gateway (`/v1/chat/completions`)
 * against the fake upstream, some three hours ago and some now, then the hourly rollup, so the
 * charts read both rolled-up hours and the not-yet-rolled-up tail of logs.
 */
import type { FakeUpstream } from "../support/fake-upstream";
import { reply } from "../support/fake-upstream";
import type { TestApp } from "../support/test-app";

const HOUR_MS = 3_600_000;

/** What the suite needs to know about the traffic it made. */
export interface TrafficSummary {
  /** Counted in the database afterwards, independently of the statistics API. */
  total: number;
  success: number;
  errors: number;
  /** By outcome: answered, failed after routing, refused before routing. */
  served: number;
  failed: number;
  rejected: number;
  /** Requests of the chart client (successes and failures). */
  chartClientRows: number;
  /** Requests of the batch client: enough for more than one log page. */
  batchClientRows: number;
}

/** The model the traffic asks for. */
export const TRAFFIC_MODEL = "gpt-4o-mini";
/** Requests of the batch client; a log page holds 50. */
const BATCH_REQUESTS = 55;
/** A model the catalogue does not have: refused before routing. */
export const UNKNOWN_MODEL = "nonexistent-model";

/** A client key as the create response returns it. */
export interface CreatedClient {
  id: number;
  name: string;
  apiKey: string;
}

interface TrafficOptions {
  t: TestApp;
  baseUrl: string;
  upstream: FakeUpstream;
  chartClient: CreatedClient;
  batchClient: CreatedClient;
  providerApiKey: string;
}

async function chat(baseUrl: string, apiKey: string, model = TRAFFIC_MODEL): Promise<number> {
  const response = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "Hello from the dashboard test" }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function countLogs(t: TestApp): Promise<number> {
  const row = await t.deps.database.db.selectFrom("t_ai_api_logs").select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirstOrThrow();
  return Number(row.count);
}

// The gateway may write its log row after answering.
async function waitForLogs(t: TestApp, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await countLogs(t)) < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} log rows, have ${await countLogs(t)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Three hours ago: 3 chart-client successes and the batch client's requests; now: 4 successes,
 * 2 requests the upstream rejects for good (400: not retried, not failed over) and 3 for a model
 * the catalogue lacks (refused before routing). Then the rollup runs through the admin API.
 */
export async function makeTraffic(options: TrafficOptions, adminToken: string): Promise<TrafficSummary> {
  const { t, baseUrl, upstream, chartClient, batchClient } = options;
  const now = t.clock.now();
  const expectStatus = (status: number, expected: number) => {
    if (status !== expected) throw new Error(`chat answered ${status}, expected ${expected}`);
  };

  t.clock.current = now - 3 * HOUR_MS;
  for (let index = 0; index < 3; index++) expectStatus(await chat(baseUrl, chartClient.apiKey), 200);
  t.clock.current = now - 3 * HOUR_MS + 30 * 60_000;
  for (let sent = 0; sent < BATCH_REQUESTS; sent += 5) {
    const statuses = await Promise.all(Array.from({ length: Math.min(5, BATCH_REQUESTS - sent) }, () => chat(baseUrl, batchClient.apiKey)));
    statuses.forEach((status) => expectStatus(status, 200));
  }
  t.clock.current = now;
  for (let index = 0; index < 4; index++) expectStatus(await chat(baseUrl, chartClient.apiKey), 200);
  for (let index = 0; index < 2; index++) {
    upstream.script(options.providerApiKey, reply.badRequest("The dashboard test sent a bad request"));
    expectStatus(await chat(baseUrl, chartClient.apiKey), 400);
  }
  for (let index = 0; index < 3; index++) {
    const status = await chat(baseUrl, chartClient.apiKey, UNKNOWN_MODEL);
    if (status < 400 || status >= 500) throw new Error(`an unknown model answered ${status}`);
  }
  const chartClientRows = 3 + 4 + 2 + 3;
  await waitForLogs(t, chartClientRows + BATCH_REQUESTS);

  const rollup = await t.request("POST", "/api/admin/jobs/rollup/run", undefined, adminToken);
  if (rollup.status !== 200) throw new Error(`rollup failed: ${rollup.status} ${await rollup.text()}`);

  const counts = await t.deps.database.db
    .selectFrom("t_ai_api_logs")
    .select((eb) => ["status", "outcome", eb.fn.countAll<number>().as("count")])
    .groupBy(["status", "outcome"])
    .execute();
  const countOf = (match: (row: (typeof counts)[number]) => boolean) => counts.filter(match).reduce((sum, row) => sum + Number(row.count), 0);
  const total = countOf(() => true);
  const success = countOf((row) => row.status === "success");
  return {
    total,
    success,
    errors: total - success,
    served: countOf((row) => row.outcome === "served"),
    failed: countOf((row) => row.outcome === "failed"),
    rejected: countOf((row) => row.outcome === "rejected"),
    chartClientRows,
    batchClientRows: BATCH_REQUESTS,
  };
}
