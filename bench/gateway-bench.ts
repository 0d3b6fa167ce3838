/**
 * `npm run bench`: the gateway's cost over calling the upstream directly.
 *
 * Three processes: a minimal OpenAI-format upstream (bench-upstream.ts), the gateway exactly as
 * `npm start` runs it (functions/local.ts on the embedded defaults: SQLite file, in-memory
 * limits, request logging on; a provider key with RPM/TPM limits and a client key with its own
 * RPM, all high enough never to deny, so admission runs on every request), and a load generator
 * (bench-load.ts). The same load generator measures "direct" (straight to the upstream) and
 * "gateway" (through it) in alternating rounds of the same run, so both see the same noise.
 *
 * CPU split: with two or more CPUs and `taskset`, the gateway is pinned to CPU 1 and the upstream
 * and the load generator share CPU 0, in both the direct and the gateway rounds: the client and
 * the upstream get the same CPU either way, and the gateway gets one core of its own, like a
 * deployed instance. `BENCH_PIN=0` lets the OS schedule all three freely instead.
 *
 * A reference row measures the floor of any Node.js proxy here: a bare `node:http` pass-through
 * (bench-proxy.ts) in the gateway's CPU slot, with no framework, SDK, auth, limits or logging.
 *
 * Settings: `BENCH_ROUNDS` (default 3), `BENCH_ROUND_MS` (per side and round, default 3000),
 * `BENCH_WARMUP_MS` (default 2000), `BENCH_PIN` (default 1), `BENCH_PROFILE=1` writes a
 * `--cpu-prof` profile of the gateway into <tmp>/modelgate-bench-profiles, `BENCH_STRICT=1` exits 1 when a
 * target is missed.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { LoadJob, LoadResult } from "./bench-load";
import { compare, renderScenarioTable, renderTargets, type ScenarioRuns, type TargetCheck } from "./gateway-bench-report";
import {
  canPin,
  configureGateway,
  residentMegabytes,
  startBareProxy,
  startGateway,
  startLoadGenerator,
  startUpstream,
  type BenchProcess,
} from "./gateway-bench-processes";

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const roundMs = Number(process.env.BENCH_ROUND_MS ?? 3000);
const warmupMs = Number(process.env.BENCH_WARMUP_MS ?? 2000);
const cpuCount = availableParallelism();
const pin = process.env.BENCH_PIN !== "0" && canPin(cpuCount);
const write = (line = "") => process.stdout.write(`${line}\n`);
const profileDir = join(tmpdir(), "modelgate-bench-profiles");

/** The scenarios, in the order they run and print. */
const scenarios: Array<Pick<ScenarioRuns, "name" | "concurrency" | "measure"> & { stream: boolean }> = [
  { name: "non-streaming, c=10", concurrency: 10, measure: "full", stream: false },
  { name: "non-streaming, c=50", concurrency: 50, measure: "full", stream: false },
  { name: "non-streaming, c=1", concurrency: 1, measure: "full", stream: false },
  { name: "streaming first byte, c=10", concurrency: 10, measure: "first-byte", stream: true },
  { name: "streaming first byte, c=1", concurrency: 1, measure: "first-byte", stream: true },
];

const requestBody = (stream: boolean) =>
  JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello, how are you today?" }], max_tokens: 64, ...(stream ? { stream: true } : {}) });

const dataDir = mkdtempSync(join(tmpdir(), "modelgate-bench-"));
const admin = { username: "benchadmin", password: randomBytes(12).toString("hex") };
const started: BenchProcess[] = [];
const stopAll = async () => {
  for (const child of started.reverse()) await child.stop().catch(() => undefined);
};
process.once("SIGINT", () => void stopAll().finally(() => process.exit(130)));

