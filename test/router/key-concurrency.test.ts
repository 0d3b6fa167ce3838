/**
 * Per-key concurrency caps (`maxConcurrency`): at most that many requests in flight on the key
 * across every instance sharing the limit store, admitted in the same atomic admission as the
 * other limits, a streamed answer holding its slot until the stream ends, and leases that expire
 * when the instance holding them dies. On both shared-state backends.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../lib/app";
import { reply } from "../support/fake-upstream";
import { availableLimitBackends, chatBody, startGatewayFixture, type GatewayFixture } from "../gateway/gateway-fixtures";

const PRIMARY = "sk-primary-key-000000000001";
const BACKUP = "sk-backup-key-0000000000002";
const MODEL = "gpt-4o-mini";

const keysCalled = (g: GatewayFixture) => g.upstream.requests.map((request) => request.apiKey);

for (const backend of await availableLimitBackends("router key concurrency")) {
  describe(`per-key concurrency caps [${backend}]`, () => {
    let g: GatewayFixture;
    beforeEach(async () => {
      g = await startGatewayFixture({ limits: backend });
    });
    afterEach(async () => {
      await g?.close();
    });

    it("at most maxConcurrency calls in flight on the key across two instances; the rest go to the backup; slots free when calls end", async () => {
      const primary = await g.addKey("openai", PRIMARY, { priority: 10 });
      await g.request("PUT", `/api/admin/ai-providers/keys/${primary}`, { maxConcurrency: 2 }, await g.adminToken());
      await g.addKey("openai", BACKUP, { priority: 1 });
      g.upstream.always(PRIMARY, reply.slow(300, reply.ok({ content: "primary" })));
      const other = createApp(g.deps, { gateway: { versionCheckIntervalMs: 0 } });
      const token = await g.adminToken();
      const onOther = () =>
        other.request("/v1/chat/completions", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify(chatBody(MODEL)),
        });
      const answers = await Promise.all([g.chat(chatBody(MODEL)), onOther(), g.chat(chatBody(MODEL)), onOther(), g.chat(chatBody(MODEL)), onOther()]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(keysCalled(g).filter((key) => key === PRIMARY)).toHaveLength(2);
      expect(keysCalled(g).filter((key) => key === BACKUP)).toHaveLength(4);
      expect(await g.limits.activeLeases(`key:${primary}`, g.clock.now())).toBe(0);
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      expect(keysCalled(g).at(-1)).toBe(PRIMARY);
    });

    it("without a backup: the request over the cap gets 429 with a short Retry-After, and nothing is reserved for it", async () => {
      const only = await g.addKey("openai", PRIMARY, { rateLimitRpm: 10 });
      await g.database.handle.db.updateTable("t_ai_api_keys").set({ max_concurrency: 1 }).where("id", "=", only).execute();
      await g.request("PUT", `/api/admin/ai-providers/keys/${only}`, { priority: 1 }, await g.adminToken());
      g.upstream.always(PRIMARY, reply.slow(300, reply.ok()));
      const [first, second] = await Promise.all([g.chat(chatBody(MODEL)), g.chat(chatBody(MODEL))]);
      expect([first.status, second.status].sort()).toEqual([200, 429]);
      const denied = first.status === 429 ? first : second;
      expect(denied.headers.get("retry-after")).toBe("1");
      const rpm = await g.limits.admit(`key:${only}`, [{ name: "rpm", limit: 10, windowMs: 60_000, cost: 0 }], g.clock.now());
      expect(rpm.remaining.rpm).toBe(9);
    });

    it("a stream holds its slot until it ends", async () => {
      const primary = await g.addKey("openai", PRIMARY, { priority: 10 });
      await g.request("PUT", `/api/admin/ai-providers/keys/${primary}`, { maxConcurrency: 1 }, await g.adminToken());
      await g.addKey("openai", BACKUP, { priority: 1 });
      const streaming = await g.chat(chatBody(MODEL, "a long answer", { stream: true }));
      expect(streaming.status).toBe(200);
      const reader = streaming.body!.getReader();
      await reader.read();
      expect(await g.limits.activeLeases(`key:${primary}`, g.clock.now())).toBe(1);
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      expect(keysCalled(g)).toEqual([PRIMARY, BACKUP]);
      while (!(await reader.read()).done);
      expect(await g.limits.activeLeases(`key:${primary}`, g.clock.now())).toBe(0);
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      expect(keysCalled(g)).toEqual([PRIMARY, BACKUP, PRIMARY]);
    });

    it("a slot held by an instance that died comes back when its lease expires", async () => {
      const primary = await g.addKey("openai", PRIMARY, { priority: 10 });
      await g.request("PUT", `/api/admin/ai-providers/keys/${primary}`, { maxConcurrency: 1 }, await g.adminToken());
      await g.addKey("openai", BACKUP, { priority: 1 });
      // What a crashed instance leaves behind: a lease nobody renews or releases.
      expect((await g.limits.admit(`key:${primary}`, [], g.clock.now(), { limit: 1, leaseId: "crashed-instance", ttlMs: 60_000 })).allowed).toBe(true);
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      expect(keysCalled(g)).toEqual([BACKUP]);
      g.clock.advance(60_001);
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      expect(keysCalled(g)).toEqual([BACKUP, PRIMARY]);
    });

    it("the admin API takes maxConcurrency on create and update, shows it, and refuses nonsense", async () => {
      const token = await g.adminToken();
      const created = await g.request("POST", "/api/admin/ai-providers/3/keys", { keyName: "deep", apiKey: "sk-deepseek-0000000001", maxConcurrency: 3 }, token);
      expect(created.status).toBe(200);
      const key = ((await created.json()) as { data: { id: number; maxConcurrency: number | null } }).data;
      expect(key.maxConcurrency).toBe(3);
      expect((await g.keyRow(key.id)).max_concurrency).toBe(3);
      const cleared = await g.request("PUT", `/api/admin/ai-providers/keys/${key.id}`, { maxConcurrency: null }, token);
      expect(((await cleared.json()) as { data: { maxConcurrency: number | null } }).data.maxConcurrency).toBeNull();
      for (const bad of [0, -1, 1.5, "2"]) {
        const refused = await g.request("PUT", `/api/admin/ai-providers/keys/${key.id}`, { maxConcurrency: bad }, token);
        expect(refused.status).toBe(400);
        expect(await refused.text()).toMatch(/maxConcurrency/);
      }
    });
  });
}
