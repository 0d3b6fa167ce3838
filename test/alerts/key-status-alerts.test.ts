import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyStatus } from "../../db/schema";
import { runKeyStatusCheck } from "../../lib/jobs/key-status-check";
import { TEST_DATABASE_KINDS, testDatabaseAvailable } from "../support/test-databases";
import { createJobHarness, MINUTE, type JobHarness } from "../jobs/job-fixtures";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver";

const CIPHERTEXT = "v1:CIPHERTEXT-NEVER-IN-ALERTS";

for (const kind of TEST_DATABASE_KINDS) {
  const available = await testDatabaseAvailable(kind, "key-status alerts");
  describe.skipIf(!available)(`key-status check on ${kind}`, () => {
    let harness: JobHarness;
    let receiver: WebhookReceiver;
    const keyIds: number[] = [];
    const setStatus = async (keyId: number, status: KeyStatus, reason: string | null, changes: { is_active?: number } = {}) => {
      const now = harness.clock.now();
      await harness.context.db
        .updateTable("t_ai_api_keys")
        .set({ status, status_reason: reason, status_changed_at: now, updated_at: now, ...changes })
        .where("id", "=", keyId)
        .execute();
    };
    const run = () => runKeyStatusCheck(harness.context);

    beforeAll(async () => {
      receiver = await startWebhookReceiver();
      harness = await createJobHarness(kind, { env: { ALERT_WEBHOOK_URL: `${receiver.url}/generic` } });
      const now = harness.clock.now();
      await harness.context.db
        .insertInto("t_alert_webhooks")
        .values({ name: "wecom", url: `${receiver.url}/wecom`, format: "wecom", is_active: 1, created_at: now, updated_at: now })
        .execute();
      for (const [providerId, name] of [[1, "openai-main"], [2, "claude-main"], [3, "deepseek-main"]] as const) {
        const result = await harness.context.db
          .insertInto("t_ai_api_keys")
          .values({ provider_id: providerId, key_name: name, api_key: CIPHERTEXT, key_hint: `sk-…${providerId}abc`, created_at: now - 86_400_000, updated_at: now - 86_400_000 })
          .executeTakeFirstOrThrow();
        keyIds.push(Number(result.insertId));
      }
    });
    afterAll(async () => {
      await harness?.close();
      await receiver?.close();
    });

    it("sends nothing while every key is normal", async () => {
      expect(await run()).toMatchObject({ broken: [], alerted: [], recovered: [] });
      expect(receiver.received).toHaveLength(0);
    });

    it("lists broken keys in one alert: name, provider, hint, status, reason, since; never the key", async () => {
      await setStatus(keyIds[0], "invalid", "401 Incorrect API key provided");
      await setStatus(keyIds[1], "quota_exceeded", "insufficient_quota");
      const since = new Date(harness.clock.now()).toISOString();
      const summary = await run();
      expect(summary.alerted).toEqual([keyIds[0], keyIds[1]]);
      expect(summary.broken.map((key) => [key.keyName, key.provider, key.status, key.since])).toEqual([
        ["openai-main", "OpenAI", "invalid", since],
        ["claude-main", "Anthropic Claude", "quota_exceeded", since],
      ]);
      const generic = receiver.to("/generic");
      expect(generic).toHaveLength(1);
      expect(generic[0].body).toMatchObject({ kind: "key_status", state: "firing", title: "2 provider keys not normal" });
      expect(generic[0].body.message).toContain("openai-main (OpenAI, sk-…1abc): invalid — 401 Incorrect API key provided since " + since);
      expect(receiver.to("/wecom")[0].body.markdown.content).toContain("claude-main (Anthropic Claude, sk-…2abc): quota_exceeded");
      expect(JSON.stringify(receiver.received)).not.toContain("CIPHERTEXT");
    });

    it("does not repeat within the window, but alerts at once when another key breaks", async () => {
      harness.clock.advance(30 * MINUTE);
      expect((await run()).alerted).toEqual([]);
      expect(receiver.to("/generic")).toHaveLength(1);
      await setStatus(keyIds[2], "error", "connection reset");
      const summary = await run();
      expect(summary.alerted).toEqual([keyIds[2]]);
      const latest = receiver.to("/generic").at(-1)!.body;
      expect(latest.title).toBe("3 provider keys not normal");
      expect(latest.message).toContain("openai-main (OpenAI, sk-…1abc): invalid — 401 Incorrect API key provided since");
      expect(latest.message).toContain("(already reported)");
    });

    it("sends one recovery listing keys back to normal or disabled", async () => {
      harness.clock.advance(30 * MINUTE);
      await setStatus(keyIds[0], "normal", null);
      await setStatus(keyIds[1], "quota_exceeded", "insufficient_quota", { is_active: 0 });
      const before = receiver.to("/generic").length;
      const summary = await run();
      expect(summary.recovered).toEqual([keyIds[0], keyIds[1]]);
      expect(summary.broken.map((key) => key.keyId)).toEqual([keyIds[2]]);
      const recovery = receiver.to("/generic").slice(before);
      expect(recovery).toHaveLength(1);
      expect(recovery[0].body).toMatchObject({ state: "resolved", title: "2 provider keys recovered" });
      expect(recovery[0].body.message).toContain("openai-main (OpenAI, sk-…1abc): back to normal");
      expect(recovery[0].body.message).toContain("claude-main (Anthropic Claude, sk-…2abc): disabled (status quota_exceeded)");
      expect((await run()).recovered).toEqual([]);
      const history = await harness.context.db.selectFrom("t_alert_history").select(["state", "delivered"]).orderBy("id").execute();
      expect(history).toEqual([
        { state: "firing", delivered: 1 },
        { state: "firing", delivered: 1 },
        { state: "resolved", delivered: 1 },
      ]);
    });
  });
}
