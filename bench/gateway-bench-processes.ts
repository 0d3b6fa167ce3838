/**
 * The processes of the gateway benchmark and how they are wired: the minimal upstream, the
 * gateway as `npm start` runs it (scripts/start.mjs and its bundle of `functions/local.ts`, on
 * the embedded defaults: an SQLite file and in-memory limits in a fresh data directory), the
 * previous release as its own `npm start` ran it (tsx), the floors (a bare `node:http` proxy,
 * Hono answering a fixed body) and the load generator. Each may be pinned to a CPU with
 * `taskset` so the split of the machine is known; the admin API configures the gateways the way
 * an operator would.
 */
import { spawn, fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import type { LoadJob, LoadResult } from "./bench-load";
import { adminCall } from "../test/support/admin-http-client";
import { npmStartNodeArguments } from "../test/support/npm-start";

/** The checkout the benchmark runs from (ends with a slash). */
export const projectRoot = new URL("..", import.meta.url).pathname;

/** A child process the benchmark started, and how to stop it. */
export interface BenchProcess {
  child: ChildProcess;
  /** Lines it printed last (for diagnostics when it fails). */
  recentOutput: string[];
  /** Calls `listener` with every later stdout line until the returned function is called. */
  onLine(listener: (line: string) => void): () => void;
  stop(): Promise<void>;
}

/** `taskset -c <cpu>` in front of a command when pinning is on and taskset exists. */
function pinned(cpu: number | undefined, command: string, args: string[]): [string, string[]] {
  if (cpu === undefined) return [command, args];
  return ["taskset", ["-c", String(cpu), command, ...args]];
}

/** True when CPUs can be pinned here (Linux with taskset and at least two CPUs). */
export function canPin(cpuCount: number): boolean {
  return cpuCount >= 2 && ["/usr/bin/taskset", "/bin/taskset"].some((path) => existsSync(path));
}

function track(child: ChildProcess): BenchProcess {
  const recentOutput: string[] = [];
  const listeners = new Set<(line: string) => void>();
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    // Always read: a child blocked on a full pipe would stall the benchmark.
    createInterface({ input: stream }).on("line", (line) => {
      recentOutput.push(line);
      if (recentOutput.length > 50) recentOutput.shift();
      if (stream === child.stdout) for (const listener of listeners) listener(line);
    });
  }
  return {
    child,
    recentOutput,
    onLine(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves with the first stdout line that `matches` returns a value for. */
function firstLine<T>(process: BenchProcess, matches: (line: string) => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs} ms:\n${process.recentOutput.join("\n")}`)), timeoutMs);
    process.child.once("exit", (code) => reject(new Error(`${what} exited with ${code}:\n${process.recentOutput.join("\n")}`)));
    const unsubscribe = process.onLine((line) => {
      const value = matches(line);
      if (value === undefined) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    });
  });
}

/** Starts the minimal upstream; resolves with its process and base URL (`…/v1`). */
export async function startUpstream(cpu?: number): Promise<{ process: BenchProcess; baseUrl: string }> {
  const [command, args] = pinned(cpu, process.execPath, ["--import", "tsx", "bench/bench-upstream.ts"]);
  const upstream = track(spawn(command, args, { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] }));
  const port = await firstLine(upstream, (line) => (line.startsWith("{") ? (JSON.parse(line) as { port: number }).port : undefined), "upstream");
  return { process: upstream, baseUrl: `http://127.0.0.1:${port}/v1` };
}

/** Starts Hono answering a fixed body (bench-hono.ts); resolves with its `/v1` base URL. */
export async function startHonoFloor(cpu?: number): Promise<{ process: BenchProcess; baseUrl: string }> {
  const [command, args] = pinned(cpu, process.execPath, ["--import", "tsx", "bench/bench-hono.ts"]);
  const hono = track(spawn(command, args, { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] }));
  const port = await firstLine(hono, (line) => (line.startsWith("{") ? (JSON.parse(line) as { port: number }).port : undefined), "hono floor");
  return { process: hono, baseUrl: `http://127.0.0.1:${port}/v1` };
}

/** Starts the bare pass-through proxy (bench-proxy.ts) in front of the upstream; resolves with its `/v1` base URL. */
export async function startBareProxy(upstreamBaseUrl: string, cpu?: number): Promise<{ process: BenchProcess; baseUrl: string }> {
  const [command, args] = pinned(cpu, process.execPath, ["--import", "tsx", "bench/bench-proxy.ts", upstreamBaseUrl]);
  const proxy = track(spawn(command, args, { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] }));
  const port = await firstLine(proxy, (line) => (line.startsWith("{") ? (JSON.parse(line) as { port: number }).port : undefined), "bare proxy");
  return { process: proxy, baseUrl: `http://127.0.0.1:${port}/v1` };
}

/**
 * Starts the Hono pass-through floor (bench-hono-pass-through.ts) in front of the upstream,
 * accepting `clientKey` and sending `providerKey`; resolves with its `/v1` base URL.
 */
export async function startHonoPassThrough(upstreamBaseUrl: string, keys: { clientKey: string; providerKey: string }, cpu?: number): Promise<{ process: BenchProcess; baseUrl: string }> {
  const [command, args] = pinned(cpu, process.execPath, ["--import", "tsx", "bench/bench-hono-pass-through.ts", upstreamBaseUrl]);
  const environment = { ...process.env, BENCH_CLIENT_KEY: keys.clientKey, BENCH_PROVIDER_KEY: keys.providerKey };
  const floor = track(spawn(command, args, { cwd: projectRoot, env: environment, stdio: ["ignore", "pipe", "pipe"] }));
  const port = await firstLine(floor, (line) => (line.startsWith("{") ? (JSON.parse(line) as { port: number }).port : undefined), "hono pass-through");
  return { process: floor, baseUrl: `http://127.0.0.1:${port}/v1` };
}

