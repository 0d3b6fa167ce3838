/**
 * The real scripts and the local server, run as child processes the way an operator runs them
 * (`npm start`, `npm run …`), when they cannot work: each ends with one line naming the setting
 * or the cause, a non-zero exit code, and no stack trace.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import { seedCatalogue } from "../../db/seed";
import { KeyCipher } from "../../lib/crypto/key-cipher";
import { startSecretsManagerServer } from "../support/secrets-manager-server";

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm <args>` in the repository with only the given settings (no inherited database or key settings). */
function npm(args: string[], env: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", args, { cwd: process.cwd(), env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir(), ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    // A script that wrongly keeps running is stopped with everything it started (its process group).
    const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 20_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The last line on stderr, after asserting there is no stack trace anywhere in the output. */
function lastErrorLine(outcome: Outcome): string {
  expect(`${outcome.stdout}\n${outcome.stderr}`).not.toMatch(/^\s+at\s/m);
  expect(outcome.stderr).not.toMatch(/Node\.js v\d+/);
  return outcome.stderr.trim().split("\n").at(-1)!;
}

/** The operator's password reset is its own command; checked here once it exists. */
const hasResetPassword = "admin:reset-password" in (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;

const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));

describe("scripts fail with one line naming the cause", { timeout: 60_000 }, () => {
  let dataDir: string;
  const oldKey = randomBytes(32).toString("base64");
  const newKey = randomBytes(32).toString("base64");

  beforeAll(async () => {
    // A data directory whose one provider key was re-encrypted under master key version 2.
    dataDir = await mkdtemp(join(tmpdir(), "modelgate-failures-"));
    const handle = await createDatabase({ kind: "sqlite", file: join(dataDir, "modelgate.sqlite") });
    await migrateToLatest(handle);
    await seedCatalogue(handle.db, Date.now());
    const rotated = new KeyCipher({ current: 2, keys: new Map([[2, Buffer.from(newKey, "base64")]]) });
    const now = Date.now();
    await handle.db.insertInto("t_ai_api_keys").values({ provider_id: 1, key_name: "main", api_key: rotated.encrypt("sk-failures-0123456789abcdef"), key_hint: "sk-…cdef", created_at: now, updated_at: now }).execute();
    await handle.close();
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  const settings = (extra: Record<string, string> = {}) => ({ DATA_DIR: dataDir, JWT_SECRET: "a".repeat(48), ADMIN_USERNAME: "admin", ADMIN_PASSWORD: "failures-password-123", ...extra });
  const missingVersion =
    '1 provider API key was encrypted under master key version 2, which this process does not have; set KEY_ENCRYPTION_KEY to a keyring that includes version 2 (e.g. KEY_ENCRYPTION_KEY="2:<that key>,<the current value>")';

  it("npm start: a bad setting", async () => {
    const outcome = await npm(["start"], settings({ PORT: "eighty", KEY_ENCRYPTION_KEY: oldKey }));
    expect(lastErrorLine(outcome)).toBe("modelgate failed to start: Invalid settings: PORT: Invalid input: expected number, received NaN");
    expect(outcome.code).toBe(1);
  });

  it("npm start: keys under a master key version it does not have", async () => {
    const outcome = await npm(["start"], settings({ PORT: "0", KEY_ENCRYPTION_KEY: oldKey }));
    expect(lastErrorLine(outcome)).toBe(`modelgate failed to start: ${missingVersion}`);
    expect(outcome.code).toBe(1);
  });

  it("npm start: the port is in use", async () => {
    const holder = createServer();
    const port = await listen(holder);
    try {
      const outcome = await npm(["start"], settings({ PORT: String(port), KEY_ENCRYPTION_KEY: `2:${newKey},1:${oldKey}` }));
      expect(lastErrorLine(outcome)).toBe(`modelgate failed to start: port ${port} on 127.0.0.1 is already in use: stop the process using it or set PORT to a free port`);
      expect(outcome.code).toBe(1);
    } finally {
      holder.close();
    }
  });

  it("npm run job: keys under an unknown version; with the version configured it runs", async () => {
    const refused = await npm(["run", "job", "--", "rollup"], settings({ KEY_ENCRYPTION_KEY: oldKey }));
    expect(lastErrorLine(refused)).toBe(`job rollup could not start: ${missingVersion}`);
    expect(refused.code).toBe(1);
    const ran = await npm(["run", "job", "--", "rollup"], settings({ KEY_ENCRYPTION_KEY: `2:${newKey},1:${oldKey}` }));
    expect(ran.stderr).toBe("");
    expect(ran.code).toBe(0);
  });

  it("npm run job: the same with the keyring in Secrets Manager names the secret", async () => {
    const arn = "modelgate/failures-master-key";
    const secretsManager = await startSecretsManagerServer({ secrets: { [arn]: JSON.stringify({ current: 1, keys: { "1": oldKey } }) } });
    try {
      const aws = { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "AKIAFAILURES", AWS_SECRET_ACCESS_KEY: "failures-secret", AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url };
      const outcome = await npm(["run", "job", "--", "rollup"], settings({ KEY_ENCRYPTION_SECRET_ARN: arn, ...aws }));
      expect(lastErrorLine(outcome)).toBe(
        "job rollup could not start: 1 provider API key was encrypted under master key version 2, which this process does not have; " +
          'set the secret KEY_ENCRYPTION_SECRET_ARN names to a keyring that includes version 2 (e.g. {"current":2,"keys":{"2":"<that key>",…}})',
      );
      expect(outcome.code).toBe(1);
    } finally {
      await secretsManager.close();
    }
  });

  it("npm start: a database host that does not resolve", async () => {
    const outcome = await npm(["start"], { ...settings({ KEY_ENCRYPTION_KEY: oldKey }), DATABASE_URL: "mysql://root@no-such-host.invalid:3306/modelgate" });
    expect(lastErrorLine(outcome)).toBe("modelgate failed to start: unknown host 'no-such-host.invalid' (DATABASE_URL): check the host name");
    expect(outcome.code).toBe(1);
  });

  it("npm run db:init: a host that does not resolve, a port nobody answers", async () => {
    const unknownHost = await npm(["run", "db:init"], { DATABASE_URL: "mysql://root@no-such-host.invalid:3306/modelgate" });
    expect(lastErrorLine(unknownHost)).toBe("db:init failed: unknown host 'no-such-host.invalid' (DATABASE_URL): check the host name");
    expect(unknownHost.code).toBe(1);

    const closed = createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const refused = await npm(["run", "db:init"], { DATABASE_URL: `mysql://root:pw-SECRET@127.0.0.1:${port}/modelgate` });
    expect(lastErrorLine(refused)).toBe(`db:init failed: cannot connect to 127.0.0.1:${port} (ECONNREFUSED; DATABASE_URL): is the server running and the address right?`);
    expect(refused.stderr).not.toContain("pw-SECRET");
    expect(refused.code).toBe(1);
  });

  it("npm run rotate-master-key: a bad key setting", async () => {
    const outcome = await npm(["run", "rotate-master-key"], { DATA_DIR: dataDir, KEY_ENCRYPTION_KEY: "not-a-key" });
    expect(lastErrorLine(outcome)).toBe("rotate-master-key failed: Invalid settings: KEY_ENCRYPTION_KEY must be base64 of exactly 32 bytes (or a keyring JSON)");
    expect(outcome.stderr.trim().split("\n")).toHaveLength(1);
    expect(outcome.code).toBe(2);
  });

  it.skipIf(!hasResetPassword)("npm run admin:reset-password: an unknown user, a database host that does not resolve", async () => {
    const unknownUser = await npm(["run", "admin:reset-password", "--", "nobody-by-this-name"], settings({ KEY_ENCRYPTION_KEY: `2:${newKey},1:${oldKey}` }));
    expect(lastErrorLine(unknownUser)).toContain("nobody-by-this-name");
    expect(unknownUser.code).not.toBe(0);
    const unknownHost = await npm(["run", "admin:reset-password", "--", "admin"], { DATABASE_URL: "mysql://root@no-such-host.invalid:3306/modelgate" });
    expect(lastErrorLine(unknownHost)).toContain("unknown host 'no-such-host.invalid' (DATABASE_URL): check the host name");
    expect(unknownHost.code).not.toBe(0);
  });

  it("npm run replay-logs: a file that is not there", async () => {
    const outcome = await npm(["run", "replay-logs", "--", join(dataDir, "missing.log")], { DATA_DIR: dataDir });
    expect(lastErrorLine(outcome)).toBe(`replay-logs failed: no such file: ${join(dataDir, "missing.log")}`);
    expect(outcome.code).toBe(1);
  });
});
