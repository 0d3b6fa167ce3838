/**
 * The two limits in front of the admin side, over the memory store and over Upstash (the limit
 * store's Lua through the real `@upstash/redis` client and the local REST bridge to Redis), with
 * the test clock moving the windows: authenticated admin calls
 * count per admin user against ADMIN_RATE_LIMIT_MAX, login counts per IP against RATE_LIMIT_MAX
 * and keeps its lockout; each 429 names the setting and when it lifts.
 */
import { Redis as UpstashRedis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../lib/auth/password-hash";
import type { LimitStore } from "../../lib/limits/limit-store";
import { UpstashLimitStore } from "../../lib/limits/upstash-limit-store";
import { deleteKeysUnder, redisAvailableFor, redisUrl, uniquePrefix } from "../limits/redis-test-support";
import { createTestApp, TEST_ADMIN, type TestApp } from "../support/test-app";
import { startUpstashBridge, type UpstashBridge } from "../support/upstash-bridge";

interface Refusal {
  code: number;
  message: string;
  data: { limit: string; retryAfterSeconds: number; resetAt: string };
}

const SECOND_ADMIN = { username: "second-admin", password: "another long admin password" };

async function addSecondAdmin(t: TestApp): Promise<string> {
  const now = t.clock.now();
  await t.database.handle.db
    .insertInto("t_admin_users")
    .values({ username: SECOND_ADMIN.username, password_hash: await hashPassword(SECOND_ADMIN.password), role: "admin", is_active: 1, created_at: now, updated_at: now })
    .execute();
  const response = await t.request("POST", "/api/auth/login", SECOND_ADMIN);
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: { token: string } }).data.token;
}

/** What a dashboard kept open calls, round-robin. */
const DASHBOARD_PATHS = ["/api/admin/ai-providers", "/api/admin/ai-models", "/api/admin/clients", "/api/admin/ai-stats", "/api/admin/ai-logs", "/api/admin/jobs", "/api/admin/alerts/webhooks"];