try {
  const upstream = await startUpstream(pin ? 0 : undefined);
  started.push(upstream.process);
  const gateway = await startGateway({
    dataDir,
    ...{ adminUsername: admin.username, adminPassword: admin.password },
    cpu: pin ? 1 : undefined,
    nodeFlags: process.env.BENCH_PROFILE === "1" ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
  });
  started.push(gateway.process);
  const setup = await configureGateway(gateway.origin, upstream.baseUrl, admin);
  const load = startLoadGenerator(pin ? 0 : undefined);
  started.push(load.process);

  const directJob = (scenario: (typeof scenarios)[number], durationMs: number): LoadJob => ({
    url: `${upstream.baseUrl}/chat/completions`,
    headers: { authorization: `Bearer ${setup.providerKey}` },
    body: requestBody(scenario.stream),
    concurrency: scenario.concurrency,
    durationMs,
    measure: scenario.measure,
  });
  const gatewayJob = (scenario: (typeof scenarios)[number], durationMs: number): LoadJob => ({
    ...directJob(scenario, durationMs),
    url: `${gateway.origin}/v1/chat/completions`,
    headers: { authorization: `Bearer ${setup.clientKey}` },
  });

  write(`modelgate gateway benchmark: node ${process.version}, ${cpuCount} CPUs`);
  write(
    pin
      ? "CPU split: gateway pinned to CPU 1; upstream and load generator pinned to CPU 0 (same CPU 0 for both sides)"
      : "CPU split: not pinned; the OS schedules gateway, upstream and load generator over all CPUs",
  );
  write(`rounds: ${rounds} × ${roundMs} ms per side after ${warmupMs} ms warm-up per side; direct and gateway alternate`);
  write("gateway: functions/local.ts, SQLite file + in-memory limits, request log on, key RPM/TPM and client RPM limits on");
  write();

  let gatewayRequests = 0;
  const runGateway = async (job: LoadJob) => {
    const result = await load.run(job);
    gatewayRequests += result.requests;
    return result;
  };
  // One full warm-up of the gateway's code paths (JIT, connections, SQLite pages) before measuring.
  await runGateway(gatewayJob(scenarios[0], warmupMs * 2));
  await runGateway(gatewayJob(scenarios[3], warmupMs));
  const rssBefore = residentMegabytes(gateway.process.child.pid);
  const requestsBefore = gatewayRequests;

  /** Warm-up, then rounds that alternate the sides, so a drift in machine load favours neither. */
  const measure = async (
    scenario: (typeof scenarios)[number],
    name: string,
    otherJob: (durationMs: number) => LoadJob,
    runOther: (job: LoadJob) => Promise<LoadResult>,
  ): Promise<ScenarioRuns> => {
    const runs: ScenarioRuns = { name, concurrency: scenario.concurrency, measure: scenario.measure, direct: [], gateway: [] };
    await runOther(otherJob(warmupMs));
    await load.run(directJob(scenario, warmupMs));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (["direct", "gateway"] as const) : (["gateway", "direct"] as const);
      for (const side of order) {
        const result = side === "direct" ? await load.run(directJob(scenario, roundMs)) : await runOther(otherJob(roundMs));
        if (result.firstError) write(`  ${name} ${side}: ${result.errors} errors, first: ${result.firstError}`);
        runs[side].push(result);
      }
    }
    return runs;
  };

  const summaries = [];
  for (const scenario of scenarios) {
    summaries.push(compare(await measure(scenario, scenario.name, (durationMs) => gatewayJob(scenario, durationMs), runGateway)));
  }
  const rssAfter = residentMegabytes(gateway.process.child.pid);

  // Stopping the gateway must flush every pending log row: count them in its SQLite file.
  await gateway.process.stop();
  const database = new Database(join(dataDir, "modelgate.sqlite"), { readonly: true });
  const logRows = Number((database.prepare("SELECT COUNT(*) AS count FROM t_ai_api_logs").get() as { count: number }).count);
  database.close();

  // The floor: a bare node:http pass-through proxy in the gateway's CPU slot (bench-proxy.ts).
  const proxy = await startBareProxy(upstream.baseUrl, pin ? 1 : undefined);
  started.push(proxy.process);
  const floor = compare(
    await measure(scenarios[0], "reference: bare node:http proxy, c=10", (durationMs) => ({ ...directJob(scenarios[0], durationMs), url: `${proxy.baseUrl}/chat/completions` }), (job) => load.run(job)),
  );

  write(renderScenarioTable([...summaries, floor]));
  write();
  const [c10, c50, , streaming10, streaming1] = summaries;
  const checks: TargetCheck[] = [
    { name: "throughput ratio at c=10 >= 40 %", measured: `${(c10.ratio * 100).toFixed(1)} %`, passed: c10.ratio >= 0.4 },
    { name: "throughput ratio at c=50 >= 40 %", measured: `${(c50.ratio * 100).toFixed(1)} %`, passed: c50.ratio >= 0.4 },
    { name: "added p50 at c=10 <= 1 ms", measured: `${c10.addedP50.toFixed(2)} ms`, passed: c10.addedP50 <= 1 },
    { name: "added first byte p50 at c=1 <= 2 ms", measured: `${streaming1.addedP50.toFixed(2)} ms`, passed: streaming1.addedP50 <= 2 },
    { name: "added first byte p50 at c=10 <= 2 ms", measured: `${streaming10.addedP50.toFixed(2)} ms`, passed: streaming10.addedP50 <= 2 },
  ];
  write(renderTargets(checks));
  write();
  write(`gateway RSS: ${rssBefore.toFixed(1)} MiB after warm-up, ${rssAfter.toFixed(1)} MiB after ${(gatewayRequests - requestsBefore).toLocaleString("en-US")} more requests`);
  write(`log rows in SQLite after shutdown: ${logRows.toLocaleString("en-US")} for ${gatewayRequests.toLocaleString("en-US")} successful gateway requests (warm-ups included)`);
  const errors = summaries.reduce((sum, summary) => sum + summary.direct.errors + summary.gateway.errors, 0);
  if (process.env.BENCH_PROFILE === "1") write(`gateway CPU profile written to ${profileDir}`);
  if (errors > 0 || logRows < gatewayRequests) process.exitCode = 1;
  if (process.env.BENCH_STRICT === "1" && checks.some((check) => !check.passed)) process.exitCode = 1;
} finally {
  await stopAll();
  rmSync(dataDir, { recursive: true, force: true });
}
