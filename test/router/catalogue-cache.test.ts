/**
 * The in-process catalogue: an admin change reaches every instance within the version-check
 * interval without a round trip per request; cooldowns are shared at once through the store;
 * a periodic full reload catches changes whose version bump was lost; a failed refresh keeps
 * serving the last good catalogue. On both shared-state backends.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../lib/app";
import { catalogueChanged } from "../../lib/catalogue/catalogue-version";
import type { LimitStore } from "../../lib/limits/limit-store";
import { silentLogger } from "../../lib/logging/logger";
import { CatalogueCache } from "../../lib/router/catalogue-cache";
import { reply } from "../support/fake-upstream";
import { testDatabaseAvailable } from "../support/test-databases";
import { availableLimitBackends, chatBody, startGatewayFixture, type GatewayFixture } from "../gateway/gateway-fixtures";

const PRIMARY = "sk-primary-key-000000000001";
const BACKUP = "sk-backup-key-0000000000002";
const MODEL = "gpt-4o-mini";

// MariaDB where it answers: a reload takes real time there, so requests do arrive during one.
const reloadDatabase = (await testDatabaseAvailable("mariadb", "router catalogue cache [mariadb]")) ? "mariadb" : "sqlite";

for (const backend of await availableLimitBackends("router catalogue cache")) {
  describe(`catalogue cache [${backend}]`, () => {
    let g: GatewayFixture;
    beforeEach(async () => {
      g = await startGatewayFixture({ limits: backend, database: reloadDatabase, gateway: { versionCheckIntervalMs: 2000, fullReloadIntervalMs: 60_000 } });
    });
    afterEach(async () => {
      await g?.close();
    });

    it("sees an admin change after the version-check interval, not before", async () => {
      expect((await g.chat(chatBody(MODEL))).status).toBe(503);
      const token = await g.adminToken();
      const created = await g.request("POST", "/api/admin/ai-providers/1/keys", { keyName: "new", apiKey: PRIMARY }, token);
      expect(created.status).toBe(200);
      expect((await g.chat(chatBody(MODEL))).status).toBe(503);
      g.clock.advance(2001);
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
    });

    it("a second instance skips a key another instance cooled down at once, and shows its status within seconds", async () => {
      const primary = await g.addKey("openai", PRIMARY, { priority: 10 });
      await g.addKey("openai", BACKUP, { priority: 1 });
      const other = createApp(g.deps, { gateway: { versionCheckIntervalMs: 2000 } });
      const token = await g.adminToken();
      const chatOnOther = () =>
        other.request("/v1/chat/completions", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify(chatBody(MODEL)),
        });
      expect((await chatOnOther()).status).toBe(200);
      expect(g.upstream.requests.map((request) => request.apiKey)).toEqual([PRIMARY]);

      g.upstream.script(PRIMARY, reply.rateLimited({ retryAfterSeconds: 30 }));
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      // The other instance's cached catalogue still says "normal", but the shared cooldown denies.
      expect((await chatOnOther()).status).toBe(200);
      expect(g.upstream.requests.map((request) => request.apiKey)).toEqual([PRIMARY, PRIMARY, BACKUP, BACKUP]);

      // An admin change made through this instance reaches the other one after its check interval.
      const callsBefore = g.upstream.requests.length;
      const disabled = await g.request("PUT", `/api/admin/ai-providers/keys/${primary + 1}`, { isActive: false }, token);
      expect(disabled.status).toBe(200);
      expect((await chatOnOther()).status).toBe(200);
      expect(g.upstream.requests).toHaveLength(callsBefore + 1);
      g.clock.advance(2001);
      const busy = await chatOnOther();
      expect(busy.status).toBe(429);
      expect(Number(busy.headers.get("retry-after"))).toBe(28);
      expect(g.upstream.requests).toHaveLength(callsBefore + 1);
    });

    it("a key deleted or deactivated through one instance is never used by another once the check interval has passed, even by requests during its reload", async () => {
      const removed = await g.addKey("openai", PRIMARY, { priority: 10 });
      await g.addKey("openai", BACKUP, { priority: 1 });
      const other = createApp(g.deps, { gateway: { versionCheckIntervalMs: 2000 } });
      const token = await g.adminToken();
      const chatOnOther = async () => {
        const response = await other.request("/v1/chat/completions", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify(chatBody(MODEL)),
        });
        await response.arrayBuffer();
        return response.status;
      };
      expect(await chatOnOther()).toBe(200);
      expect(g.upstream.requestsFor(PRIMARY)).toHaveLength(1);

      for (const change of ["deactivate", "delete"] as const) {
        const changed =
          change === "delete"
            ? await g.request("DELETE", `/api/admin/ai-providers/keys/${removed}`, undefined, token)
            : await g.request("PUT", `/api/admin/ai-providers/keys/${removed}`, { isActive: false }, token);
        expect(changed.status).toBe(200);
        g.clock.advance(2001);
        const calledBefore = g.upstream.requestsFor(PRIMARY).length;
        const statuses = await Promise.all(Array.from({ length: 80 }, () => chatOnOther()));
        expect(statuses.every((status) => status === 200)).toBe(true);
        expect(g.upstream.requestsFor(PRIMARY).length - calledBefore).toBe(0);
        if (change === "deactivate") {
          // Back on for the next round, seen by the other instance before the change under test.
          expect((await g.request("PUT", `/api/admin/ai-providers/keys/${removed}`, { isActive: true }, token)).status).toBe(200);
          g.clock.advance(2001);
          expect(await chatOnOther()).toBe(200);
        }
      }
    });

    it("a full reload catches a change whose version bump was lost", async () => {
      await g.addKey("openai", PRIMARY);
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      await g.database.handle.db.updateTable("t_ai_api_keys").set({ is_active: 0 }).execute();
      g.clock.advance(5000);
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      g.clock.advance(60_000);
      expect((await g.chat(chatBody(MODEL))).status).toBe(503);
    });

    it("keeps serving the last good catalogue when a refresh fails, and fails clearly when none was ever loaded", async () => {
      let storeDown = false;
      const limits = new Proxy(g.limits, {
        get(target, property, receiver) {
          if (property === "getVersion") {
            return (name: string) => (storeDown ? Promise.reject(new Error("store down")) : target.getVersion(name));
          }
          const value = Reflect.get(target, property, receiver);
          return typeof value === "function" ? value.bind(target) : value;
        },
      }) as LimitStore;
      const cache = new CatalogueCache({ db: g.database.handle.db, limits, cipher: g.deps.cipher, clock: g.clock, logger: silentLogger, versionCheckIntervalMs: 0 });
      await g.addKey("openai", PRIMARY);
      const loaded = await cache.snapshot();
      expect(loaded.keysByProvider.get(1)).toHaveLength(1);
      expect(loaded.keysByProvider.get(1)![0].apiKey).toBe(PRIMARY);
      storeDown = true;
      await catalogueChanged(g.deps);
      expect(await cache.snapshot()).toBe(loaded);

      const empty = new CatalogueCache({ db: g.database.handle.db, limits, cipher: g.deps.cipher, clock: g.clock, logger: silentLogger });
      await expect(empty.snapshot()).rejects.toMatchObject({ status: 503 });
    });
  });
}
