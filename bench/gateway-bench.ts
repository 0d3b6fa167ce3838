/**
 * `npm run bench`: what the gateway costs, as ratios to baselines measured side by side in the
 * same run (the machine is shared and noisy, so only same-run ratios mean anything).
 *
 * Processes: a minimal upstream that speaks every provider format (bench-upstream.ts), the
 * gateway exactly as `npm start` runs it (scripts/start.mjs → its bundle, on the embedded
 * defaults: SQLite file, in-memory limits, request logging on; a key on each seeded provider with
 * RPM/TPM limits and a client key with its own RPM, all high enough never to deny, so admission
 * runs on every request), the previous release ("before", a git worktree of PREVIOUS_RELEASE
 * started as its own `npm start` did, with tsx) configured the same way, three floors (a bare
 * `node:http` proxy, a Hono pass-through with the least bookkeeping (bench-hono-pass-through.ts)
 * and Hono answering a fixed body) and a load generator (bench-load.ts).
 *
 * CPU split: with two or more CPUs and `taskset`, every measured process (the gateways and the
 * floors) is pinned to CPU 1 and the upstream and the load generator share CPU 0. The measured
 * figure is CPU time per request: utime + stime of the measured process (all its threads) read
 * from /proc around each round, divided by the requests it completed. Sides rotate their order
 * from round to round. `BENCH_PIN=0` lets the OS schedule everything freely instead.
 *
 * Scenarios: chat non-streaming (c=10, then every side at one rate, half the slowest side's)
 * and streamed (c=10); long-lived streams (c=200, 50 content chunks 20 ms apart, starts spread
 * over a second); the translated paths against the previous release's chat → Anthropic path;
 * `npm start` to the first 200 on /health.
 *
 * Settings: `BENCH_ROUNDS` (default 3), `BENCH_ROUND_MS` (per side and round, default 3000),
 * `BENCH_WARMUP_MS` (default 1500), `BENCH_LONG_ROUND_MS` (long streams, default 4000),
 * `BENCH_LEAD_IN_MS` / `BENCH_LONG_LEAD_IN_MS` (unmeasured load before each run, default 500 / 2500),
 * `BENCH_STARTS` (start-up runs, default 5), `BENCH_PIN` (default 1), `BENCH_PROFILE=1` adds a
 * `--cpu-prof` run of the gateway under the pass-through load and prints where its CPU goes,
 * `BENCH_STRICT=1` exits 1 when a target is missed.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { agentTurnBody } from "./bench-agent-body";
import { PACED_CHUNKS, PACED_FIELD, PACED_INTERVAL_MS, PACED_MARKER } from "./bench-stream-shape";
import { median } from "./bench-support";
import { TICK_MICROSECONDS } from "./gateway-bench-cpu";
import { checkOutRelease, PREVIOUS_RELEASE, type ReleaseCheckout } from "./gateway-bench-previous";
import {
  canPin,
  configureGateway,
  projectRoot,
  residentMegabytes,
  startArguments,
  startBareProxy,
  startGateway,
  startHonoFloor,
  startHonoPassThrough,
  startLoadGenerator,
  startUpstream,
  type BenchGatewaySetup,
  type BenchProcess,
} from "./gateway-bench-processes";
import { summarizeProfile } from "./gateway-bench-profile";
import { renderShares, renderSideTable, renderStartupTable, renderTargets, type SideSummary, type TargetCheck } from "./gateway-bench-report";
import { measureSides, type Side } from "./gateway-bench-sides";
import { timeStartups } from "./gateway-bench-startup";

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const roundMs = Number(process.env.BENCH_ROUND_MS ?? 3000);
const warmupMs = Number(process.env.BENCH_WARMUP_MS ?? 1500);
const longRoundMs = Number(process.env.BENCH_LONG_ROUND_MS ?? 4000);
// Before each measured run, load the side unmeasured for a moment: between its rounds a side sits
// idle while the others run, longer than the gateway's idle timeouts (its server closes client
// connections after 5 s, its upstream pool drops sockets after 4 s; the proxy keeps both for a
// minute), so a gateway round would begin by opening its connections again.
const leadInMs = Number(process.env.BENCH_LEAD_IN_MS ?? 500);
const longLeadInMs = Number(process.env.BENCH_LONG_LEAD_IN_MS ?? 2500);
const startRuns = Number(process.env.BENCH_STARTS ?? 5);
const cpuCount = availableParallelism();
const pin = process.env.BENCH_PIN !== "0" && canPin(cpuCount);
const measuredCpu = pin ? 1 : undefined;
const clientCpu = pin ? 0 : undefined;
const write = (line = "") => process.stdout.write(`${line}\n`);
const profileDir = join(tmpdir(), "modelgate-bench-profiles");
const prompt = "Hello, how are you today?";

const chatBody = (model: string, extra: Record<string, unknown> = {}) => JSON.stringify({ model, messages: [{ role: "user", content: prompt }], max_tokens: 64, ...extra });
const messagesBody = (model: string) => JSON.stringify({ model, max_tokens: 64, messages: [{ role: "user", content: prompt }] });
const responsesBody = (model: string) => JSON.stringify({ model, input: prompt, max_output_tokens: 64, store: false });

const temporaryDirs: string[] = [];
const newDataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "modelgate-bench-"));
  temporaryDirs.push(dir);
  return dir;
};
const admin = { username: "benchadmin", password: randomBytes(12).toString("hex") };
const started: BenchProcess[] = [];
let previous: ReleaseCheckout | undefined;
const cleanUp = async () => {
  for (const child of started.reverse()) await child.stop().catch(() => undefined);
  previous?.remove();
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
};
process.once("SIGINT", () => void cleanUp().finally(() => process.exit(130)));

/** True when the gateway answers a door (anything but 404 for an unknown route). */
async function hasDoor(origin: string, path: string, headers: Record<string, string>, body: string): Promise<boolean> {
  const response = await fetch(`${origin}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  await response.arrayBuffer();
  return response.status !== 404;
}

try {
  const upstream = await startUpstream(clientCpu);
  started.push(upstream.process);
  const upstreamPid = upstream.process.child.pid;
  const gatewayDataDir = newDataDir();
  const gateway = await startGateway({ dataDir: gatewayDataDir, adminUsername: admin.username, adminPassword: admin.password, cpu: measuredCpu });
  started.push(gateway.process);
  const setup = await configureGateway(gateway.origin, upstream.baseUrl, admin);

  let before: { origin: string; pid: number | undefined; setup: BenchGatewaySetup } | undefined;
  let beforeNote = "";
  try {
    previous = checkOutRelease(projectRoot, PREVIOUS_RELEASE);
    const old = await startGateway({ dataDir: newDataDir(), adminUsername: admin.username, adminPassword: admin.password, cpu: measuredCpu, release: { root: previous.root, start: "tsx" } });
    started.push(old.process);
    before = { origin: old.origin, pid: old.process.child.pid, setup: await configureGateway(old.origin, upstream.baseUrl, admin) };
  } catch (error) {
    beforeNote = `previous release ${PREVIOUS_RELEASE} not measured: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
  }
  const proxy = await startBareProxy(upstream.baseUrl, measuredCpu);
  started.push(proxy.process);
  const hono = await startHonoFloor(measuredCpu);
  started.push(hono.process);
  const honoPassThrough = await startHonoPassThrough(upstream.baseUrl, setup, measuredCpu);
  started.push(honoPassThrough.process);
  const load = startLoadGenerator(clientCpu);
  started.push(load.process);

  const clientHeaders = { authorization: `Bearer ${setup.clientKey}` };
  const messagesHeaders = { "x-api-key": setup.clientKey, "anthropic-version": "2023-06-01" };
  const doors = {
    messages: await hasDoor(gateway.origin, "/v1/messages", messagesHeaders, messagesBody("gpt-4o-mini")),
    responses: await hasDoor(gateway.origin, "/v1/responses", clientHeaders, responsesBody("deepseek-chat")),
  };

  write(`modelgate gateway benchmark: node ${process.version}, ${cpuCount} CPUs (${cpus()[0]?.model.trim() ?? "unknown"}), ${new Date().toISOString().slice(0, 10)}`);
  write(
    pin
      ? "CPU split: measured processes (gateways, floors) pinned to CPU 1; upstream and load generator pinned to CPU 0"
      : "CPU split: not pinned; the OS schedules every process over all CPUs",
  );
  write(`rounds: ${rounds} × ${roundMs} ms per side (long streams ${longRoundMs} ms) after ${warmupMs} ms warm-up per side; sides change their order every round; each measured run follows ${leadInMs} ms (long streams ${longLeadInMs} ms) of unmeasured load on the same side`);
  write(`CPU: utime+stime from /proc/<pid>/stat around each round (resolution ${TICK_MICROSECONDS} µs per tick), divided by completed requests`);
  write(`gateway: ${startArguments("bundle").join(" ")} (SQLite file, in-memory limits, request log on, key RPM/TPM and client RPM limits on)`);
  write(before ? `before: previous release ${previous!.commit} in a git worktree, ${startArguments("tsx").join(" ")}, configured the same way` : beforeNote);
  write();

  let gatewayRequests = 0;
  const settings = {
    load,
    upstreamPid,
    rounds,
    roundMs,
    warmupMs,
    leadInMs,
    onRun: (side: Side, round: { result: { requests: number } }) => {
      if (side.pid === gateway.process.child.pid) gatewayRequests += round.result.requests;
    },
    onErrors: (side: Side, errors: number, firstError: string) => write(`  ${side.name}: ${errors} errors, first: ${firstError}`),
  };
  const job = (url: string, headers: Record<string, string>, body: string, concurrency: number, measure: "full" | "first-byte" = "full") => (durationMs: number) => ({ url, headers, body, concurrency, durationMs, measure });
  const chatSides = (body: string, concurrency: number, measure: "full" | "first-byte", floors: boolean): Side[] => [
    { name: "direct", job: job(`${upstream.baseUrl}/chat/completions`, { authorization: `Bearer ${setup.providerKey}` }, body, concurrency, measure) },
    ...(before ? [{ name: "before (previous release)", pid: before.pid, job: job(`${before.origin}/v1/chat/completions`, { authorization: `Bearer ${before.setup.clientKey}` }, body, concurrency, measure) }] : []),
    { name: "gateway, pass-through", pid: gateway.process.child.pid, job: job(`${gateway.origin}/v1/chat/completions`, clientHeaders, body, concurrency, measure) },
    { name: "bare node:http proxy", pid: proxy.process.child.pid, job: job(`${proxy.baseUrl}/chat/completions`, { authorization: `Bearer ${setup.providerKey}` }, body, concurrency, measure) },
    ...(floors
      ? [
          { name: "Hono pass-through floor", pid: honoPassThrough.process.child.pid, job: job(`${honoPassThrough.baseUrl}/chat/completions`, clientHeaders, body, concurrency, measure) },
          { name: "Hono answering a fixed body", pid: hono.process.child.pid, job: job(`${hono.baseUrl}/chat/completions`, {}, body, concurrency, measure) },
        ]
      : []),
  ];

  // One warm-up of the gateway's code paths (JIT, connections, SQLite pages) before measuring.
  await load.run(job(`${gateway.origin}/v1/chat/completions`, clientHeaders, chatBody("gpt-4o-mini"), 10)(warmupMs * 2));
  const rssBefore = residentMegabytes(gateway.process.child.pid);

  const nonStreamingSides = chatSides(chatBody("gpt-4o-mini"), 10, "full", true);
  const nonStreaming = await measureSides(nonStreamingSides, settings);
  write("chat, non-streaming, c=10 (× baseline: CPU per request over the bare proxy's)");
  write(renderSideTable(nonStreaming, { baseline: "bare node:http proxy", latencyLabel: "latency" }));
  write();

  // At c=10 every side runs as fast as it can, and a faster side's CPU per request shrinks: with
  // the load generator and upstream always busy its writes wake no sleeping peer, each of its own
  // wake-ups serves several requests, and its code stays in the caches. One rate for every side
  // (half the slowest measured side's) compares CPU per request at the same load.
  const slowestRate = Math.min(...nonStreaming.filter((entry) => entry.name !== "direct").map((entry) => entry.requestsPerSecond));
  const sameRate = Math.max(100, Math.round(slowestRate / 2 / 100) * 100);
  const sameRateSides = nonStreamingSides.map((entry) => ({ ...entry, job: (durationMs: number) => ({ ...entry.job(durationMs), ratePerSecond: sameRate }) }));
  const nonStreamingSameRate = await measureSides(sameRateSides, settings);
  write(`chat, non-streaming, every side at ${sameRate} requests/s (half the slowest side's rate above), up to 10 connections`);
  write(renderSideTable(nonStreamingSameRate, { baseline: "bare node:http proxy", latencyLabel: "latency" }));
  write();

  const streamed = await measureSides(chatSides(chatBody("gpt-4o-mini", { stream: true }), 10, "first-byte", false), settings);
  write("chat, streamed (5 content chunks at once), c=10, latency to the first byte");
  write(renderSideTable(streamed, { baseline: "bare node:http proxy", latencyLabel: "first byte" }));
  write();

  const pacedBody = chatBody("gpt-4o-mini", { stream: true, [PACED_FIELD]: true });
  const longSides = chatSides(pacedBody, 200, "full", false).map((side) => ({
    ...side,
    job: (durationMs: number) => ({ ...side.job(durationMs), chunkMarker: PACED_MARKER, expectedChunks: PACED_CHUNKS, rampMs: PACED_CHUNKS * PACED_INTERVAL_MS }),
  }));
  const longStreams = await measureSides(longSides, { ...settings, roundMs: longRoundMs, leadInMs: longLeadInMs });
  write(`long-lived streams: c=200, ${PACED_CHUNKS} content chunks ${PACED_INTERVAL_MS} ms apart each, starts spread over ${PACED_CHUNKS * PACED_INTERVAL_MS} ms (CPU per stream; latency to the stream's end)`);
  write(renderSideTable(longStreams, { baseline: "bare node:http proxy", latencyLabel: "full", streams: true }));
  const busiestLoad = Math.max(...longStreams.map((side) => side.loadGeneratorBusy));
  const busiestClientCore = Math.max(...longStreams.map((side) => side.clientCoreBusy));
  write(
    busiestClientCore >= 0.9
      ? `note: CPU 0 (load generator ${(busiestLoad * 100).toFixed(0)} %, with the upstream ${(busiestClientCore * 100).toFixed(0)} %) was saturated: the client side may limit these figures`
      : `load generator at most ${(busiestLoad * 100).toFixed(0)} % of a core, CPU 0 with the upstream at most ${(busiestClientCore * 100).toFixed(0)} %: the client side is not the bottleneck`,
  );
  write();

  const translatedSides: Side[] = [];
  const skipped: string[] = [];
  if (before) translatedSides.push({ name: "before: chat → Anthropic", pid: before.pid, job: job(`${before.origin}/v1/chat/completions`, { authorization: `Bearer ${before.setup.clientKey}` }, chatBody("claude-haiku-4-5"), 10) });
  translatedSides.push({ name: "chat → Anthropic", pid: gateway.process.child.pid, job: job(`${gateway.origin}/v1/chat/completions`, clientHeaders, chatBody("claude-haiku-4-5"), 10) });
  if (doors.messages) translatedSides.push({ name: "messages → Chat (OpenAI)", pid: gateway.process.child.pid, job: job(`${gateway.origin}/v1/messages`, messagesHeaders, messagesBody("gpt-4o-mini"), 10) });
  else skipped.push("messages → Chat: POST /v1/messages is not on this branch yet");
  if (doors.responses) {
    translatedSides.push({ name: "responses → Chat (DeepSeek)", pid: gateway.process.child.pid, job: job(`${gateway.origin}/v1/responses`, clientHeaders, responsesBody("deepseek-chat"), 10) });
    translatedSides.push({ name: "responses → Messages", pid: gateway.process.child.pid, job: job(`${gateway.origin}/v1/responses`, clientHeaders, responsesBody("claude-haiku-4-5"), 10) });
  } else skipped.push("responses → Chat, responses → Messages: POST /v1/responses is not on this branch yet");
  // The other doors' same-protocol paths, for reference beside their translations.
  if (doors.messages) translatedSides.push({ name: "messages → Anthropic (pass-through)", pid: gateway.process.child.pid, job: job(`${gateway.origin}/v1/messages`, messagesHeaders, messagesBody("claude-haiku-4-5"), 10) });
  if (doors.responses) translatedSides.push({ name: "responses → OpenAI (pass-through)", pid: gateway.process.child.pid, job: job(`${gateway.origin}/v1/responses`, clientHeaders, responsesBody("gpt-4o-mini"), 10) });
  const translated = await measureSides(translatedSides, settings);
  write("translated paths and the other doors' pass-through, non-streaming, c=10 (× baseline: CPU per request over the previous release's chat → Anthropic)");
  write(renderSideTable(translated, { baseline: "before: chat → Anthropic", latencyLabel: "latency" }));
  for (const note of skipped) write(`skipped: ${note}`);
  write();

  if (doors.messages) {
    const agentBody = agentTurnBody("claude-haiku-4-5");
    // The bare proxy forwards to the upstream's chat endpoint only: its answer is a chat
    // completion, the gateway's a Message, both a few hundred bytes beside the body sent.
    const agentSides: Side[] = [
      { name: "messages → Anthropic (pass-through)", pid: gateway.process.child.pid, job: job(`${gateway.origin}/v1/messages`, messagesHeaders, agentBody, 10) },
      { name: "bare node:http proxy", pid: proxy.process.child.pid, job: job(`${proxy.baseUrl}/chat/completions`, { authorization: `Bearer ${setup.providerKey}` }, agentBody, 10) },
    ];
    write(`agent-sized body (${Math.round(Buffer.byteLength(agentBody) / 1024)} KB: a coding agent's turn with its tools and history), non-streaming, c=10 (× baseline: CPU per request over the bare proxy's)`);
    write(renderSideTable(await measureSides(agentSides, settings), { baseline: "bare node:http proxy", latencyLabel: "latency" }));
    write();
  }
  const rssAfter = residentMegabytes(gateway.process.child.pid);

  // Stopping the gateway must flush every pending log row: count them in its SQLite file.
  await gateway.process.stop();
  const database = new Database(join(gatewayDataDir, "modelgate.sqlite"), { readonly: true });
  const logRows = Number((database.prepare("SELECT COUNT(*) AS count FROM t_ai_api_logs").get() as { count: number }).count);
  database.close();

  // Start-up, with the load stopped: the bundle is warm (the gateway above built it).
  const startupCommands = [
    { name: "npm start", command: "npm", args: ["start", "--silent"], cwd: projectRoot },
    ...(previous ? [{ name: `before: npm start (${previous.commit}, tsx)`, command: process.execPath, args: startArguments("tsx"), cwd: previous.root }] : []),
    { name: "floor: node -e http server", command: process.execPath, args: ["-e", 'require("http").createServer((q,s)=>s.end("ok")).listen(+process.env.PORT,process.env.HOST)'], cwd: projectRoot },
  ];
  const startups = await timeStartups(startupCommands, startRuns, admin);
  write(`npm start to the first 200 on GET /health (fresh DATA_DIR each run, not pinned, ${startRuns} runs each)`);
  write(renderStartupTable(startups, "floor: node -e http server"));
  write();

  const side = (summaries: SideSummary[], name: string) => summaries.find((entry) => entry.name === name);
  const longGateway = side(longStreams, "gateway, pass-through")!;
  const longProxy = side(longStreams, "bare node:http proxy")!;
  const longDirect = side(longStreams, "direct")!;
  const beforeAnthropic = side(translated, "before: chat → Anthropic");
  const startMedian = median(startups.get("npm start")!);
  const checks: TargetCheck[] = [];
  /** The two pass-through targets over one non-streamed table. */
  const passThroughChecks = (label: string, table: SideSummary[]) => {
    const passThrough = side(table, "gateway, pass-through")!;
    const before = side(table, "before (previous release)");
    const bareProxy = side(table, "bare node:http proxy")!;
    if (before) {
      const ratio = passThrough.cpuPerRequest / before.cpuPerRequest;
      checks.push({ name: `${label}: pass-through CPU/request <= 40 % of before`, measured: `${(ratio * 100).toFixed(0)} % (${passThrough.cpuPerRequest.toFixed(0)} vs ${before.cpuPerRequest.toFixed(0)} µs)`, passed: ratio <= 0.4 });
    }
    const proxyRatio = passThrough.cpuPerRequest / bareProxy.cpuPerRequest;
    checks.push({ name: `${label}: pass-through CPU/request <= 2.5× bare proxy`, measured: `${proxyRatio.toFixed(2)}× (${bareProxy.cpuPerRequest.toFixed(0)} µs)`, passed: proxyRatio <= 2.5 });
  };
  passThroughChecks("c=10", nonStreaming);
  passThroughChecks(`${sameRate}/s`, nonStreamingSameRate);
  const streamRatio = longGateway.cpuPerRequest / longProxy.cpuPerRequest;
  checks.push({ name: "long streams: CPU/stream <= 1.5× bare proxy", measured: `${streamRatio.toFixed(2)}× (${longGateway.cpuPerRequest.toFixed(0)} vs ${longProxy.cpuPerRequest.toFixed(0)} µs)`, passed: streamRatio <= 1.5 });
  const addedFirstChunk = longGateway.firstChunkP99 - longDirect.firstChunkP99;
  checks.push({ name: "long streams: added first chunk p99 <= 20 ms", measured: `${addedFirstChunk.toFixed(2)} ms`, passed: addedFirstChunk <= 20 });
  checks.push({ name: "long streams: zero chunks lost", measured: `${longGateway.chunksLost} lost in ${longGateway.shortStreams} of ${longGateway.requests} streams`, passed: longGateway.chunksLost === 0 && longGateway.errors === 0 });
  if (beforeAnthropic) {
    for (const path of translated.filter((entry) => entry !== beforeAnthropic && !entry.name.includes("pass-through"))) {
      const ratio = path.cpuPerRequest / beforeAnthropic.cpuPerRequest;
      checks.push({ name: `${path.name}: CPU/request <= before chat → Anthropic`, measured: `${ratio.toFixed(2)}× (${path.cpuPerRequest.toFixed(0)} µs)`, passed: ratio <= 1 });
    }
  }
  const floorMedian = median(startups.get("floor: node -e http server")!);
  checks.push({ name: "npm start to first 200 on /health <= 1 s", measured: `${startMedian.toFixed(0)} ms (${(startMedian / floorMedian).toFixed(1)}× floor)`, passed: startMedian <= 1000 });
  write(renderTargets(checks));
  write();
  write(`gateway RSS: ${rssBefore.toFixed(1)} MiB after warm-up, ${rssAfter.toFixed(1)} MiB at the end`);
  write(`log rows in SQLite after shutdown: ${logRows.toLocaleString("en-US")} for ${gatewayRequests.toLocaleString("en-US")} measured gateway requests (warm-ups included; the first warm-up and the door probes add a few)`);

  if (process.env.BENCH_PROFILE === "1") {
    rmSync(profileDir, { recursive: true, force: true });
    const profiled = await startGateway({ dataDir: newDataDir(), adminUsername: admin.username, adminPassword: admin.password, cpu: measuredCpu, nodeFlags: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] });
    started.push(profiled.process);
    const profiledSetup = await configureGateway(profiled.origin, upstream.baseUrl, admin);
    const profiledJob = job(`${profiled.origin}/v1/chat/completions`, { authorization: `Bearer ${profiledSetup.clientKey}` }, chatBody("gpt-4o-mini"), 10);
    await load.run(profiledJob(warmupMs));
    const fromMicroseconds = Number(process.hrtime.bigint() / 1000n);
    await load.run(profiledJob(roundMs * 3));
    const toMicroseconds = Number(process.hrtime.bigint() / 1000n);
    await profiled.process.stop();
    const [file] = readdirSync(profileDir)
      .filter((name) => name.endsWith(".cpuprofile"))
      .map((name) => join(profileDir, name))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    const summary = summarizeProfile(file, 14, { fromMicroseconds, toMicroseconds });
    write(`CPU profile of the gateway under the pass-through load (c=10, non-streaming, ${roundMs * 3} ms after a warm-up): ${summary.busyMilliseconds.toFixed(0)} ms busy, ${file}`);
    write(renderShares("self time", summary.selfTop));
    write();
    write(renderShares("inclusive (package or source file on the stack)", summary.inclusiveTop));
    write();
  }
  const errors = [...nonStreaming, ...nonStreamingSameRate, ...streamed, ...longStreams, ...translated].reduce((sum, entry) => sum + entry.errors, 0);
  if (errors > 0 || logRows < gatewayRequests) process.exitCode = 1;
  if (process.env.BENCH_STRICT === "1" && checks.some((check) => !check.passed)) process.exitCode = 1;
} finally {
  await cleanUp();
}
