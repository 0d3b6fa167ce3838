/**
 * Client budgets end to end through the gateway, on SQLite with the in-memory store, SQLite with
 * the Upstash store (bridge + real Redis) and MariaDB with the Upstash store: a $0.01 daily budget
 * refuses exactly the request whose reservation no longer fits, with a message naming the budget,
 * the spend, the limit and the reset; the next day (injected clock) the client is served again;
 * the soft-limit alert goes out once per period; every door refuses in its own error shape; the
 * spend view shows the counter, and after a flushed Redis the durable spend from the logs.
 */
import { Redis as IoRedis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { estimatePromptTokens } from "../../lib/router/token-estimate";
import type { ChatRequest } from "../../lib/providers/provider-spec";
import { startWebhookReceiver, type WebhookReceiver } from "../alerts/webhook-receiver";
import { availableLimitBackends, chatBody, startGatewayFixture, type GatewayFixture, type LimitBackendKind } from "../gateway/gateway-fixtures";
import { redisUrl } from "../limits/redis-test-support";
import { reply } from "../support/fake-upstream";
import { testDatabaseAvailable, type TestDatabaseKind } from "../support/test-databases";

const SUITE = "client budgets";
const KEY = "sk-budget-openai-key-000001";
const MODEL = "gpt-4o-mini";
/** gpt-4o-mini's seeded prices, USD per million tokens. */
const PRICES = { input: 0.15, output: 0.6 };
const USAGE = { promptTokens: 10, completionTokens: 500 };
const DAY_BUDGET = 0.01;
const HOUR = 3_600_000;

const combinations: Array<{ database: TestDatabaseKind; limits: LimitBackendKind }> = [{ database: "sqlite", limits: "memory" }];
if ((await availableLimitBackends(SUITE)).includes("upstash")) {
  combinations.push({ database: "sqlite", limits: "upstash" });
  if (await testDatabaseAvailable("mariadb", SUITE)) combinations.push({ database: "mariadb", limits: "upstash" });
}

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
});

/** A client made through the admin API, with its budgets set the same way. */
async function clientWithBudgets(g: GatewayFixture, budgets: unknown[]): Promise<{ id: number; key: string }> {
  const token = await g.adminToken();
  const created = (await (await g.request("POST", "/api/admin/clients", { name: `budget-${Math.random().toString(36).slice(2, 8)}` }, token)).json()) as { data: { id: number; apiKey: string } };
  const set = await g.request("PUT", `/api/admin/clients/${created.data.id}/budgets`, { budgets }, token);
  expect(set.status, await set.clone().text()).toBe(200);
  return { id: created.data.id, key: created.data.apiKey };
}

const budgetAlerts = (level: string) => receiver.received.filter((hook) => hook.body?.kind === "budget" && hook.body?.details?.level === level);

