import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { npmStartNodeArguments } from "../support/npm-start";

/** `npm start` as a user runs it: a real process on the embedded defaults, nothing configured. */
describe("local server on embedded defaults", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "modelgate-local-"));
  let server: ChildProcess;
  let output = "";
  let baseUrl = "";

  beforeAll(async () => {
    server = spawn(process.execPath, npmStartNodeArguments(process.cwd()), {
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout!.on("data", (chunk) => (output += chunk));
    server.stderr!.on("data", (chunk) => (output += chunk));
    const deadline = Date.now() + 30_000;
    while (!/"url":"(http:\/\/127\.0\.0\.1:\d+)"/.test(output)) {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`server did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    baseUrl = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output)![1];
  }, 40_000);

  afterAll(() => {
    server?.kill("SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("creates the SQLite file and 0600 secrets under DATA_DIR and reports healthy", async () => {
    const health = await fetch(`${baseUrl}/health`);
    expect(await health.json()).toMatchObject({ status: "ok", database: "sqlite", limits: "memory" });
    expect(statSync(join(dataDir, "modelgate.sqlite")).isFile()).toBe(true);
    expect(statSync(join(dataDir, "master.key")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, "jwt.secret")).mode & 0o777).toBe(0o600);
  });

  it("prints a one-time admin password that logs in, and a key can be added without leaking", async () => {
    const password = /created with password: (\S+)/.exec(output)?.[1];
    expect(password).toBeTruthy();
    const login = await fetch(`${baseUrl}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password }),
    });
    expect(login.status).toBe(200);
    const { token } = ((await login.json()) as { data: { token: string } }).data;
    const secret = "sk-local-start-secret-value-9876";
    const added = await fetch(`${baseUrl}/api/admin/ai-providers/1/keys`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ keyName: "primary", apiKey: secret, priority: 1 }),
    });
    expect(added.status).toBe(200);
    expect(await added.text()).not.toContain(secret);
    expect(output).not.toContain(secret);
    // Not in the database file either (WAL included): only AES-GCM ciphertext is stored.
    for (const file of ["modelgate.sqlite", "modelgate.sqlite-wal"].map((name) => join(dataDir, name)).filter((path) => existsSync(path))) {
      expect(readFileSync(file).includes(Buffer.from(secret))).toBe(false);
    }
  });
});
