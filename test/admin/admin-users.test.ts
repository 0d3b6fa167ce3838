/**
 * /api/admin/users: admins manage who signs in, with roles admin and viewer; nobody can lock the
 * admin side out by removing, demoting or deactivating themselves or the last active admin.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, TEST_ADMIN, type TestApp } from "../support/test-app";
import { testDatabaseAvailable, TEST_DATABASE_KINDS } from "../support/test-databases";

const PASSWORD = "a long enough password";

interface UserData {
  id: number;
  username: string;
  role: "admin" | "viewer";
  isActive: boolean;
}

for (const kind of TEST_DATABASE_KINDS) {
  const available = await testDatabaseAvailable(kind, "admin users");
  describe.skipIf(!available)(`admin users on ${kind}`, () => {
    let t: TestApp;
    let token: string;
    const admin = (method: string, path: string, body?: unknown) => t.request(method, path, body, token);
    const login = async (username: string, password = PASSWORD) => {
      const response = await t.request("POST", "/api/auth/login", { username, password });
      expect(response.status).toBe(200);
      return ((await response.json()) as { data: { token: string } }).data.token;
    };
    const createUser = async (username: string, role: "admin" | "viewer") => {
      const response = await admin("POST", "/api/admin/users", { username, password: PASSWORD, role });
      expect(response.status).toBe(200);
      return ((await response.json()) as { data: UserData }).data;
    };
    const messageOf = async (response: Response) => ((await response.json()) as { message: string }).message;

    beforeAll(async () => {
      t = await createTestApp({ kind });
      token = await t.adminToken();
    });
    afterAll(async () => {
      await t?.close();
    });

    it("creates a viewer who can read but not change, and never shows a password hash", async () => {
      const viewer = await createUser("Reader.One", "viewer");
      expect(viewer).toMatchObject({ username: "reader.one", role: "viewer", isActive: true });
      const viewerToken = await login("reader.one");
      expect((await t.request("GET", "/api/admin/clients", undefined, viewerToken)).status).toBe(200);
      expect((await t.request("POST", "/api/admin/clients", { name: "nope" }, viewerToken)).status).toBe(403);
      expect((await t.request("POST", "/api/admin/users", { username: "sneaky", password: PASSWORD }, viewerToken)).status).toBe(403);
      const list = await (await admin("GET", "/api/admin/users")).text();
      expect(list).toContain("reader.one");
      expect(list).not.toMatch(/scrypt|password/i);
    });

    it("refuses bad input and duplicate names with a 4xx naming the problem", async () => {
      const short = await admin("POST", "/api/admin/users", { username: "shorty", password: "short", role: "owner" });
      expect(short.status).toBe(400);
      const fields = ((await short.json()) as { errors: Array<{ field: string }> }).errors.map((error) => error.field).sort();
      expect(fields).toEqual(["password", "role"]);
      const duplicate = await admin("POST", "/api/admin/users", { username: "READER.ONE", password: PASSWORD });
      expect(duplicate.status).toBe(409);
      expect(await messageOf(duplicate)).toContain("reader.one");
    });

    it("a role change or deactivation signs the user out at once", async () => {
      const user = await createUser("promoted", "viewer");
      const before = await login("promoted");
      const promoted = await admin("PUT", `/api/admin/users/${user.id}`, { role: "admin" });
      expect(((await promoted.json()) as { data: UserData }).data.role).toBe("admin");
      expect((await t.request("GET", "/api/admin/clients", undefined, before)).status).toBe(401);
      const after = await login("promoted");
      expect((await t.request("POST", "/api/admin/clients", { name: "by promoted" }, after)).status).toBe(200);
      await admin("PUT", `/api/admin/users/${user.id}`, { isActive: false });
      expect((await t.request("GET", "/api/admin/clients", undefined, after)).status).toBe(401);
      expect((await t.request("POST", "/api/auth/login", { username: "promoted", password: PASSWORD })).status).toBe(401);
    });

    it("nobody can delete, demote or deactivate themselves, nor set their own password here", async () => {
      for (const change of [{ role: "viewer" }, { isActive: false }]) {
        const response = await admin("PUT", "/api/admin/users/1", change);
        expect(response.status).toBe(409);
        expect(await messageOf(response)).toContain("yourself");
      }
      const password = await admin("PUT", "/api/admin/users/1", { password: "a new password for me" });
      expect(password.status).toBe(409);
      expect(await messageOf(password)).toContain("/api/auth/password");
      const deleted = await admin("DELETE", "/api/admin/users/1");
      expect(deleted.status).toBe(409);
      // Still an admin, still signed in.
      expect((await admin("GET", "/api/admin/users/1")).status).toBe(200);
    });

    it("the last active admin cannot be removed, demoted or deactivated", async () => {
      const other = await createUser("second-admin", "admin");
      // The caller's own row is deactivated behind the API; its token lives on in this instance's
      // session cache for a few seconds, the window in which only this rule stops the lockout.
      await t.database.handle.db.updateTable("t_admin_users").set({ is_active: 0 }).where("id", "=", 1).execute();
      await t.database.handle.db.updateTable("t_admin_users").set({ is_active: 0 }).where("role", "=", "admin").where("id", "not in", [1, other.id]).execute();
      for (const [method, body] of [["PUT", { role: "viewer" }], ["PUT", { isActive: false }], ["DELETE", undefined]] as const) {
        const response = await admin(method, `/api/admin/users/${other.id}`, body);
        expect(response.status, `${method} ${JSON.stringify(body)}`).toBe(409);
        expect(await messageOf(response)).toContain("last active admin");
      }
      await t.database.handle.db.updateTable("t_admin_users").set({ is_active: 1 }).where("id", "=", 1).execute();
      const removed = await admin("DELETE", `/api/admin/users/${other.id}`);
      expect(removed.status).toBe(200);
      expect((await admin("GET", `/api/admin/users/${other.id}`)).status).toBe(404);
    });

    it("two admins demoting each other at once leave at least one active admin", async () => {
      const { db } = t.database.handle;
      let refusals = 0;
      for (let round = 0; round < 8; round++) {
        const [x, y] = [await createUser(`race-x-${round}`, "admin"), await createUser(`race-y-${round}`, "admin")];
        const [xToken, yToken] = [await login(`race-x-${round}`), await login(`race-y-${round}`)];
        // Only these two are active admins; the suite's own admin keeps its cached session meanwhile.
        await db.updateTable("t_admin_users").set({ is_active: 0 }).where("role", "=", "admin").where("id", "not in", [x.id, y.id]).execute();
        const answers = await Promise.all([
          t.request("PUT", `/api/admin/users/${y.id}`, { role: "viewer" }, xToken),
          t.request("PUT", `/api/admin/users/${x.id}`, { role: "viewer" }, yToken),
        ]);
        // The later one is refused: 409 (last active admin), or 403/401 once its own demotion landed first.
        refusals += answers.filter((answer) => answer.status !== 200).length;
        const active = await db.selectFrom("t_admin_users").select("id").where("role", "=", "admin").where("is_active", "=", 1).execute();
        expect(active.length, `round ${round}: ${answers.map((answer) => answer.status).join(", ")}`).toBeGreaterThanOrEqual(1);
        await db.updateTable("t_admin_users").set({ is_active: 1 }).where("id", "=", 1).execute();
      }
      expect(refusals).toBeGreaterThanOrEqual(8);
    });

    it("a deleted user's token stops working, and its own password change keeps working for the rest", async () => {
      const user = await createUser("leaving", "viewer");
      const leavingToken = await login("leaving");
      expect((await admin("DELETE", `/api/admin/users/${user.id}`)).status).toBe(200);
      expect((await t.request("GET", "/api/admin/clients", undefined, leavingToken)).status).toBe(401);

      const changed = await t.request("POST", "/api/auth/password", { currentPassword: TEST_ADMIN.password, newPassword: "the admin's next password" }, token);
      expect(changed.status).toBe(200);
      token = ((await changed.json()) as { data: { token: string } }).data.token;
      expect((await t.request("POST", "/api/auth/login", TEST_ADMIN)).status).toBe(401);
      expect(await login(TEST_ADMIN.username, "the admin's next password")).toBeTruthy();
    });
  });
}
