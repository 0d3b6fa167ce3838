/**
 * Key limits hold across instances (LiteLLM let 30 requests through on
 * rpm=10 with three replicas). Four real gateway processes share one MariaDB database and one
 * Upstash REST endpoint (the local bridge in front of the real Redis) and hammer a provider whose
 * primary key allows 60 requests per minute. What reached the upstream is counted on the fake
 * upstream itself: exactly 60 calls with the primary key, the rest served by the backup key, or,
 * for a provider without a backup, refused with 429 and Retry-After.
 *
 * A client budget holds across the instances too: one budget driven from all four at once, its
 * overspend measured from the log rows. The bound: the requests in flight when it runs out exceed
 * it only by what their real cost exceeds their reservation, so zero when every reservation covers
 * its call, and at most (requests in flight) x (real − reserved) when the prompt was underestimated.
 *
 * Runs when MariaDB and Redis answer (skipped with a notice otherwise, required under CI=true).
 * Uses a Redis logical database of its own (claimed, emptied before and after).
 */
import { createConnection } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisAvailableFor } from "../limits/redis-test-support";
import { adminCall } from "../support/admin-http-client";
import type { ChatRequest } from "../../lib/providers/provider-spec";
import { estimatePromptTokens } from "../../lib/router/token-estimate";
import { reply, startFakeUpstream, type FakeUpstream } from "../support/fake-upstream";
import { claimRedisDatabase, type ClaimedRedisDatabase } from "../support/redis-database-claim";
import { testDatabaseAvailable } from "../support/test-databases";
import { startUpstashBridge, type UpstashBridge } from "../support/upstash-bridge";
import {
  clusterEnvironment,
  createClusterDatabase,
  hammer,
  startGatewayProcess,
  type ChatOutcome,
  type ClusterDatabase,
  type GatewayProcess,
} from "./cluster-processes";

const SUITE = "cluster limit test";
const INSTANCES = 4;
const RPM = 60;
/** Requests per scenario: well over the limit. */
const DEMAND = 150;
const CONCURRENCY = 16;

const servicesUp = (await testDatabaseAvailable("mariadb", SUITE)) && (await redisAvailableFor(SUITE));

const keys = {
  openAiPrimary: "sk-cluster-openai-primary-0001",
  openAiBackup: "sk-cluster-openai-backup-0001",
  deepSeekOnly: "sk-cluster-deepseek-only-0001",
  anthropicProbe: "sk-ant-cluster-probe-0001",
  rpmWindow: "sk-cluster-deepseek-rpm-window-01",
  tpmWindow: "sk-ant-cluster-tpm-window-0001",
};

/** Limits of the sliding-window measurement: one key with RPM only, one with TPM only. */
const WINDOW_RPM = 40;
const WINDOW_TPM = 600;
/** Tokens the fake upstream reports per call (its default usage: 12 prompt + 7 completion). */
const TOKENS_PER_CALL = 19;
/** Long enough for many 60 s windows, one minute boundary at least. */
const WINDOW_RUN_MS = 75_000;

/** The cluster budget runs: a total cost budget, and more demand than it can pay for. */
const BUDGET_USD = 0.001;
const BUDGET_DEMAND = 300;
const BUDGET_BODY = { messages: [{ role: "user", content: "hello" }], max_tokens: 16 };
/** gpt-4o-mini's seeded prices and the fake upstream's usage per call (12 prompt + 7 completion). */
const CALL_COST_USD = (12 * 0.15 + 7 * 0.6) / 1e6;
/** claude-haiku-4-5's seeded prices, USD per million tokens; prompts are reserved at the dearest class (1-hour cache writes). */
const HAIKU = { input: 1, reservedInput: 2, output: 5 };
const HAIKU_BUDGET_USD = 0.01;
/** Prompt tokens the upstream reports in the second run: far above the gateway's estimate for "hello". */
const UNDERESTIMATED_PROMPT = 400;

