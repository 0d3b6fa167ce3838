/**
 * `npx tsx bench/profile-pass-through.ts [seconds] [model] [path]`: one gateway (as `npm start`
 * runs it) under `--cpu-prof` and a chat load (c=10, non-streaming) for a few seconds, then where
 * its CPU went and its CPU per request. For finding costs between two runs of `npm run bench`.
 * `PACED=1`: 200 concurrent paced streams instead (the long-stream scenario); `RATE=n`: n requests
 * per second instead of as many as c=10 allows; `PROFILE=0`: no profiler, CPU per request only;
 * `TOP=n`: lines per ranking. The profiler's sampling thread runs on the load's core, not the
 * gateway's: beside the main thread it got to sample mostly while that thread slept, which
 * under-counted busy stretches whenever the gateway was not saturated (paced or fixed-rate load).
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PACED_CHUNKS, PACED_FIELD, PACED_INTERVAL_MS, PACED_MARKER } from "./bench-stream-shape";
import { cpuMicroseconds } from "./gateway-bench-cpu";
import { configureGateway, startGateway, startLoadGenerator, startUpstream, type BenchProcess } from "./gateway-bench-processes";
import { summarizeProfile } from "./gateway-bench-profile";
import { renderShares } from "./gateway-bench-report";

/** Pins V8's CPU-profiler thread of process `pid` (named `v8:ProfEvntProc`) to `cpu`. */
function moveSamplerOffCore(pid: number, cpu: number): void {
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const name = readFileSync(`/proc/${pid}/task/${task}/comm`, "utf8").trim();
    if (name.startsWith("v8:Prof")) execFileSync("taskset", ["-pc", String(cpu), task], { stdio: "ignore" });
  }
}

const seconds = Number(process.argv[2] ?? 6);
const model = process.argv[3] ?? "gpt-4o-mini";
const path = process.argv[4] ?? "/v1/chat/completions";
const paced = process.env.PACED === "1";
const profileDir = mkdtempSync(join(tmpdir(), "modelgate-profile-"));
const dataDir = mkdtempSync(join(tmpdir(), "modelgate-profile-data-"));
const admin = { username: "benchadmin", password: randomBytes(12).toString("hex") };
const started: BenchProcess[] = [];
try {
  const upstream = await startUpstream(0);
  started.push(upstream.process);
  const flags = process.env.PROFILE === "0" ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`];
  const gateway = await startGateway({ dataDir, adminUsername: admin.username, adminPassword: admin.password, cpu: 1, nodeFlags: flags });
  started.push(gateway.process);
  if (flags.length > 0) moveSamplerOffCore(gateway.process.child.pid!, 0);
  const setup = await configureGateway(gateway.origin, upstream.baseUrl, admin);
  const load = startLoadGenerator(0);
  started.push(load.process);
  const body = path.endsWith("/responses") ? JSON.stringify({ model, input: "Hello, how are you today?", max_output_tokens: 64, store: false })
    : path.endsWith("/messages") ? JSON.stringify({ model, max_tokens: 64, messages: [{ role: "user", content: "Hello, how are you today?" }] })
    : JSON.stringify({ model, messages: [{ role: "user", content: "Hello, how are you today?" }], max_tokens: 64, ...(paced ? { stream: true, [PACED_FIELD]: true } : {}) });
  const job = (durationMs: number) => ({
    url: `${gateway.origin}${path}`,
    headers: { authorization: `Bearer ${setup.clientKey}`, "anthropic-version": "2023-06-01" },
    body,
    concurrency: paced ? 200 : 10,
    durationMs,
    measure: "full" as const,
    ...(process.env.RATE ? { ratePerSecond: Number(process.env.RATE) } : {}),
    ...(paced ? { chunkMarker: PACED_MARKER, expectedChunks: PACED_CHUNKS, rampMs: PACED_CHUNKS * PACED_INTERVAL_MS } : {}),
  });
  await load.run(job(3000));
  const before = cpuMicroseconds(gateway.process.child.pid);
  const from = Number(process.hrtime.bigint() / 1000n);
  const result = await load.run(job(seconds * 1000));
  const to = Number(process.hrtime.bigint() / 1000n);
  const cpu = cpuMicroseconds(gateway.process.child.pid) - before;
  process.stdout.write(`${result.requests} requests, ${result.errors} errors ${result.firstError ?? ""}, ${(cpu / result.requests).toFixed(0)} µs CPU per request\n`);
  await gateway.process.stop();
  if (flags.length > 0) {
    const file = join(profileDir, readdirSync(profileDir).find((name) => name.endsWith(".cpuprofile"))!);
    const summary = summarizeProfile(file, Number(process.env.TOP ?? 30), { fromMicroseconds: from, toMicroseconds: to });
    process.stdout.write(`${summary.busyMilliseconds.toFixed(0)} ms busy in the window; ${file}\n`);
    process.stdout.write(`${renderShares("self", summary.selfTop)}\n\n${renderShares("inclusive", summary.inclusiveTop)}\n`);
  }
} finally {
  for (const child of started.reverse()) await child.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
}
