import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewApiLogRow } from "../../db/schema";
import { runErrorRateCheck } from "../../lib/jobs/error-rate-check";
import { TEST_DATABASE_KINDS, testDatabaseAvailable } from "../support/test-databases";
import { createJobHarness, insertLogs, logRow, MINUTE, type JobHarness } from "../jobs/job-fixtures";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver";

const VENDOR_PATHS = ["/slack", "/feishu", "/dingtalk", "/wecom"] as const;

/** `count` rows for a provider in the minute before `now`, the first `successes` of them successful. */
function traffic(providerId: number | null, now: number, count: number, successes: number): NewApiLogRow[] {
  return Array.from({ length: count }, (_, index) =>
    logRow({
      created_at: now - MINUTE + index,
      provider_id: providerId,
      status: index < successes ? "success" : "error",
      error_code: index < successes ? null : "upstream_error",
    }),
  );
}

for (const kind of TEST_DATABASE_KINDS) {
  const available = await testDatabaseAvailable(kind, "error-rate alerts");
  describe.skipIf(!available)(`error-rate check and alerts on ${kind}`, () => {
    let harness: JobHarness;
    let receiver: WebhookReceiver;
    const run = () => runErrorRateCheck(harness.context);

    beforeAll(async () => {
      receiver = await startWebhookReceiver();
      harness = await createJobHarness(kind, {
        env: { ALERT_WEBHOOK_URL: `${receiver.url}/env`, ALERT_SUCCESS_RATE_THRESHOLD: "0.9", ALERT_MIN_REQUESTS: "10" },
      });
      const now = harness.clock.now();
      for (const path of VENDOR_PATHS) {
        await harness.context.db
          .insertInto("t_alert_webhooks")
          .values({ name: path.slice(1), url: `${receiver.url}${path}`, format: path.slice(1), is_active: 1, created_at: now, updated_at: now })
          .execute();
      }
      await harness.context.db
        .insertInto("t_alert_webhooks")
        .values({ name: "disabled", url: `${receiver.url}/disabled`, format: "generic", is_active: 0, created_at: now, updated_at: now })
        .execute();
    });
    afterAll(async () => {
      await harness?.close();
      await receiver?.close();
    });

    it("alerts overall and per provider below the threshold, once, in every format", async () => {
      const now = harness.clock.now();
      // OpenAI 10/20 fails; Anthropic 20/20 is fine; DeepSeek fails 3/3 but is too few to judge.
      await insertLogs(harness.context, [...traffic(1, now, 20, 10), ...traffic(2, now, 20, 20), ...traffic(3, now, 3, 0)]);
      const summary = await run();
      const byScope = Object.fromEntries(summary.scopes.map((scope) => [scope.scope, scope]));
      expect(byScope.overall).toMatchObject({ requests: 43, successes: 30, verdict: "failing", action: "sent" });
      expect(byScope.openai).toMatchObject({ requests: 20, successRate: 0.5, verdict: "failing", action: "sent" });
      expect(byScope.anthropic).toMatchObject({ verdict: "healthy", action: "none" });
      expect(byScope.deepseek).toMatchObject({ requests: 3, verdict: "insufficient", action: "none" });

      expect(receiver.to("/disabled")).toHaveLength(0);
      const generic = receiver.to("/env").map((entry) => entry.body);
      expect(generic).toHaveLength(2);
      expect(generic.map((body) => body.incidentKey).sort()).toEqual(["error_rate:openai", "error_rate:overall"]);
      expect(generic.find((body) => body.incidentKey === "error_rate:openai")).toMatchObject({
        source: "modelgate",
        kind: "error_rate",
        state: "firing",
        title: "Success rate 50.0% for OpenAI",
        details: { requests: 20, successes: 10, successRate: 0.5, threshold: 0.9, topErrors: { upstream_error: 10 } },
      });
      expect(receiver.to("/slack").map((entry) => entry.body.blocks[0].type)).toEqual(["header", "header"]);
      expect(receiver.to("/feishu").every((entry) => entry.body.msg_type === "text" && entry.body.content.text.includes("[ALERT]"))).toBe(true);
      expect(receiver.to("/dingtalk").every((entry) => entry.body.msgtype === "markdown" && typeof entry.body.markdown.title === "string")).toBe(true);
      expect(receiver.to("/wecom").every((entry) => entry.body.msgtype === "markdown" && entry.body.markdown.content.includes("upstream_error"))).toBe(true);
      expect(receiver.received.every((entry) => entry.contentType === "application/json")).toBe(true);

      const history = await harness.context.db.selectFrom("t_alert_history").selectAll().orderBy("id").execute();
      expect(history.map((row) => [row.incident_key, row.state, row.delivered])).toEqual([
        ["error_rate:overall", "firing", 1],
        ["error_rate:openai", "firing", 1],
      ]);
    });

    it("does not alert again while the incident persists within the window", async () => {
      harness.clock.advance(5 * MINUTE);
      await insertLogs(harness.context, traffic(1, harness.clock.now(), 20, 5));
      const before = receiver.received.length;
      const summary = await run();
      expect(summary.scopes.find((scope) => scope.scope === "openai")).toMatchObject({ verdict: "failing", action: "suppressed" });
      expect(receiver.received.length).toBe(before);
    });

    it("sends one recovery message per incident when the rate is back", async () => {
      harness.clock.advance(10 * MINUTE);
      await insertLogs(harness.context, traffic(1, harness.clock.now(), 20, 20));
      const before = receiver.received.length;
      const summary = await run();
      expect(summary.scopes.filter((scope) => scope.action === "resolved").map((scope) => scope.scope).sort()).toEqual(["openai", "overall"]);
      const recoveries = receiver.received.slice(before);
      expect(recoveries).toHaveLength(2 * 5);
      expect(recoveries.filter((entry) => entry.path === "/env").every((entry) => entry.body.state === "resolved")).toBe(true);
      expect(recoveries.find((entry) => entry.path === "/dingtalk")!.body.markdown.text).toContain("[RESOLVED]");
      // Healthy again: no second recovery.
      harness.clock.advance(5 * MINUTE);
      await insertLogs(harness.context, traffic(1, harness.clock.now(), 20, 20));
      const again = await run();
      expect(again.scopes.every((scope) => scope.action === "none")).toBe(true);
    });

    it("alerts again at once for a new incident, and again after the window for a long one", async () => {
      harness.clock.advance(10 * MINUTE);
      await insertLogs(harness.context, traffic(2, harness.clock.now(), 20, 0));
      expect((await run()).scopes.find((scope) => scope.scope === "anthropic")?.action).toBe("sent");
      harness.clock.advance(30 * MINUTE);
      await insertLogs(harness.context, traffic(2, harness.clock.now(), 20, 0));
      expect((await run()).scopes.find((scope) => scope.scope === "anthropic")?.action).toBe("suppressed");
      harness.clock.advance(31 * MINUTE);
      await insertLogs(harness.context, traffic(2, harness.clock.now(), 20, 0));
      expect((await run()).scopes.find((scope) => scope.scope === "anthropic")?.action).toBe("sent");
    });
  });
}
