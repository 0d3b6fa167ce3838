/**
 * The operator's headline numbers through the real gateway: client keys refused before routing
 * (their own RPM, a model they may not use, a model that does not exist) beside requests the
 * provider served. The success rate stays 100 %, the refusals are counted apart, the "all
 * providers" error-rate alert stays quiet, and only an operator who turned rejection alerts on
 * hears about them. Driven with the official openai SDK against a listening gateway.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSettings } from "../../lib/config/settings";
import { runErrorRateCheck } from "../../lib/jobs/error-rate-check";
import { runHourlyRollup } from "../../lib/jobs/hourly-rollup";
import { jobContextFrom } from "../../lib/jobs/job-context";
import { startWebhookReceiver, type WebhookReceiver } from "../alerts/webhook-receiver";
import { startGatewayFixture, type GatewayFixture } from "../gateway/gateway-fixtures";
import { TEST_DATABASE_KINDS, testDatabaseAvailable } from "../support/test-databases";

const OPENAI_KEY = "sk-openai-upstream-key-honest01";
const HOUR = 3_600_000;

/** Runs a call that must be refused and returns its HTTP status. */
async function refusedStatus(call: Promise<unknown>): Promise<number> {
  try {
    await call;
  } catch (error) {
    if (error instanceof OpenAI.APIError && error.status) return error.status;
    throw error;
  }
  throw new Error("the call was not refused");
}

for (const kind of TEST_DATABASE_KINDS) {
  const available = await testDatabaseAvailable(kind, "honest usage numbers");
  describe.skipIf(!available)(`honest success rate and rejections on ${kind}`, () => {
    let g: GatewayFixture;
    let receiver: WebhookReceiver;
    let token: string;
    const statuses: number[] = [];
    const get = async (path: string) => ((await (await g.request("GET", path, undefined, token)).json()) as any).data;

    beforeAll(async () => {
      receiver = await startWebhookReceiver();
      g = await startGatewayFixture({ database: kind, env: { ALERT_SUCCESS_RATE_THRESHOLD: "0.9", ALERT_MIN_REQUESTS: "5" } });
      token = await g.adminToken();
      const now = g.clock.now();
      await g.database.handle.db.insertInto("t_alert_webhooks").values({ name: "ops", url: `${receiver.url}/ops`, format: "generic", is_active: 1, created_at: now, updated_at: now }).execute();
      await g.addKey("openai", OPENAI_KEY);
      const baseURL = await g.listen();
      const busy = new OpenAI({ apiKey: await g.addClient({ name: "busy-app", rateLimitRpm: 2 }), baseURL, maxRetries: 0 });
      const narrow = new OpenAI({ apiKey: await g.addClient({ name: "narrow-app", allowedModels: ["openai/gpt-4o-mini"] }), baseURL, maxRetries: 0 });
      const ask = (client: OpenAI, model: string) => client.chat.completions.create({ model, messages: [{ role: "user", content: "hi" }] });
      const served = async (call: Promise<unknown>) => {
        await call;
        statuses.push(200);
      };

      // busy-app: 2 served, then 4 refused by its own RPM.
      for (let index = 0; index < 2; index += 1) await served(ask(busy, "gpt-4o-mini"));
      for (let index = 0; index < 4; index += 1) statuses.push(await refusedStatus(ask(busy, "gpt-4o-mini")));
      // narrow-app: 3 served (one streamed), 3 for a model it may not use, 3 for a model that does not exist.
      for (let index = 0; index < 2; index += 1) await served(ask(narrow, "gpt-4o-mini"));
      const stream = await narrow.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true });
      await served((async () => {
        for await (const _chunk of stream) void _chunk;
      })());
      for (let index = 0; index < 3; index += 1) statuses.push(await refusedStatus(ask(narrow, "gpt-4.1")));
      for (let index = 0; index < 3; index += 1) statuses.push(await refusedStatus(ask(narrow, "nonexistent-model")));
      // Ranges end before `to`: look a minute later.
      g.clock.advance(60_000);
    });
    afterAll(async () => {
      await g?.close();
      await receiver?.close();
    });

    it("logs each refusal as rejected and each answer as served", async () => {
      expect(statuses).toEqual([200, 200, 429, 429, 429, 429, 200, 200, 200, 403, 403, 403, 404, 404, 404]);
      const rows = await g.logRows();
      expect(rows.map((row) => row.outcome)).toEqual(statuses.map((status) => (status === 200 ? "served" : "rejected")));
      const logs = await get("/api/admin/ai-logs?outcome=rejected&limit=200");
      expect(logs.items).toHaveLength(10);
      expect(logs.items.every((item: any) => item.outcome === "rejected")).toBe(true);
    });

    it("reports a 100 % success rate with the rejections apart, from logs and from the rollup", async () => {
      const check = async () => {
        const totals = await get("/api/admin/ai-stats");
        expect(totals).toMatchObject({ requests: 15, successCount: 5, errorCount: 0, rejectedCount: 10, budgetRefusedCount: 0, successRate: 1 });
        const usage = await get("/api/admin/ai-stats/usage?range=24h&groupBy=provider");
        expect(usage.totals).toMatchObject({ requests: 15, served: 5, failed: 0, rejected: 10, successRate: 1 });
        expect(usage.totals.p50TtftMs).not.toBeNull();
        const openai = usage.items.find((item: any) => item.label === "OpenAI");
        expect(openai).toMatchObject({ served: 5, failed: 0, successRate: 1 });
        // Refusals before a provider was chosen: no success rate to speak of, nothing failed.
        const none = usage.items.find((item: any) => item.group === 0);
        expect(none).toMatchObject({ served: 0, failed: 0, successRate: null });
        const byClient = await get("/api/admin/ai-stats/usage?range=24h&groupBy=client");
        expect(byClient.items.find((item: any) => item.label === "busy-app")).toMatchObject({ requests: 6, served: 2, rejected: 4, successRate: 1 });
        expect(byClient.items.find((item: any) => item.label === "narrow-app")).toMatchObject({ requests: 9, served: 3, rejected: 6, successRate: 1 });
      };
      await check();
      g.clock.advance(HOUR);
      await runHourlyRollup(jobContextFrom(g.deps));
      expect((await get("/api/admin/ai-stats")).rolledUpThrough).not.toBeNull();
      await check();
      g.clock.advance(-HOUR);
    });

    it("fires no error-rate alert for client-side refusals; an operator who asks hears about them", async () => {
      const summary = await runErrorRateCheck(jobContextFrom(g.deps));
      expect(summary.scopes.find((scope) => scope.scope === "overall")).toMatchObject({ requests: 5, successes: 5, verdict: "healthy", action: "none" });
      expect(summary.scopes.map((scope) => scope.scope)).not.toContain("rejections");
      expect(receiver.received).toHaveLength(0);

      const settings = parseSettings({ JWT_SECRET: "x".repeat(40), ALERT_SUCCESS_RATE_THRESHOLD: "0.9", ALERT_MIN_REQUESTS: "5", ALERT_ON_REJECTIONS: "true" });
      const asked = await runErrorRateCheck(jobContextFrom(g.deps, { settings }));
      expect(asked.scopes.find((scope) => scope.scope === "overall")).toMatchObject({ verdict: "healthy", action: "none" });
      expect(asked.scopes.find((scope) => scope.scope === "rejections")).toMatchObject({ requests: 15, successes: 5, verdict: "failing", action: "sent" });
      expect(receiver.received).toHaveLength(1);
      expect(JSON.stringify(receiver.received[0].body)).toMatch(/refused before routing/);
    });
  });
}
