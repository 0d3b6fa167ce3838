/**
 * The README's quick start, run as written on a fresh copy of the repository (the files git
 * tracks, nothing built, no data): the headline `npm install && npm start` as its own process,
 * then every run block in one bash shell with MODELGATE_PASSWORD set to the password the first
 * start printed, against a local stand-in for OpenAI that the README's own OPENAI_BASE_URL
 * setting points the provider at. `npm install` itself would need the network and would rewrite
 * the shared node_modules the copy links to, so a stand-in `npm` first on PATH answers exactly
 * that command (after checking the modules are there) and passes everything else to npm.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream";
import { readmeBlocks, type ReadmeBlock } from "./readme-commands";

const OPENAI_KEY = "sk-readme-quick-start-0123456789";

/** A fresh copy of the checkout: tracked files and new files not ignored, as a clone would have them. */
function freshCopy(): string {
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { encoding: "utf8" });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  const copy = mkdtempSync(join(tmpdir(), "modelgate-readme-"));
  // node_modules may be a symlink here, which the directory pattern in .gitignore does not match.
  for (const file of listed.stdout.split("\0").filter((name) => name !== "" && name !== "node_modules")) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(file, join(copy, file), { errorOnExist: false, force: true, verbatimSymlinks: true });
  }
  symlinkSync(realpathSync("node_modules"), join(copy, "node_modules"));
  return copy;
}