for (const { database, limits } of combinations) {
  describe(`${SUITE} [${database}, ${limits}]`, () => {
    let g: GatewayFixture;
    beforeEach(async () => {
      receiver.received.length = 0;
      g = await startGatewayFixture({ database, limits, env: { ALERT_WEBHOOK_URL: `${receiver.url}/hook` } });
      await g.addKey("openai", KEY);
      g.upstream.always(KEY, reply.ok({ usage: USAGE }));
    });
    afterEach(async () => {
      await g?.close();
    });

    it("a $0.01 daily budget refuses exactly the request that no longer fits, and serves again the next day", async () => {
      const client = await clientWithBudgets(g, [{ kind: "cost", period: "day", limit: DAY_BUDGET, softLimitPercent: 50 }]);
      const body = chatBody(MODEL, "hello", { max_tokens: USAGE.completionTokens });
      // Each call costs its usage; each admission reserves the prompt estimate plus max_tokens.
      const cost = (USAGE.promptTokens * PRICES.input + USAGE.completionTokens * PRICES.output) / 1e6;
      const reservation = (estimatePromptTokens(body as unknown as ChatRequest) * PRICES.input + USAGE.completionTokens * PRICES.output) / 1e6;
      const expectedServed = Math.floor((DAY_BUDGET - reservation) / cost) + 1;
      expect(expectedServed).toBeGreaterThan(10);

      let served = 0;
      let refused: Response | undefined;
      while (!refused && served < 100) {
        const response = await g.chat(body, { token: client.key });
        if (response.status === 200) served += 1;
        else refused = response;
      }
      expect(served).toBe(expectedServed);
      expect(refused!.status).toBe(429);
      expect(refused!.headers.get("x-should-retry")).toBe("false");
      // The clock stands at 12:00 UTC: the daily budget resets in 12 hours.
      expect(Number(refused!.headers.get("retry-after"))).toBe(12 * 3600);
      const error = ((await refused!.json()) as { error: { code: string; type: string; message: string } }).error;
      expect(error.code).toBe("budget_exceeded");
      expect(error.type).toBe("insufficient_quota");
      expect(error.message).toContain("daily cost budget (UTC)");
      expect(error.message).toContain(`$${(served * cost).toFixed(6)} of $0.010000 spent`);
      expect(error.message).toContain("resets at 2026-11-27T00:00:00.000Z");
      expect(g.upstream.requestsFor(KEY)).toHaveLength(served);

      const rows = await g.logRows();
      expect(rows).toHaveLength(served + 1);
      expect(rows.at(-1)).toMatchObject({ http_status: 429, error_code: "budget_exceeded", outcome: "budget", attempts: 0, client_id: client.id });
      const logged = rows.reduce((sum, row) => sum + Number(row.cost), 0);
      expect(logged).toBeLessThanOrEqual(DAY_BUDGET);

      // Refused again within the day; the soft-limit and exhausted alerts went out once each.
      expect((await g.chat(body, { token: client.key })).status).toBe(429);
      expect(budgetAlerts("soft")).toHaveLength(1);
      expect(budgetAlerts("exhausted")).toHaveLength(1);
      expect(budgetAlerts("soft")[0].body.title).toContain("Budget 50% reached");

      // Stats count the refusals apart: not failures, so the success rate stays whole.
      const usage = (await (await g.request("GET", "/api/admin/ai-stats/usage?from=2026-11-26T00:00:00.000Z&to=2026-11-26T13:00:00.000Z&groupBy=client", undefined, await g.adminToken())).json()) as { data: { items: any[] } };
      expect(usage.data.items.find((item) => String(item.group) === String(client.id))).toMatchObject({ served, failed: 0, budgetRefused: 2, successRate: 1 });

      // Midnight UTC: a new period, a new counter, served again.
      g.clock.advance(12 * HOUR);
      expect((await g.chat(body, { token: client.key })).status).toBe(200);
      for (let call = 0; call < Math.ceil(expectedServed / 2); call++) expect((await g.chat(body, { token: client.key })).status).toBe(200);
      // Past 50 % of the new day: exactly one more soft-limit alert.
      expect(budgetAlerts("soft")).toHaveLength(2);
      expect(budgetAlerts("soft")[1].body.details.periodStart).toBe("2026-11-27T00:00:00.000Z");
    });

    it("refuses in every door's own error shape, with the token quota's code", async () => {
      const client = await clientWithBudgets(g, [{ kind: "tokens", period: "total", limit: 600 }]);
      expect((await g.chat(chatBody(MODEL, "hello", { max_tokens: 500 }), { token: client.key })).status).toBe(200);
      // 510 tokens used: no request that could use 500 more (or a 200-token embedding) fits.

      const chat = await g.chat(chatBody(MODEL, "hello", { max_tokens: 500 }), { token: client.key });
      expect(chat.status).toBe(429);
      const chatError = ((await chat.json()) as { error: { code: string; message: string } }).error;
      expect(chatError.code).toBe("token_quota_exceeded");
      expect(chatError.message).toContain("total token quota: 510 tokens of 600 tokens spent");
      expect(chatError.message).toContain("does not reset");
      expect(chat.headers.get("retry-after")).toBeNull();

      const messages = await g.chat({ model: MODEL, max_tokens: 500, messages: [{ role: "user", content: "hello" }] }, { token: client.key, path: "/v1/messages" });
      expect(messages.status).toBe(429);
      expect(messages.headers.get("x-should-retry")).toBe("false");
      expect(await messages.json()).toMatchObject({ type: "error", error: { type: "rate_limit_error", message: expect.stringContaining("token quota") } });

      const responses = await g.chat({ model: MODEL, input: "hello", max_output_tokens: 500 }, { token: client.key, path: "/v1/responses" });
      expect(responses.status).toBe(429);
      expect(await responses.json()).toMatchObject({ error: { code: "token_quota_exceeded", type: "insufficient_quota" } });

      const embeddings = await g.chat({ model: MODEL, input: "x".repeat(800) }, { token: client.key, path: "/v1/embeddings" });
      expect(embeddings.status).toBe(429);
      expect(await embeddings.json()).toMatchObject({ error: { code: "token_quota_exceeded" } });

      const envelope = await g.chat({ model: MODEL, messages: [{ role: "user", content: "hello" }], max_tokens: 500 }, { token: client.key, path: "/api/ai/chat/completions" });
      expect(envelope.status).toBe(429);
      expect(await envelope.json()).toMatchObject({ code: 429, message: expect.stringContaining("token quota") });

      expect(g.upstream.requestsFor(KEY)).toHaveLength(1);
      const refusals = (await g.logRows()).filter((row) => row.error_code === "token_quota_exceeded");
      expect(refusals.map((row) => row.door)).toEqual(["chat", "messages", "responses", "embeddings", "envelope"]);
      expect(new Set(refusals.map((row) => row.outcome))).toEqual(new Set(["budget"]));
    });

    it("a request without max_tokens reserves the model's maximum output", async () => {
      // gpt-4o-mini may answer with up to 16,384 tokens.
      const client = await clientWithBudgets(g, [{ kind: "tokens", period: "day", limit: 16_000 }]);
      const unbounded = await g.chat(chatBody(MODEL, "hello"), { token: client.key });
      expect(unbounded.status).toBe(429);
      expect(((await unbounded.json()) as { error: { message: string } }).error.message).toMatch(/could use up to 16,3\d\d tokens/);
      expect((await g.chat(chatBody(MODEL, "hello", { max_tokens: 1000 }), { token: client.key })).status).toBe(200);
    });

    it("a failed call gives its whole reservation back; the spend view shows the counter", async () => {
      const client = await clientWithBudgets(g, [{ kind: "cost", period: "month", limit: 1, softLimitPercent: 80, timeZone: "Europe/Berlin" }]);
      g.upstream.script(KEY, reply.serverError());
      expect((await g.chat(chatBody(MODEL, "hello", { max_tokens: 500 }), { token: client.key })).status).toBe(502);
      expect((await g.chat(chatBody(MODEL, "hello", { max_tokens: 500 }), { token: client.key })).status).toBe(200);

      const spend = (await (await g.request("GET", `/api/admin/clients/${client.id}/spend`, undefined, await g.adminToken())).json()) as { data: { items: any[] } };
      const cost = (USAGE.promptTokens * PRICES.input + USAGE.completionTokens * PRICES.output) / 1e6;
      expect(spend.data.items).toHaveLength(1);
      expect(spend.data.items[0]).toMatchObject({
        kind: "cost",
        period: "month",
        timeZone: "Europe/Berlin",
        periodStart: "2026-10-31T23:00:00.000Z",
        resetsAt: "2026-11-30T23:00:00.000Z",
        limit: 1,
        softLimitPercent: 80,
        softLimitReached: false,
        source: "store",
      });
      expect(spend.data.items[0].spent).toBeCloseTo(cost, 9);
      expect(spend.data.items[0].remaining).toBeCloseTo(1 - cost, 9);
    });

    it("an alias's next model finds the room its first model's failed call reserved", async () => {
      const claudeKey = "sk-ant-budget-claude-key-0001";
      await g.addKey("anthropic", claudeKey);
      g.upstream.always(claudeKey, reply.ok({ usage: USAGE }));
      g.upstream.script(KEY, reply.rateLimited({ retryAfterSeconds: 30 }));
      const alias = await g.request("POST", "/api/admin/ai-aliases", { alias: "thrifty", members: [{ model: `openai/${MODEL}` }, { model: "anthropic/claude-haiku-4-5" }] }, await g.adminToken());
      expect(alias.status, await alias.clone().text()).toBe(200);
      const body = chatBody("thrifty", "hello", { max_tokens: USAGE.completionTokens });
      const prompt = estimatePromptTokens(body as unknown as ChatRequest);
      // Room for Claude's reservation (prompt at its dearest class, 2 USD/M), not for both at once.
      const claudeReservation = (prompt * 2 + USAGE.completionTokens * 5) / 1e6;
      const openAiReservation = (prompt * PRICES.input + USAGE.completionTokens * PRICES.output) / 1e6;
      const limit = claudeReservation + openAiReservation / 2;
      const client = await clientWithBudgets(g, [{ kind: "cost", period: "total", limit }]);

      const response = await g.chat(body, { token: client.key });
      expect(response.status, await response.clone().text()).toBe(200);
      const row = (await g.logRows()).at(-1)!;
      expect(row).toMatchObject({ model: "claude-haiku-4-5", requested_model: "thrifty" });
      const spend = (await (await g.request("GET", `/api/admin/clients/${client.id}/spend`, undefined, await g.adminToken())).json()) as { data: { items: any[] } };
      // Only the answer that was served counts.
      expect(spend.data.items[0].spent).toBeCloseTo(Number(row.cost), 9);
    });

    it.skipIf(limits !== "upstash")("after a Redis flush the counter starts again from the logged spend", async () => {
      const client = await clientWithBudgets(g, [{ kind: "tokens", period: "day", limit: 1200 }]);
      const body = chatBody(MODEL, "hello", { max_tokens: 500 });
      expect((await g.chat(body, { token: client.key })).status).toBe(200);
      expect((await g.chat(body, { token: client.key })).status).toBe(200);
      const redis = new IoRedis(redisUrl, { maxRetriesPerRequest: 1 });
      try {
        const counters = await redis.keys(`${g.limitPrefix}:budget:client:${client.id}:*`);
        expect(counters).toHaveLength(1);
        await redis.del(...counters);
      } finally {
        await redis.quit();
      }
      const token = await g.adminToken();
      const view = (await (await g.request("GET", `/api/admin/clients/${client.id}/spend`, undefined, token)).json()) as { data: { items: any[] } };
      expect(view.data.items[0]).toMatchObject({ spent: 1020, source: "logs" });
      // 1020 used (from the logs): a request that could use 500 more is refused.
      const refused = await g.chat(body, { token: client.key });
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("1,020 tokens of 1,200 tokens spent");
    });

    it("validates budgets and names what is wrong", async () => {
      const token = await g.adminToken();
      const { id } = await clientWithBudgets(g, []);
      const put = (budgets: unknown) => g.request("PUT", `/api/admin/clients/${id}/budgets`, { budgets }, token);
      const badZone = await put([{ kind: "cost", period: "day", limit: 1, timeZone: "Mars/Olympus" }]);
      expect(badZone.status).toBe(400);
      expect(await badZone.json()).toMatchObject({ code: 400, errors: [{ field: "budgets.0.timeZone" }] });
      const twice = await put([
        { kind: "cost", period: "day", limit: 1 },
        { kind: "cost", period: "day", limit: 2 },
      ]);
      expect(twice.status).toBe(400);
      expect(await twice.json()).toMatchObject({ errors: [{ field: "budgets.1", message: expect.stringContaining("second cost budget") }] });
      expect((await put([{ kind: "tokens", period: "week", limit: 10.5 }])).status).toBe(400);
      expect((await put([{ kind: "cost", period: "year", limit: 1 }])).status).toBe(400);
      expect((await put([{ kind: "cost", period: "day", limit: 0 }])).status).toBe(400);
      expect((await g.request("PUT", "/api/admin/clients/99999/budgets", { budgets: [] }, token)).status).toBe(404);

      // Replacing keeps the id of an entry that stays, drops the others.
      const first = (await (await put([{ kind: "cost", period: "day", limit: 1 }, { kind: "tokens", period: "total", limit: 100 }])).json()) as { data: { items: any[] } };
      const second = (await (await put([{ kind: "cost", period: "day", limit: 5, softLimitPercent: 90 }])).json()) as { data: { items: any[] } };
      expect(second.data.items).toEqual([{ id: first.data.items[0].id, kind: "cost", period: "day", limit: 5, softLimitPercent: 90, timeZone: "UTC" }]);
    });
  });
}
