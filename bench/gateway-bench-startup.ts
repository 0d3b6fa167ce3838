/**
 * Start-up time: from spawning a command to the first 200 on `GET /health`, each run in a fresh
 * data directory (so the first start's work, migrations, seeding and the bootstrap admin, is in
 * every run), polled every few milliseconds. The command runs in its own process group, which is
 * ended after each run.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { get } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

/** One command to time. */
export interface StartupCommand {
  name: string;
  command: string;
  args: string[];
  cwd: string;
}

const POLL_INTERVAL_MS = 5;
const STARTUP_TIMEOUT_MS = 30_000;

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function healthStatus(port: number): Promise<number> {
  return new Promise((resolve) => {
    const request = get({ host: "127.0.0.1", port, path: "/health", agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on("error", () => resolve(0));
  });
}

/** Milliseconds from spawn to the first 200 on /health, one run. */
async function timeOneStart(command: StartupCommand, admin: { username: string; password: string }): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), "modelgate-bench-start-"));
  const port = await freePort();
  const environment: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    ADMIN_USERNAME: admin.username,
    ADMIN_PASSWORD: admin.password,
  };
  const started = performance.now();
  const child = spawn(command.command, command.args, { cwd: command.cwd, env: environment, stdio: "ignore", detached: true });
  const exited = once(child, "exit");
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command.name} exited with ${child.exitCode} before answering /health`);
      if ((await healthStatus(port)) === 200) return performance.now() - started;
      if (performance.now() - started > STARTUP_TIMEOUT_MS) throw new Error(`${command.name} did not answer /health within ${STARTUP_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  } finally {
    if (child.exitCode === null && child.pid !== undefined) {
      // The whole group: `npm start` runs the server as a grandchild.
      process.kill(-child.pid, "SIGTERM");
      const timer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, "SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Times each command `runs` times, alternating the commands; returns the milliseconds per command. */
export async function timeStartups(commands: StartupCommand[], runs: number, admin: { username: string; password: string }): Promise<Map<string, number[]>> {
  const times = new Map(commands.map((command) => [command.name, [] as number[]]));
  for (let run = 0; run < runs; run++) {
    for (const command of commands) times.get(command.name)!.push(await timeOneStart(command, admin));
  }
  return times;
}
