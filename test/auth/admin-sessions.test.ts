/**
 * An admin token is only as good as its admin: deleting or deactivating the user, logging out
 * and changing the password end it (on this instance at once, on others within the cache bound),
 * on the admin API and on the model routes alike.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../lib/app";
import { signAdminToken } from "../../lib/auth/admin-token";
import { hashPassword } from "../../lib/auth/password-hash";
import { createTestApp, type TestApp } from "../support/test-app";
import { testDatabaseAvailable, type TestDatabaseKind } from "../support/test-databases";

const PASSWORD = "a long enough password 1";
/** The documented bound on how long an instance may keep trusting a cached admin check. */
const ADMIN_SESSION_CACHE_MS = 5_000;

for (const kind of ["sqlite", "mariadb"] as TestDatabaseKind[]) {
  const available = await testDatabaseAvailable(kind, "admin sessions");
  describe.skipIf(!available)(`admin sessions on ${kind}`, () => {
    let t: TestApp;
    let userCount = 0;
    beforeAll(async () => {
      t = await createTestApp({ kind });
    });
    afterAll(async () => {
      await t?.close();
    });

    /** A fresh admin user and a token from a real login. */
    const newAdmin = async (role: "admin" | "viewer" = "admin") => {
      const username = `ops${++userCount}`;
      const now = t.clock.now();
      const result = await t.database.handle.db
        .insertInto("t_admin_users")
        .values({ username, password_hash: await hashPassword(PASSWORD), role, is_active: 1, created_at: now, updated_at: now })
        .executeTakeFirstOrThrow();
      const token = await login(username, PASSWORD);
      return { id: Number(result.insertId), username, token };
    };
    const login = async (username: string, password: string) => {
      const response = await t.request("POST", "/api/auth/login", { username, password });
      expect(response.status).toBe(200);
      return ((await response.json()) as { data: { token: string } }).data.token;
    };
    const createClient = (token: string) => t.request("POST", "/api/admin/clients", { name: "from-token" }, token);
    const listModels = (token: string) => t.request("GET", "/v1/models", undefined, token);

    it("a deleted admin's token stops working within the cache bound, creating client keys included", async () => {
      const admin = await newAdmin();
      expect((await createClient(admin.token)).status).toBe(200);
      expect((await listModels(admin.token)).status).toBe(200);
      await t.database.handle.db.deleteFrom("t_admin_users").where("id", "=", admin.id).execute();
      t.clock.advance(ADMIN_SESSION_CACHE_MS + 1);
      const created = await createClient(admin.token);
      expect(created.status).toBe(401);
      expect(await created.json()).toEqual({ code: 401, message: "Invalid or expired token" });
      expect((await t.request("GET", "/api/admin/clients", undefined, admin.token)).status).toBe(401);
      expect((await listModels(admin.token)).status).toBe(401);
    });

    it("a deactivated admin's token stops working within the cache bound, and the admin cannot log in", async () => {
      const admin = await newAdmin();
      expect((await createClient(admin.token)).status).toBe(200);
      await t.database.handle.db.updateTable("t_admin_users").set({ is_active: 0 }).where("id", "=", admin.id).execute();
      t.clock.advance(ADMIN_SESSION_CACHE_MS + 1);
      expect((await createClient(admin.token)).status).toBe(401);
      expect((await listModels(admin.token)).status).toBe(401);
      expect((await t.request("POST", "/api/auth/login", { username: admin.username, password: PASSWORD })).status).toBe(401);
    });

    it("the role in the database wins over the role in the token", async () => {
      const admin = await newAdmin();
      await t.database.handle.db.updateTable("t_admin_users").set({ role: "viewer" }).where("id", "=", admin.id).execute();
      t.clock.advance(ADMIN_SESSION_CACHE_MS + 1);
      expect((await t.request("GET", "/api/admin/clients", undefined, admin.token)).status).toBe(200);
      expect((await createClient(admin.token)).status).toBe(403);
    });

    it("logout ends every token of the caller at once on this instance", async () => {
      const admin = await newAdmin();
      const second = await login(admin.username, PASSWORD);
      expect((await listModels(admin.token)).status).toBe(200);
      expect((await createClient(second)).status).toBe(200);
      const logout = await t.request("POST", "/api/auth/logout", undefined, admin.token);
      expect(logout.status).toBe(200);
      expect(await logout.json()).toEqual({ code: 200, data: { loggedOut: true } });
      for (const token of [admin.token, second]) {
        expect((await createClient(token)).status).toBe(401);
        expect((await listModels(token)).status).toBe(401);
      }
      expect((await t.request("POST", "/api/auth/logout", undefined, admin.token)).status).toBe(401);
      const fresh = await login(admin.username, PASSWORD);
      expect((await createClient(fresh)).status).toBe(200);
    });

    it("another instance honours a logout within the cache bound", async () => {
      const admin = await newAdmin();
      const other = createApp(t.deps);
      const otherList = () => other.request("/api/admin/clients", { headers: { authorization: `Bearer ${admin.token}` } });
      expect((await otherList()).status).toBe(200);
      expect((await t.request("POST", "/api/auth/logout", undefined, admin.token)).status).toBe(200);
      t.clock.advance(ADMIN_SESSION_CACHE_MS + 1);
      expect((await otherList()).status).toBe(401);
    });

    it("a password change revokes older tokens and returns a new one", async () => {
      const admin = await newAdmin();
      const change = (body: unknown, token = admin.token) => t.request("POST", "/api/auth/password", body, token);
      const wrong = await change({ currentPassword: "not the password", newPassword: "another long password" });
      expect(wrong.status).toBe(401);
      expect(await wrong.json()).toEqual({ code: 401, message: "Current password is wrong" });
      const short = await change({ currentPassword: PASSWORD, newPassword: "short" });
      expect(short.status).toBe(400);
      expect(((await short.json()) as { errors: Array<{ field: string }> }).errors.map((error) => error.field)).toEqual(["newPassword"]);
      expect((await change({ currentPassword: PASSWORD, newPassword: "another long password" }, "")).status).toBe(401);

      const changed = await change({ currentPassword: PASSWORD, newPassword: "another long password" });
      expect(changed.status).toBe(200);
      const text = await changed.text();
      expect(text).not.toContain("another long password");
      const { token } = (JSON.parse(text) as { data: { token: string } }).data;
      expect((await createClient(admin.token)).status).toBe(401);
      expect((await listModels(admin.token)).status).toBe(401);
      expect((await createClient(token)).status).toBe(200);
      expect((await listModels(token)).status).toBe(200);
      expect((await t.request("POST", "/api/auth/login", { username: admin.username, password: PASSWORD })).status).toBe(401);
      await login(admin.username, "another long password");
      expect(t.logLines.join("\n")).not.toContain("another long password");
    });

    it("five wrong current passwords lock password changes out, so a stolen token cannot guess it", async () => {
      const admin = await newAdmin();
      const change = (currentPassword: string) => t.request("POST", "/api/auth/password", { currentPassword, newPassword: "another long password" }, admin.token);
      for (let attempt = 0; attempt < 5; attempt++) expect((await change(`guess ${attempt}`)).status).toBe(401);
      const locked = await change(PASSWORD);
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(800);
      t.clock.advance(16 * 60 * 1000);
      const fresh = await login(admin.username, PASSWORD);
      expect((await t.request("POST", "/api/auth/password", { currentPassword: PASSWORD, newPassword: "another long password" }, fresh)).status).toBe(200);
    });

    it("refuses a correctly signed token of another version or without one", async () => {
      const admin = await newAdmin();
      const now = t.clock.now();
      const stale = await signAdminToken({ id: admin.id, username: admin.username, role: "admin", tokenVersion: 7 }, t.deps.jwtSecret, now, 3600);
      expect((await createClient(stale)).status).toBe(401);
      const { sign } = await import("hono/jwt");
      const iat = Math.floor(now / 1000);
      const unversioned = await sign({ sub: admin.username, uid: admin.id, role: "admin", iat, exp: iat + 3600 }, t.deps.jwtSecret, "HS256");
      expect((await createClient(unversioned)).status).toBe(401);
      expect((await listModels(unversioned)).status).toBe(401);
    });
  });
}
