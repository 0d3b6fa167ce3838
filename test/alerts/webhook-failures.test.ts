import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertNotifier } from "../../lib/alerts/alert-notifier";
import { deliverWebhook } from "../../lib/alerts/webhook-delivery";
import { runErrorRateCheck } from "../../lib/jobs/error-rate-check";
import { createJobHarness, insertLogs, logRow, MINUTE, type JobHarness } from "../jobs/job-fixtures";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver";

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("failing webhooks", () => {
  let harness: JobHarness;
  let receiver: WebhookReceiver;
  const secretPath = "/hook/SECRETTOKEN0123456789";

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    harness = await createJobHarness("sqlite", { env: { ALERT_MIN_REQUESTS: "5" } });
    receiver.reply(secretPath, () => ({ status: 500, body: { error: "boom" } }));
    receiver.reply("/flaky", (attempt) => (attempt < 3 ? { status: 503 } : { status: 200, body: { ok: true } }));
    receiver.reply("/dingtalk-keyword", () => ({ status: 200, body: { errcode: 310000, errmsg: "keywords not in content" } }));
    receiver.reply("/bad-request", () => ({ status: 400, body: { error: "bad" } }));
  });
  afterAll(async () => {
    await harness?.close();
    await receiver?.close();
  });

  const message = (incidentKey: string) => ({ kind: "error_rate", incidentKey, title: "t", lines: ["l"] });
  const target = (path: string, format: "generic" | "dingtalk" = "generic") => ({
    webhookId: 1,
    name: path.includes("SECRET") ? "team hook" : path.slice(1),
    url: `${receiver.url}${path}`,
    format,
  });

  it("retries with exponential backoff and reports the failure without the URL's token", async () => {
    const notifier = new AlertNotifier(harness.context);
    harness.sleeps.length = 0;
    const report = await notifier.dispatch({ ...message("incident:a"), state: "firing", time: harness.clock.now() }, [target(secretPath)]);
    expect(report.delivered).toBe(false);
    expect(receiver.to(secretPath)).toHaveLength(3);
    expect(harness.sleeps).toEqual([1000, 2000]);
    expect(report.failures[0]).toMatch(/HTTP 500 after 3 attempt\(s\)/);
    expect(report.failures.join(" ")).not.toContain("SECRETTOKEN");
    expect(harness.logLines.join("\n")).not.toContain("SECRETTOKEN");
    const history = await harness.context.db.selectFrom("t_alert_history").selectAll().where("incident_key", "=", "incident:a").executeTakeFirstOrThrow();
    expect(history).toMatchObject({ delivered: 0 });
    expect(history.delivery_error).toContain("HTTP 500");
    expect(history.delivery_error).not.toContain("SECRETTOKEN");
  });

  it("succeeds on a later attempt; a vendor errcode, a 400 and a refused connection are failures", async () => {
    const notifier = new AlertNotifier(harness.context);
    const port = await closedPort();
    const report = await notifier.dispatch({ ...message("incident:b"), state: "firing", time: harness.clock.now() }, [
      target("/flaky"),
      target("/dingtalk-keyword", "dingtalk"),
      target("/bad-request"),
      { webhookId: 9, name: "refused", url: `http://127.0.0.1:${port}/x`, format: "generic" },
    ]);
    expect(report.delivered).toBe(true);
    expect(receiver.to("/flaky")).toHaveLength(3);
    expect(receiver.to("/bad-request")).toHaveLength(1);
    expect(report.failures).toEqual([
      expect.stringMatching(/dingtalk-keyword .*vendor error 310000: keywords not in content after 3 attempt/),
      expect.stringMatching(/bad-request .*HTTP 400 after 1 attempt/),
      expect.stringMatching(/refused .*network error ECONNREFUSED after 3 attempt/),
    ]);
  });

  it("a check whose only webhook fails completes, and retries the alert on its next run", async () => {
    const now = harness.clock.now();
    await harness.context.db
      .insertInto("t_alert_webhooks")
      .values({ name: "broken", url: `${receiver.url}${secretPath}`, format: "generic", is_active: 1, created_at: now, updated_at: now })
      .execute();
    await insertLogs(harness.context, Array.from({ length: 10 }, (_, index) => logRow({ created_at: now - MINUTE + index, status: "error" })));
    const before = receiver.to(secretPath).length;
    const summary = await runErrorRateCheck(harness.context);
    expect(summary.scopes.find((scope) => scope.scope === "overall")?.action).toBe("sent");
    expect(receiver.to(secretPath).length - before).toBe(2 * 3);
    harness.clock.advance(5 * MINUTE);
    await insertLogs(harness.context, Array.from({ length: 10 }, (_, index) => logRow({ created_at: harness.clock.now() - MINUTE + index, status: "error" })));
    // Nobody received it, so the next run tries again instead of waiting out the window.
    expect((await runErrorRateCheck(harness.context)).scopes.find((scope) => scope.scope === "overall")?.action).toBe("sent");
  });
});

describe("deliverWebhook", () => {
  it("counts a 200 whose body is JSON without an error object (`null`) as delivered, on the first try", async () => {
    const answer: typeof fetch = async () => new Response("null", { status: 200 });
    const result = await deliverWebhook("https://oapi.dingtalk.com/robot/send?access_token=secret", "dingtalk", { msgtype: "text" }, {
      fetch: answer,
      sleep: async () => undefined,
    });
    expect(result).toEqual({ ok: true, attempts: 1 });
  });
});