function suite(store: string, limitsFor: () => LimitStore | undefined) {
  describe(`admin and login limits over ${store}`, () => {
    it("600 admin calls from one admin inside the window are never refused on the defaults", async () => {
      const t = await createTestApp({ limits: limitsFor() });
      try {
        const token = await t.adminToken();
        const statuses = new Map<number, number>();
        for (let call = 0; call < 600; call++) {
          const response = await t.request("GET", DASHBOARD_PATHS[call % DASHBOARD_PATHS.length], undefined, token);
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        }
        expect(Object.fromEntries(statuses)).toEqual({ 200: 600 });
        // The login page still answers after all that.
        expect((await t.request("POST", "/api/auth/login", TEST_ADMIN)).status).toBe(200);
      } finally {
        await t.close();
      }
    });

    it("an hour of dashboard use (720 admin calls, a login every 15 minutes) is never refused", async () => {
      const t = await createTestApp({ limits: limitsFor() });
      try {
        let token = await t.adminToken();
        let refused = 0;
        for (let minute = 0; minute < 60; minute++) {
          if (minute % 15 === 0) {
            const login = await t.request("POST", "/api/auth/login", TEST_ADMIN);
            expect(login.status).toBe(200);
            token = ((await login.json()) as { data: { token: string } }).data.token;
          }
          for (let call = 0; call < 12; call++) {
            const response = await t.request("GET", DASHBOARD_PATHS[(minute + call) % DASHBOARD_PATHS.length], undefined, token);
            if (response.status === 429) refused++;
            expect([200, 429]).toContain(response.status);
          }
          t.clock.advance(60_000);
        }
        expect(refused).toBe(0);
      } finally {
        await t.close();
      }
    });

    it("counts per admin user: one admin over ADMIN_RATE_LIMIT_MAX is refused with the setting named, another is not", async () => {
      const t = await createTestApp({ limits: limitsFor(), env: { ADMIN_RATE_LIMIT_MAX: "5", ADMIN_RATE_LIMIT_WINDOW_MS: "60000" } });
      try {
        const token = await t.adminToken();
        const other = await addSecondAdmin(t);
        for (let call = 0; call < 5; call++) expect((await t.request("GET", "/api/admin/clients", undefined, token)).status).toBe(200);
        const refused = await t.request("GET", "/api/admin/clients", undefined, token);
        expect(refused.status).toBe(429);
        const body = (await refused.json()) as Refusal;
        expect(body.data.limit).toBe("ADMIN_RATE_LIMIT_MAX");
        expect(body.message).toContain("ADMIN_RATE_LIMIT_MAX");
        expect(body.data.retryAfterSeconds).toBeGreaterThan(0);
        expect(body.data.retryAfterSeconds).toBeLessThanOrEqual(62);
        expect(Number(refused.headers.get("retry-after"))).toBe(body.data.retryAfterSeconds);
        expect(Date.parse(body.data.resetAt)).toBe(t.clock.now() + body.data.retryAfterSeconds * 1000);
        expect((await t.request("GET", "/api/admin/clients", undefined, other)).status).toBe(200);
        // Admin calls do not use up the login limit: logging in still works.
        expect((await t.request("POST", "/api/auth/login", TEST_ADMIN)).status).toBe(200);
        t.clock.advance(body.data.retryAfterSeconds * 1000 - 1000);
        expect((await t.request("GET", "/api/admin/clients", undefined, token)).status).toBe(429);
        t.clock.advance(1000);
        expect((await t.request("GET", "/api/admin/clients", undefined, token)).status).toBe(200);
      } finally {
        await t.close();
      }
    });

    it("keeps the per-IP login limit (RATE_LIMIT_MAX) and the failed-login lockout", async () => {
      const t = await createTestApp({ limits: limitsFor(), env: { RATE_LIMIT_MAX: "8" } });
      try {
        const token = await t.adminToken();
        for (let attempt = 0; attempt < 5; attempt++) {
          expect((await t.request("POST", "/api/auth/login", { username: TEST_ADMIN.username, password: `guess-${attempt}` })).status).toBe(401);
        }
        // Locked out now, even with the right password.
        const locked = await t.request("POST", "/api/auth/login", TEST_ADMIN);
        expect(locked.status).toBe(429);
        const lockBody = (await locked.json()) as Refusal;
        expect(lockBody.data.limit).toBe("login_lockout");
        expect(lockBody.data.retryAfterSeconds).toBeGreaterThan(800);
        // Two more login calls reach the per-IP limit of 8 (the first login above counted too).
        expect((await t.request("POST", "/api/auth/login", TEST_ADMIN)).status).toBe(429);
        const perIp = await t.request("POST", "/api/auth/login", TEST_ADMIN);
        expect(perIp.status).toBe(429);
        const ipBody = (await perIp.json()) as Refusal;
        expect(ipBody.data.limit).toBe("RATE_LIMIT_MAX");
        expect(ipBody.message).toContain("RATE_LIMIT_MAX");
        // The admin already signed in keeps working.
        expect((await t.request("GET", "/api/admin/ai-providers", undefined, token)).status).toBe(200);
      } finally {
        await t.close();
      }
    });
  });
}

suite("the memory store", () => undefined);

const redisUp = await redisAvailableFor("admin limits over Upstash");
describe.skipIf(!redisUp)("over Upstash", () => {
  const prefix = uniquePrefix("admin-limits");
  let bridge: UpstashBridge;
  beforeAll(async () => {
    bridge = await startUpstashBridge({ redisUrl });
  });
  afterAll(async () => {
    await bridge?.close();
    await deleteKeysUnder(prefix);
  });
  // A prefix per app: each case starts from empty counters, as a fresh deployment would.
  let apps = 0;
  suite("the Upstash bridge", () => new UpstashLimitStore(new UpstashRedis({ url: bridge.url, token: bridge.token }), { prefix: `${prefix}:${apps++}` }));
});
