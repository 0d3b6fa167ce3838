/**
 * One username, one identity: the login lockout and the user the login finds are keyed on the
 * same normalised name on every database, whatever the database's collation thinks is equal.
 */
import { describe, expect, it, beforeEach, afterEach } from "vitest";
import { migrateToLatest } from "../../db/migrate";
import { ensureBootstrapAdmin } from "../../lib/auth/bootstrap-admin";
import { createLogger } from "../../lib/logging/logger";
import { createTestApp, TEST_ADMIN, type TestApp } from "../support/test-app";
import { openTestDatabase, testDatabaseAvailable, TEST_DATABASE_KINDS } from "../support/test-databases";

/** Ways of writing `admin` that a case- and accent-insensitive collation (or a careless eye) takes for it. */
const SPELLINGS_OF_ADMIN = ["ADMIN", "Admin", "ａｄｍｉｎ", "admin\u200B", "ad\u00ADmin", "\uFEFFadmin", "ad\u2060min", "admin\u200E", "  admin  "];

describe("normaliseUsername", () => {
  it("folds width, case and invisible characters, and keeps accents", async () => {
    const { normaliseUsername } = await import("../../lib/auth/admin-username");
    for (const spelling of SPELLINGS_OF_ADMIN) expect(normaliseUsername(spelling)).toBe("admin");
    expect(normaliseUsername("àdmin")).toBe("àdmin");
    expect(normaliseUsername("a\u0300dmin")).toBe("àdmin");
    // An invisible character between a letter and its accent must not keep them apart.
    expect(normaliseUsername("a\u200B\u0300dmin")).toBe("àdmin");
    // Compatibility forms that become invisible only once normalised (halfwidth Hangul filler).
    expect(normaliseUsername("admin\uFFA0")).toBe("admin");
    expect(normaliseUsername("STRAßE")).toBe("strasse");
    expect(normaliseUsername("Ops.Team@Example")).toBe("ops.team@example");
  });
});

describe("the bootstrap admin", () => {
  it("is stored under its normalised name", async () => {
    const database = await openTestDatabase("sqlite");
    try {
      await migrateToLatest(database.handle);
      const result = await ensureBootstrapAdmin(database.handle.db, {
        credentials: { username: "Ops.Admin", password: "a long enough password" },
        allowGenerated: false,
        now: 1,
        logger: createLogger({ write: () => undefined }),
      });
      expect(result).toEqual({ created: true, username: "ops.admin", generatedPassword: null });
      const rows = await database.handle.db.selectFrom("t_admin_users").select("username").execute();
      expect(rows).toEqual([{ username: "ops.admin" }]);
    } finally {
      await database.drop();
    }
  });
});

for (const kind of TEST_DATABASE_KINDS) {
  const available = await testDatabaseAvailable(kind, "login usernames");
  describe.skipIf(!available)(`login usernames on ${kind}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await createTestApp({ kind });
    });
    afterEach(async () => {
      await t?.close();
    });
    const login = (username: string, password = TEST_ADMIN.password) => t.request("POST", "/api/auth/login", { username, password });
    const lockOut = async (username: string) => {
      for (let attempt = 0; attempt < 5; attempt++) expect((await login(username, "wrong password")).status).toBe(401);
    };

    it("logs in under any spelling of the same name, as that one user", async () => {
      for (const spelling of SPELLINGS_OF_ADMIN) {
        const response = await login(spelling);
        expect(response.status, JSON.stringify(spelling)).toBe(200);
        expect(((await response.json()) as { data: { username: string } }).data.username).toBe("admin");
      }
    });

    it("a locked name stays locked under every other spelling of it", async () => {
      await lockOut("admin");
      for (const spelling of SPELLINGS_OF_ADMIN) expect((await login(spelling)).status, JSON.stringify(spelling)).toBe(429);
    });

    it("failures under other spellings count against the same lockout", async () => {
      for (const spelling of SPELLINGS_OF_ADMIN.slice(0, 5)) expect((await login(spelling, "wrong password")).status).toBe(401);
      expect((await login("admin")).status).toBe(429);
    });

    it("an accented name is another user: it never logs in as admin and has its own lockout", async () => {
      await lockOut("admin");
      for (let attempt = 0; attempt < 5; attempt++) expect((await login("àdmin")).status).toBe(401);
      expect((await login("a\u0300dmin")).status).toBe(429);
      expect((await login("ÀDMIN")).status).toBe(429);
    });
  });
}
