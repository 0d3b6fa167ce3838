/**
 * The README's quick start, run as written on a fresh copy of the repository (the files git
 * tracks, nothing built, no data): the server block as its own process, then every run block in
 * one bash shell, against a local stand-in for OpenAI that the README's own OPENAI_BASE_URL
 * setting points the provider at. The one step not run as written is `npm install`, which
 * needs the network: the copy links this checkout's node_modules instead.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from "node:fs";
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
  const baseEnv = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir() };

  beforeAll(async () => {
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
  });

  it("marks an install block, a server block and the commands after them", () => {
    expect(blocks.map((block) => block.kind)).toEqual(["install", "server", "run", "run", "run", "run"]);
    // The one block the test does not run: it must stay the plain install.
    expect(blocks[0]!.script).toBe("npm install");
  });

  it("starts the server with the server block", async () => {
    const serverBlock = blocks.find((block) => block.kind === "server")!;
    // A model server on this machine (here the OpenAI stand-in) needs the loopback switch the README documents.
    server = spawn("bash", ["-c", serverBlock.script], { cwd: copy, env: { ...baseEnv, PORT: String(port), ALLOW_LOOPBACK_UPSTREAMS: "true" }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    server.stdout!.on("data", (chunk: Buffer) => (serverOutput += chunk.toString()));
    server.stderr!.on("data", (chunk: Buffer) => (serverOutput += chunk.toString()));
    const deadline = Date.now() + 60_000;
    let healthy = false;
    while (!healthy && Date.now() < deadline && server.exitCode === null) {
      healthy = await fetch(`http://127.0.0.1:${port}/health`).then((response) => response.ok, () => false);
      if (!healthy) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(healthy, serverOutput).toBe(true);
  });

  it("runs every command after it as written, and the model answers through the gateway", async () => {
    const script = blocks.filter((block) => block.kind === "run").map((block) => block.script).join("\n");
    const result = await runBash(script, copy, { ...baseEnv, PORT: String(port), OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: upstream.baseUrlFor("openai") });
    expect(result.code, `${result.stdout}\n${result.stderr}\n${serverOutput}`).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines).toContain(upstream.baseUrlFor("openai"));
    expect(lines).toContain("sk-…6789");
    // curl on /v1, the openai SDK, curl on the envelope: each answered by the stand-in's echo.
    expect(lines.filter((line) => line === "Echo: Hi")).toHaveLength(3);
    expect(upstream.requestsFor(OPENAI_KEY)).toHaveLength(3);
    expect(result.stdout).toMatch(/"status": "(ok|skipped)"/);
    expect(result.stdout).not.toContain(OPENAI_KEY);
  });
});