/** A folder holding the stand-in `npm`, to put first on PATH. */
function npmInstallStandIn(): string {
  const realNpm = spawnSync("bash", ["-c", "command -v npm"], { encoding: "utf8" }).stdout.trim();
  const folder = mkdtempSync(join(tmpdir(), "modelgate-readme-bin-"));
  const script = ["#!/bin/sh", 'if [ "$#" -eq 1 ] && [ "$1" = "install" ]; then test -x node_modules/.bin/tsx; exit $?; fi', `exec "${realNpm}" "$@"`, ""].join("\n");
  writeFileSync(join(folder, "npm"), script);
  chmodSync(join(folder, "npm"), 0o755);
  return folder;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs a bash script in the copy; resolves with its exit code and output. */
function runBash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-euo", "pipefail", "-c", script], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("README quick start, verbatim", { timeout: 120_000 }, () => {
  let copy: string;
  let upstream: FakeUpstream;
  let server: ChildProcess | undefined;
  let serverOutput = "";
  let blocks: ReadmeBlock[];
  let port: number;
  let standIn: string;
  let adminPassword = "";
  let baseEnv: Record<string, string>;

  beforeAll(async () => {
    standIn = npmInstallStandIn();
    baseEnv = { PATH: `${standIn}:${process.env.PATH ?? ""}`, HOME: process.env.HOME ?? tmpdir() };
    copy = freshCopy();
    blocks = readmeBlocks(readFileSync(join(copy, "README.md"), "utf8"));
    upstream = await startFakeUpstream();
    port = await freePort();
  });
  afterAll(async () => {
    // The server runs in its own process group: stop npm and the node process it started.
    if (server?.pid && server.exitCode === null) process.kill(-server.pid, "SIGTERM");
    await upstream?.close();
    if (copy) rmSync(copy, { recursive: true, force: true });
    if (standIn) rmSync(standIn, { recursive: true, force: true });
  });

  it("opens with the headline block, then the commands after it", () => {
    expect(blocks.map((block) => block.kind)).toEqual(["headline", "run", "run", "run", "run", "run"]);
    const [start, tests, ...rest] = blocks[0]!.script.split("\n");
    expect(start).toMatch(/^npm install && npm start +# /);
    // The second line is the test suite itself, which this test is part of: not run from here.
    expect(tests).toMatch(/^npm test +# /);
    expect(rest).toEqual([]);
  });

  it("installs and starts the server with the headline's first line, which prints the admin password once", async () => {
    const startLine = blocks[0]!.script.split("\n")[0]!;
    // A model server on this machine (here the OpenAI stand-in) and the README's vLLM example on a
    // private address need the two switches the README documents.
    server = spawn("bash", ["-c", startLine], { cwd: copy, env: { ...baseEnv, PORT: String(port), ALLOW_LOOPBACK_UPSTREAMS: "true", ALLOW_PRIVATE_UPSTREAMS: "true" }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    server.stdout!.on("data", (chunk: Buffer) => (serverOutput += chunk.toString()));
    server.stderr!.on("data", (chunk: Buffer) => (serverOutput += chunk.toString()));
    const deadline = Date.now() + 60_000;
    let healthy = false;
    while (!healthy && Date.now() < deadline && server.exitCode === null) {
      healthy = await fetch(`http://127.0.0.1:${port}/health`).then((response) => response.ok, () => false);
      if (!healthy) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(healthy, serverOutput).toBe(true);
    await expect.poll(() => /created with password: (\S+)/.exec(serverOutput)?.[1] ?? "").toMatch(/^\S{12,}$/);
    adminPassword = /created with password: (\S+)/.exec(serverOutput)![1]!;
  });

  it("runs every command after it as written, and the model answers through the gateway", async () => {
    const script = blocks.filter((block) => block.kind === "run").map((block) => block.script).join("\n");
    const result = await runBash(script, copy, { ...baseEnv, PORT: String(port), MODELGATE_PASSWORD: adminPassword, OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: upstream.baseUrlFor("openai") });
    expect(result.code, `${result.stdout}\n${result.stderr}\n${serverOutput}`).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines).toContain(upstream.baseUrlFor("openai"));
    expect(lines).toContain("sk-…6789");
    // curl on /v1, the openai SDK, curl on the envelope: each answered by the stand-in's echo.
    expect(lines.filter((line) => line === "Echo: Hi")).toHaveLength(3);
    expect(upstream.requestsFor(OPENAI_KEY)).toHaveLength(3);
    expect(result.stdout).toMatch(/"status": "(ok|skipped)"/);
    expect(result.stdout).not.toContain(OPENAI_KEY);
    expect(result.stdout).not.toContain(adminPassword);
  });

  it("left the custom providers, their key and model as the provider examples describe", async () => {
    const gateway = `http://127.0.0.1:${port}`;
    const login = (await (await fetch(`${gateway}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: adminPassword }) })).json()) as { data: { token: string } };
    const admin = { authorization: `Bearer ${login.data.token}` };
    const providers = ((await (await fetch(`${gateway}/api/admin/ai-providers`, { headers: admin })).json()) as { data: { id: number; code: string; baseUrl: string }[] }).data;
    expect(providers.map((provider) => provider.code)).toEqual(expect.arrayContaining(["qwen", "ollama", "vllm", "openrouter"]));
    expect(providers.find((provider) => provider.id === 1)!.baseUrl).toBe("https://my-openai-proxy.example.com/v1");
    const ollama = providers.find((provider) => provider.code === "ollama")!;
    const keys = ((await (await fetch(`${gateway}/api/admin/ai-providers/${ollama.id}/keys`, { headers: admin })).json()) as { data: unknown[] }).data;
    expect(keys).toHaveLength(1);
    const models = ((await (await fetch(`${gateway}/api/admin/ai-models?providerId=${ollama.id}`, { headers: admin })).json()) as { data: { modelCode: string }[] }).data;
    expect(models.map((model) => model.modelCode)).toEqual(["qwen2.5:7b"]);
  });

  it("serves the API reference the quick start points to from the bundled server", async () => {
    const document = (await (await fetch(`http://127.0.0.1:${port}/openapi.json`)).json()) as { openapi: string; paths: object };
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toContain("/v1/chat/completions");
    expect((await fetch(`http://127.0.0.1:${port}/docs`)).status).toBe(200);
  });
});
