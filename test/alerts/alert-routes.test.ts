import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/test-app";
import { TEST_DATABASE_KINDS, testDatabaseAvailable } from "../support/test-databases";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver";

for (const kind of TEST_DATABASE_KINDS) {
  const available = await testDatabaseAvailable(kind, "alert routes");
  describe.skipIf(!available)(`/api/admin/alerts on ${kind}`, () => {
    let testApp: TestApp;
    let receiver: WebhookReceiver;
    let token: string;
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await testApp.request(method, path, body, token);
      return { status: response.status, body: (await response.json()) as any };
    };

    beforeAll(async () => {
      receiver = await startWebhookReceiver();
      testApp = await createTestApp({ kind, env: { ALERT_WEBHOOK_URL: "https://oapi.dingtalk.com/robot/send?access_token=ENVSECRET9876" } });
      token = await testApp.adminToken();
    });
    afterAll(async () => {
      await testApp?.close();
      await receiver?.close();
    });

    it("creates, lists, updates and deletes webhooks, showing only a URL hint", async () => {
      const created = await call("POST", "/api/admin/alerts/webhooks", { name: "ops slack", url: `${receiver.url}/slack/T0/B0/HOOKSECRET1234`, format: "slack" });
      expect(created.status).toBe(200);
      expect(created.body.data).toMatchObject({ name: "ops slack", format: "slack", isActive: true, urlHint: `${receiver.url}/…1234` });
      const id = created.body.data.id;
      const list = await call("GET", "/api/admin/alerts/webhooks");
      expect(list.body.data).toHaveLength(1);
      expect(JSON.stringify(list.body)).not.toContain("HOOKSECRET");

      const updated = await call("PUT", `/api/admin/alerts/webhooks/${id}`, { isActive: false, format: "generic" });
      expect(updated.body.data).toMatchObject({ id, isActive: false, format: "generic" });
      expect((await call("PUT", `/api/admin/alerts/webhooks/${id}`, {})).status).toBe(400);
      expect((await call("DELETE", `/api/admin/alerts/webhooks/${id}`)).body.data).toEqual({ id, deleted: true });
      expect((await call("DELETE", `/api/admin/alerts/webhooks/${id}`)).status).toBe(404);
    });

    it("accepts only http and https URLs and known formats", async () => {
      for (const body of [
        { name: "x", url: "ftp://example.com/hook" },
        { name: "x", url: "javascript:alert(1)" },
        { name: "x", url: "not a url" },
        { name: "x", url: `${receiver.url}/x`, format: "teams" },
        { name: "", url: `${receiver.url}/x` },
      ]) {
        const response = await call("POST", "/api/admin/alerts/webhooks", body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.body.errors.length).toBeGreaterThan(0);
      }
    });

    it("shows the alert settings with the environment webhook masked", async () => {
      const { body } = await call("GET", "/api/admin/alerts/config");
      expect(body.data).toEqual({
        environmentWebhook: { format: "dingtalk", urlHint: "https://oapi.dingtalk.com/…9876" },
        successRateThreshold: 0.95,
        minRequests: 20,
        rejectionAlerts: false,
        formats: ["generic", "slack", "feishu", "dingtalk", "wecom"],
      });
    });

    it("sends a test message to one webhook and records it in the history", async () => {
      const created = await call("POST", "/api/admin/alerts/webhooks", { name: "wecom", url: `${receiver.url}/wecom`, format: "wecom" });
      const id = created.body.data.id;
      const test = await call("POST", `/api/admin/alerts/webhooks/${id}/test`);
      expect(test.body.data).toEqual({ delivered: true, error: null });
      expect(receiver.to("/wecom").at(-1)!.body).toMatchObject({ msgtype: "markdown", markdown: { content: expect.stringContaining("modelgate test alert") } });

      receiver.reply("/down", () => ({ status: 502 }));
      const down = await call("POST", "/api/admin/alerts/webhooks", { name: "down", url: `${receiver.url}/down`, format: "generic" });
      const failed = await call("POST", `/api/admin/alerts/webhooks/${down.body.data.id}/test`);
      expect(failed.body.data.delivered).toBe(false);
      expect(failed.body.data.error).toMatch(/HTTP 502 after 1 attempt/);
      expect(receiver.to("/down")).toHaveLength(1);
    });

    it("pages through the alert history, newest first, with filters", async () => {
      const db = testApp.deps.database.db;
      const base = testApp.clock.now();
      for (let index = 0; index < 7; index += 1) {
        await db
          .insertInto("t_alert_history")
          .values({ kind: "error_rate", incident_key: "error_rate:overall", state: index % 2 ? "resolved" : "firing", title: `t${index}`, message: "m", delivered: 1, delivery_error: null, created_at: base + index })
          .execute();
      }
      const first = await call("GET", "/api/admin/alerts/history?kind=error_rate&limit=3");
      expect(first.body.data.items.map((item: any) => item.title)).toEqual(["t6", "t5", "t4"]);
      const second = await call("GET", `/api/admin/alerts/history?kind=error_rate&limit=3&cursor=${first.body.data.nextCursor}`);
      expect(second.body.data.items.map((item: any) => item.title)).toEqual(["t3", "t2", "t1"]);
      const resolved = await call("GET", "/api/admin/alerts/history?state=resolved");
      expect(resolved.body.data.items.map((item: any) => item.title)).toEqual(["t5", "t3", "t1"]);
      expect(resolved.body.data.nextCursor).toBeNull();
      const tests = await call("GET", "/api/admin/alerts/history?kind=test");
      expect(tests.body.data.items).toHaveLength(2);
      expect(tests.body.data.items[0]).toMatchObject({ kind: "test", state: "firing", delivered: false, deliveryError: expect.stringContaining("HTTP 502") });
      expect((await call("GET", "/api/admin/alerts/history?state=open")).status).toBe(400);
    });
  });
}
