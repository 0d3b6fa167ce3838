/**
 * `npm run admin:reset-password -- <username>`: the operator sets a lost password from the
 * command line. One line out, the user's sessions revoked, an audit entry; one line and a non-zero
 * exit (no stack trace) for an unknown user or a bad database setting.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type DatabaseHandle } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import { hashPassword, verifyPassword } from "../../lib/auth/password-hash";
import { resetAdminPassword } from "../../lib/auth/password-reset";
import { openTestDatabase, testDatabaseAvailable, TEST_DATABASE_KINDS } from "../support/test-databases";

const run = (args: string[], env: Record<string, string>) =>
  promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/reset-admin-password.ts", ...args], { env: { PATH: process.env.PATH, ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

async function addUser(handle: DatabaseHandle, username: string): Promise<void> {
  await handle.db
    .insertInto("t_admin_users")
    .values({ username, password_hash: await hashPassword("the forgotten password"), role: "admin", is_active: 1, created_at: 1, updated_at: 1 })
    .execute();
}

const userRow = (handle: DatabaseHandle, username: string) => handle.db.selectFrom("t_admin_users").selectAll().where("username", "=", username).executeTakeFirstOrThrow();

describe("npm run admin:reset-password (the command, on SQLite)", () => {
  let dataDir: string;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "modelgate-reset-"));
    handle = await createDatabase({ kind: "sqlite", file: join(dataDir, "modelgate.sqlite") });
    await migrateToLatest(handle);
    await addUser(handle, "alice");
  });
  afterAll(async () => {
    await handle?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("prints one new random password that then verifies, and signs the user out", async () => {
    const before = await userRow(handle, "alice");
    const result = await run(["--", "Alice"], { DATA_DIR: dataDir });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    const password = /new password: (\S+) \(shown once\)/.exec(lines[0])?.[1];
    expect(password).toBeDefined();
    const after = await userRow(handle, "alice");
    expect(await verifyPassword(password!, after.password_hash)).toBe(true);
    expect(await verifyPassword("the forgotten password", after.password_hash)).toBe(false);
    expect(Number(after.token_version)).toBe(Number(before.token_version) + 1);
    const audit = await handle.db.selectFrom("t_admin_audit_log").selectAll().where("action", "=", "user.password_reset").execute();
    expect(audit.map((row) => [row.admin_username, row.target_id])).toEqual([["(command line)", String(after.id)]]);
    expect(JSON.stringify(audit)).not.toContain(password);
  });

  it("takes the password from ADMIN_PASSWORD and never prints it", async () => {
    const result = await run(["alice"], { DATA_DIR: dataDir, ADMIN_PASSWORD: "chosen by the operator" });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("password set from ADMIN_PASSWORD");
    expect(result.stdout).not.toContain("chosen by the operator");
    expect(await verifyPassword("chosen by the operator", (await userRow(handle, "alice")).password_hash)).toBe(true);
  });

  it("fails with one line and no stack trace for an unknown user, a short password, a bad setting or an unreachable database", async () => {
    const cases: Array<[string[], Record<string, string>, number, RegExp]> = [
      [["bob"], { DATA_DIR: dataDir }, 1, /no admin user 'bob' in .*modelgate\.sqlite/],
      [[], { DATA_DIR: dataDir }, 2, /usage: npm run admin:reset-password -- <username>/],
      [["alice"], { DATA_DIR: dataDir, ADMIN_PASSWORD: "short" }, 1, /ADMIN_PASSWORD must be at least 12 characters/],
      [["alice"], { DATABASE_URL: "postgres://somewhere/db" }, 1, /DATABASE_URL: must be a mysql:\/\/ URL/],
      [["alice"], { DATABASE_URL: "mysql://root@127.0.0.1:1/nothing" }, 1, /admin:reset-password: .*(ECONNREFUSED|connect)/i],
    ];
    for (const [args, env, code, message] of cases) {
      const result = await run(args, env);
      expect(result.code, `${args.join(" ")} ${JSON.stringify(env)}: ${result.stderr}`).toBe(code);
      const lines = result.stderr.trimEnd().split("\n");
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stdout).toBe("");
    }
  });
});

for (const kind of TEST_DATABASE_KINDS) {
  const available = await testDatabaseAvailable(kind, "password reset");
  describe.skipIf(!available)(`resetAdminPassword on ${kind}`, () => {
    it("resets by the normalised name, and finds nobody for another", async () => {
      const database = await openTestDatabase(kind);
      try {
        await migrateToLatest(database.handle);
        await addUser(database.handle, "carol");
        expect(await resetAdminPassword(database.handle.db, "nobody", "a new long password", 5)).toBeNull();
        expect(await resetAdminPassword(database.handle.db, "CAROL", "a new long password", 5)).toMatchObject({ username: "carol", isActive: true });
        const row = await userRow(database.handle, "carol");
        expect(await verifyPassword("a new long password", row.password_hash)).toBe(true);
        expect(Number(row.token_version)).toBe(1);
      } finally {
        await database.drop();
      }
    });
  });
}
