/**
 * Key limits hold across instances (a gateway that kept them per replica let 30 requests through
 * on rpm=10 with three replicas). Four real gateway processes share one MariaDB database and one
 * Upstash REST endpoint (the local bridge in front of the real Redis) and hammer a provider whose
 * primary key allows 60 requests per minute. What reached the upstream is counted on the fake
 * upstream itself: exactly 60 calls with the primary key, the rest served by the backup key, or,
 * for a provider without a backup, refused with 429 and Retry-After.
 *
 * Runs when MariaDB and Redis answer (skipped with a notice otherwise, required under CI=true).
 * Uses Redis logical database 9 and its `modelgate:*` keys, cleared before and after.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteKeysUnder, redisAvailableFor } from "../limits/redis-test-support";
import { adminCall } from "../support/admin-http-client";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream";
import { REDIS_URL } from "../support/services";
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
/** The gateway's shared-state prefix (createLimitStore's default). */
const GATEWAY_PREFIX = "modelgate";

const servicesUp = (await testDatabaseAvailable("mariadb", SUITE)) && (await redisAvailableFor(SUITE));
const redisUrl = (() => {
  const url = new URL(REDIS_URL);
  url.pathname = "/9";
  return url.toString();
})();

const keys = {
  openAiPrimary: "sk-cluster-openai-primary-0001",
  openAiBackup: "sk-cluster-openai-backup-0001",
  deepSeekOnly: "sk-cluster-deepseek-only-0001",
  anthropicProbe: "sk-ant-cluster-probe-0001",
};

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
const count = (outcomes: ChatOutcome[], status: number) => outcomes.filter((outcome) => outcome.status === status).length;
const print = (line: string) => process.stdout.write(`[cluster] ${line}\n`);

describe.skipIf(!servicesUp)(SUITE, () => {
  let database: ClusterDatabase | undefined;
  let bridge: UpstashBridge | undefined;
  let upstream: FakeUpstream | undefined;
  const gateways: GatewayProcess[] = [];
  let clientKey = "";

  const chatCallsWith = (apiKey: string) => upstream!.requestsFor(apiKey).filter((request) => request.method === "POST" && request.path.endsWith("/chat/completions"));

  beforeAll(async () => {
    await deleteKeysUnder(GATEWAY_PREFIX, redisUrl);
    database = await createClusterDatabase();
    bridge = await startUpstashBridge({ redisUrl });
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
  }, 90_000);

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop().catch(() => undefined)));
    await upstream?.close().catch(() => undefined);
    await bridge?.close().catch(() => undefined);
    await database?.drop().catch(() => undefined);
    await deleteKeysUnder(GATEWAY_PREFIX, redisUrl).catch(() => undefined);
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
});