/** Settings of {@link startGateway}. */
export interface GatewayProcessOptions {
  dataDir: string;
  adminUsername: string;
  adminPassword: string;
  cpu?: number;
  /** Extra `node` flags (e.g. `--cpu-prof`). */
  nodeFlags?: string[];
  /**
   * The checkout to run and how its `npm start` ran: "bundle" (scripts/start.mjs) or "tsx"
   * (`functions/local.ts` compiled on the fly, the previous release).
   * @default the current project, "bundle"
   */
  release?: { root: string; start: "bundle" | "tsx" };
}

/**
 * The `node` arguments of a release's `npm start`: for a bundle, those of the `start` script in
 * its package.json, so the benchmark runs exactly what `npm start` runs there; the previous
 * release compiled with tsx instead.
 */
export function startArguments(start: "bundle" | "tsx", root = projectRoot): string[] {
  return start === "tsx" ? ["--import", "tsx", "functions/local.ts"] : npmStartNodeArguments(root);
}

/** Starts a gateway on a free port the way its `npm start` does; resolves with its process and origin. */
export async function startGateway(options: GatewayProcessOptions): Promise<{ process: BenchProcess; origin: string }> {
  const release = options.release ?? { root: projectRoot, start: "bundle" as const };
  const nodeArgs = [...(options.nodeFlags ?? []), ...startArguments(release.start, release.root)];
  const [command, args] = pinned(options.cpu, process.execPath, nodeArgs);
  const environment: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: options.dataDir,
    ADMIN_USERNAME: options.adminUsername,
    ADMIN_PASSWORD: options.adminPassword,
    // The benchmark's upstreams listen on 127.0.0.1.
    ALLOW_LOOPBACK_UPSTREAMS: "true",
  };
  const gateway = track(spawn(command, args, { cwd: release.root, env: environment, stdio: ["ignore", "pipe", "pipe"] }));
  const origin = await firstLine(
    gateway,
    (line) => {
      if (!line.includes("modelgate listening")) return undefined;
      return (JSON.parse(line) as { url: string }).url;
    },
    "gateway",
  );
  return { process: gateway, origin };
}

/** What {@link configureGateway} created. */
export interface BenchGatewaySetup {
  /** The client key the load generator authenticates with. */
  clientKey: string;
  /** The provider key the gateway sends upstream. */
  providerKey: string;
}

/**
 * Through the admin API: points the seeded providers (1 OpenAI, 2 Anthropic, 3 DeepSeek) at the
 * upstream, each at the base URL its format expects, adds one key to each with RPM and TPM limits
 * high enough never to deny (so admission runs on every request), and creates a client key with
 * its own RPM limit. The previous release's admin API has the same shapes.
 */
export async function configureGateway(origin: string, upstreamBaseUrl: string, admin: { username: string; password: string }): Promise<BenchGatewaySetup> {
  const { token } = (await adminCall(origin, null, "POST", "/api/auth/login", admin)) as { token: string };
  const upstreamOrigin = new URL(upstreamBaseUrl).origin;
  const providerKey = "sk-bench-primary-000000000001";
  const baseUrls: Record<number, string> = { 1: upstreamBaseUrl, 2: upstreamOrigin, 3: upstreamOrigin };
  for (const [providerId, baseUrl] of Object.entries(baseUrls)) {
    await adminCall(origin, token, "PUT", `/api/admin/ai-providers/${providerId}`, { baseUrl, timeout: 30_000 });
    await adminCall(origin, token, "POST", `/api/admin/ai-providers/${providerId}/keys`, {
      keyName: "bench",
      apiKey: providerKey,
      priority: 10,
      rateLimitRpm: 100_000_000,
      rateLimitTpm: 1_000_000_000,
    });
  }
  const client = (await adminCall(origin, token, "POST", "/api/admin/clients", { name: "bench", rateLimitRpm: 1_000_000 })) as { apiKey: string };
  return { clientKey: client.apiKey, providerKey };
}

/** Resident set size of a process in MiB, from /proc (Linux); NaN elsewhere. */
export function residentMegabytes(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** The load generator process: runs one {@link LoadJob} at a time. */
export interface LoadGenerator {
  process: BenchProcess;
  run(job: LoadJob): Promise<LoadResult>;
}

/** Forks bench-load.ts (pinned when `cpu` is given). */
export function startLoadGenerator(cpu?: number): LoadGenerator {
  const child = fork(`${projectRoot}bench/bench-load.ts`, [], {
    cwd: projectRoot,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  // fork() cannot prefix a command, so the child is pinned after it started.
  if (cpu !== undefined && child.pid !== undefined) spawn("taskset", ["-pc", String(cpu), String(child.pid)], { stdio: "ignore" });
  const loadProcess = track(child);
  return {
    process: loadProcess,
    run(job) {
      return new Promise<LoadResult>((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`load generator exited with ${code}:\n${loadProcess.recentOutput.join("\n")}`));
        child.once("exit", onExit);
        child.once("message", (message: LoadResult | { failed: string }) => {
          child.off("exit", onExit);
          if ("failed" in message) reject(new Error(`load generator: ${message.failed}`));
          else resolve(message);
        });
        child.send(job);
      });
    },
  };
}