/** The most units in any window `(t − windowMs, t]` over `[time, units]` events: a true sliding window. */
function maxInAnyWindow(events: Array<[number, number]>, windowMs: number): number {
  const sorted = [...events].sort((left, right) => left[0] - right[0]);
  let most = 0;
  let start = 0;
  let total = 0;
  for (const [end, units] of sorted) {
    total += units;
    while (sorted[start][0] <= end - windowMs) total -= sorted[start++][1];
    most = Math.max(most, total);
  }
  return most;
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
const count = (outcomes: ChatOutcome[], status: number) => outcomes.filter((outcome) => outcome.status === status).length;
const print = (line: string) => process.stdout.write(`[cluster] ${line}\n`);

describe.skipIf(!servicesUp)(SUITE, () => {
  let database: ClusterDatabase | undefined;
  let bridge: UpstashBridge | undefined;
  let upstream: FakeUpstream | undefined;
  const gateways: GatewayProcess[] = [];
  let redis: ClaimedRedisDatabase | undefined;
  let clientKey = "";
  let adminToken = "";

  const chatCallsWith = (apiKey: string) => upstream!.requestsFor(apiKey).filter((request) => request.method === "POST" && request.path.endsWith("/chat/completions"));

  beforeAll(async () => {
    // The instances share state under the fixed prefix `modelgate`: a database of this suite's own.
    redis = await claimRedisDatabase("the cluster test");
    database = await createClusterDatabase();
    bridge = await startUpstashBridge({ redisUrl: redis.url });
    upstream = await startFakeUpstream();
    const environment = clusterEnvironment(database.url, bridge);
    // The first instance migrates and seeds the empty database; the others start on it together.
    gateways.push(await startGatewayProcess(environment));
    gateways.push(...(await Promise.all(Array.from({ length: INSTANCES - 1 }, () => startGatewayProcess(environment)))));
    const origins = gateways.map((gateway) => gateway.origin);

    const { token } = (await adminCall(origins[0], null, "POST", "/api/auth/login", environment.admin)) as { token: string };
    // Every instance loads its catalogue now, before any key exists, so it must notice the change.
    for (const origin of origins) expect((await fetch(`${origin}/v1/models`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

    // All set-up through the admin API of the first instance only.
    await adminCall(origins[0], token, "PUT", "/api/admin/ai-providers/1", { baseUrl: upstream.baseUrlFor("openai"), timeout: 10_000 });
    await adminCall(origins[0], token, "PUT", "/api/admin/ai-providers/2", { baseUrl: upstream.baseUrlFor("anthropic"), timeout: 10_000 });
    await adminCall(origins[0], token, "PUT", "/api/admin/ai-providers/3", { baseUrl: upstream.baseUrlFor("deepseek"), timeout: 10_000 });
    await adminCall(origins[0], token, "POST", "/api/admin/ai-providers/1/keys", { keyName: "primary", apiKey: keys.openAiPrimary, priority: 10, rateLimitRpm: RPM });
    await adminCall(origins[0], token, "POST", "/api/admin/ai-providers/1/keys", { keyName: "backup", apiKey: keys.openAiBackup, priority: 1 });
    await adminCall(origins[0], token, "POST", "/api/admin/ai-providers/3/keys", { keyName: "only", apiKey: keys.deepSeekOnly, priority: 10, rateLimitRpm: RPM });
    await adminCall(origins[0], token, "POST", "/api/admin/ai-providers/2/keys", { keyName: "probe", apiKey: keys.anthropicProbe });
    clientKey = ((await adminCall(origins[0], token, "POST", "/api/admin/clients", { name: "cluster-test" })) as { apiKey: string }).apiKey;
    adminToken = token;
  }, 90_000);

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop().catch(() => undefined)));
    await upstream?.close().catch(() => undefined);
    await bridge?.close().catch(() => undefined);
    await database?.drop().catch(() => undefined);
    await redis?.close().catch(() => undefined);
  }, 30_000);

  it("every instance sees a change made through another within seconds", async () => {
    const started = Date.now();
    const probe = { model: "claude-haiku-4-5", messages: [{ role: "user", content: "probe" }], max_tokens: 16 };
    for (const gateway of gateways) {
      for (;;) {
        const [outcome] = await hammer([gateway.origin], clientKey, probe, 1, 1);
        if (outcome.status === 200) break;
        expect(outcome.status, gateway.output.slice(-5).join("\n")).toBe(503);
        if (Date.now() - started > 10_000) throw new Error(`${gateway.origin} still has no keys after 10 s`);
        await sleep(200);
      }
    }
    const elapsed = Date.now() - started;
    print(`catalogue change seen by all ${INSTANCES} instances after ${elapsed} ms`);
    expect(elapsed).toBeLessThan(10_000);
  }, 20_000);

  it(`admits exactly ${RPM} calls per minute on the primary key across ${INSTANCES} instances`, async () => {
    // Both scenarios must fall in one minute bucket of the sliding window: start early in a minute.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 40_000) await sleep(60_000 - intoMinute + 250);

    // With a backup key: the primary takes its 60, the backup serves the rest.
    const withBackup = await hammer(
      gateways.map((gateway) => gateway.origin),
      clientKey,
      { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }], max_tokens: 16 },
      DEMAND,
      CONCURRENCY,
    );
    const primaryCalls = chatCallsWith(keys.openAiPrimary);
    const backupCalls = chatCallsWith(keys.openAiBackup);
    print(`with backup: ${DEMAND} requests over ${INSTANCES} instances -> ${count(withBackup, 200)} answered 200; upstream calls: primary (RPM ${RPM}) ${primaryCalls.length}, backup ${backupCalls.length}`);

    // Without a backup: 60 served, the rest refused with 429 and a Retry-After.
    const withoutBackup = await hammer(
      gateways.map((gateway) => gateway.origin),
      clientKey,
      { model: "deepseek-chat", messages: [{ role: "user", content: "hello" }], max_tokens: 16 },
      DEMAND,
      CONCURRENCY,
    );
    const onlyCalls = chatCallsWith(keys.deepSeekOnly);
    const refused = withoutBackup.filter((outcome) => outcome.status === 429);
    print(
      `without backup: ${DEMAND} requests -> ${count(withoutBackup, 200)} answered 200, ${refused.length} refused 429 ` +
        `(Retry-After ${[...new Set(refused.map((outcome) => outcome.retryAfter))].join("/")} s); upstream calls with the key: ${onlyCalls.length}`,
    );

    expect(count(withBackup, 200)).toBe(DEMAND);
    expect(primaryCalls).toHaveLength(RPM);
    expect(backupCalls).toHaveLength(DEMAND - RPM);
    const span = primaryCalls.at(-1)!.receivedAt - primaryCalls[0].receivedAt;
    expect(span).toBeLessThan(60_000);

    expect(onlyCalls).toHaveLength(RPM);
    expect(count(withoutBackup, 200)).toBe(RPM);
    expect(refused).toHaveLength(DEMAND - RPM);
    for (const outcome of refused) expect(Number(outcome.retryAfter)).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it(`keeps RPM and TPM at or under the limit in every 60 s window (true sliding window) across ${INSTANCES} instances`, async () => {
    const origins = gateways.map((gateway) => gateway.origin);
    // Fresh keys ahead of the existing ones, so nothing earlier in the suite counts against them.
    await adminCall(origins[0], adminToken, "POST", "/api/admin/ai-providers/3/keys", { keyName: "rpm-window", apiKey: keys.rpmWindow, priority: 20, rateLimitRpm: WINDOW_RPM });
    await adminCall(origins[0], adminToken, "POST", "/api/admin/ai-providers/2/keys", { keyName: "tpm-window", apiKey: keys.tpmWindow, priority: 20, rateLimitTpm: WINDOW_TPM });
    await sleep(3000);

    const startedAt = Date.now();
    let next = 0;
    const statuses: number[] = [];
    const worker = async () => {
      while (Date.now() - startedAt < WINDOW_RUN_MS) {
        const index = next++;
        const model = index % 2 === 0 ? "deepseek-chat" : "claude-haiku-4-5";
        const [outcome] = await hammer([origins[index % origins.length]], clientKey, { model, messages: [{ role: "user", content: "hello" }], max_tokens: 16 }, 1, 1);
        statuses.push(outcome.status);
        await sleep(100);
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));

    const rpmCalls = upstream!.requestsFor(keys.rpmWindow).filter((request) => request.method === "POST");
    const tpmCalls = upstream!.requestsFor(keys.tpmWindow).filter((request) => request.method === "POST");
    const worstRequests = maxInAnyWindow(rpmCalls.map((call) => [call.receivedAt, 1]), 60_000);
    const worstTokens = maxInAnyWindow(tpmCalls.map((call) => [call.receivedAt, TOKENS_PER_CALL]), 60_000);
    const percent = (value: number, limit: number) => `${((100 * value) / limit).toFixed(1)} %`;
    print(
      `sliding-window run: ${statuses.length} requests in ${Math.round((Date.now() - startedAt) / 1000)} s over ${INSTANCES} instances; ` +
        `RPM ${WINDOW_RPM} key: ${rpmCalls.length} calls, most in any 60 s window ${worstRequests} (${percent(worstRequests, WINDOW_RPM)} of the limit); ` +
        `TPM ${WINDOW_TPM} key: ${tpmCalls.length} calls, most tokens in any 60 s window ${worstTokens} (${percent(worstTokens, WINDOW_TPM)})`,
    );
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(worstRequests).toBeLessThanOrEqual(WINDOW_RPM);
    expect(worstTokens).toBeLessThanOrEqual(WINDOW_TPM);
    // The limits are used, not starved: at least 90 % in the busiest window.
    expect(worstRequests).toBeGreaterThanOrEqual(0.9 * WINDOW_RPM);
    expect(worstTokens).toBeGreaterThanOrEqual(0.9 * WINDOW_TPM);
  }, 120_000);

  /** Drives one fresh client's total cost budget from every instance; what the logs say it spent. */
  async function runBudget(model: string, budgetUsd: number) {
    const origins = gateways.map((gateway) => gateway.origin);
    const client = (await adminCall(origins[0], adminToken, "POST", "/api/admin/clients", { name: `cluster-budget-${model}` })) as { id: number; apiKey: string };
    await adminCall(origins[0], adminToken, "PUT", `/api/admin/clients/${client.id}/budgets`, { budgets: [{ kind: "cost", period: "total", limit: budgetUsd }] });
    const startedAt = Date.now();
    const outcomes = await hammer(origins, client.apiKey, { ...BUDGET_BODY, model }, BUDGET_DEMAND, CONCURRENCY);
    const elapsedMs = Date.now() - startedAt;
    // The local servers write their log rows behind the response (10 ms queue).
    await sleep(500);
    const connection = await createConnection(database!.url);
    try {
      const [spentRows] = (await connection.query("SELECT COUNT(*) AS count, COALESCE(SUM(cost), 0) AS spent FROM t_ai_api_logs WHERE client_id = ? AND http_status = 200", [client.id])) as unknown as [Array<{ count: number; spent: number }>];
      const [refusedRows] = (await connection.query("SELECT DISTINCT error_code FROM t_ai_api_logs WHERE client_id = ? AND http_status = 429", [client.id])) as unknown as [Array<{ error_code: string }>];
      const spent = Number(spentRows[0].spent);
      const summary =
        `${model}, $${budgetUsd} total budget, ${BUDGET_DEMAND} requests (${CONCURRENCY} at a time) over ${INSTANCES} instances in ${elapsedMs} ms -> ` +
        `${count(outcomes, 200)} served, ${count(outcomes, 429)} refused; spent $${spent.toFixed(9)} (logs), overspend $${Math.max(0, spent - budgetUsd).toFixed(9)}`;
      return { outcomes, served: Number(spentRows[0].count), spent, overspend: spent - budgetUsd, refusedCodes: refusedRows.map((row) => row.error_code), summary };
    } finally {
      await connection.end();
    }
  }

  it(`one client budget across ${INSTANCES} instances: no overspend when every reservation covers its call`, async () => {
    const run = await runBudget("gpt-4o-mini", BUDGET_USD);
    print(`budget run: ${run.summary} (bound: $0, every call cost less than its reservation); unused $${Math.max(0, -run.overspend).toFixed(9)}`);
    expect(run.outcomes.filter((outcome) => outcome.status !== 200 && outcome.status !== 429).map((outcome) => outcome.status)).toEqual([]);
    expect(run.served).toBe(count(run.outcomes, 200));
    expect(run.spent).toBeCloseTo(run.served * CALL_COST_USD, 12);
    expect(run.overspend).toBeLessThanOrEqual(1e-12);
    expect(run.refusedCodes).toEqual(["budget_exceeded"]);
    // The budget is used, not starved by reservations: what is left buys fewer than three calls.
    expect(-run.overspend).toBeLessThan(3 * CALL_COST_USD);
  }, 60_000);

  it(`one client budget across ${INSTANCES} instances: overspend within the in-flight bound when prompts are underestimated`, async () => {
    // Every call now reports far more prompt tokens than the gateway estimated (and reserved).
    for (const key of [keys.anthropicProbe, keys.tpmWindow]) upstream!.always(key, reply.ok({ usage: { promptTokens: UNDERESTIMATED_PROMPT, completionTokens: 7 } }));
    const reservation = (estimatePromptTokens(BUDGET_BODY as unknown as ChatRequest) * HAIKU.reservedInput + BUDGET_BODY.max_tokens * HAIKU.output) / 1e6;
    const callCost = (UNDERESTIMATED_PROMPT * HAIKU.input + 7 * HAIKU.output) / 1e6;
    const bound = CONCURRENCY * (callCost - reservation);
    const run = await runBudget("claude-haiku-4-5", HAIKU_BUDGET_USD);
    print(
      `budget run: ${run.summary}; each call cost $${callCost.toFixed(6)} against a reservation of $${reservation.toFixed(6)}, ` +
        `bound ${CONCURRENCY} in flight x $${(callCost - reservation).toFixed(6)} = $${bound.toFixed(6)}`,
    );
    expect(run.outcomes.filter((outcome) => outcome.status !== 200 && outcome.status !== 429).map((outcome) => outcome.status)).toEqual([]);
    expect(run.spent).toBeCloseTo(run.served * callCost, 12);
    expect(run.overspend).toBeLessThanOrEqual(bound + 1e-12);
    // Settled to the real cost: once spent, no further request gets through.
    expect(run.served).toBeLessThanOrEqual(Math.ceil(HAIKU_BUDGET_USD / callCost) + CONCURRENCY);
    expect(run.refusedCodes).toEqual(["budget_exceeded"]);
  }, 60_000);
});
