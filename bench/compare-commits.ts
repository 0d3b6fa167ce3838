/**
 * `npx tsx bench/compare-commits.ts [commit]`: this checkout's gateway against another commit's
 * (default `main`), both as `npm start` runs them, side by side in one run with the bench's
 * harness (pinned to CPU 1, upstream and load generator on CPU 0, rotating rounds): CPU per
 * request of A (the commit) and B (this checkout), with direct and the bare proxy beside them.
 * For measuring one change between two full `npm run bench` runs. On a busy machine differences
 * under about 15 % are within the noise of a single run: repeat it.
 * `DOOR` (default /v1/chat/completions), `MODEL` (default gpt-4o-mini), `STREAM=1` (5 chunks
 * at once), `PACED=1` (the long-stream scenario), `RATE=n` (n requests a second for every side
 * instead of as many as c=10 allows), `ROUNDS` (default 4), `ROUND_MS`.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PACED_CHUNKS, PACED_FIELD, PACED_INTERVAL_MS, PACED_MARKER } from "./bench-stream-shape";
import { checkOutRelease } from "./gateway-bench-previous";
import { configureGateway, projectRoot, startBareProxy, startGateway, startLoadGenerator, startUpstream, type BenchProcess } from "./gateway-bench-processes";
import { renderSideTable } from "./gateway-bench-report";
import { measureSides, type Side } from "./gateway-bench-sides";

const base = process.argv[2] ?? "main";
const paced = process.env.PACED === "1";
const path = process.env.DOOR ?? "/v1/chat/completions";
const model = process.env.MODEL ?? "gpt-4o-mini";
const prompt = "Hello, how are you today?";
const admin = { adminUsername: "benchadmin", adminPassword: randomBytes(12).toString("hex") };
const streamFields = paced ? { stream: true, [PACED_FIELD]: true } : process.env.STREAM === "1" ? { stream: true } : {};
const body = path.endsWith("/responses")
  ? JSON.stringify({ model, input: prompt, max_output_tokens: 64, store: false, ...streamFields })
  : JSON.stringify({ model, max_tokens: 64, messages: [{ role: "user", content: prompt }], ...streamFields });

const started: BenchProcess[] = [];
const dataDirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "modelgate-compare-"));
  dataDirs.push(dir);
  return dir;
};
const release = checkOutRelease(projectRoot, base);
try {
  const upstream = await startUpstream(0);
  started.push(upstream.process);
  const a = await startGateway({ dataDir: dataDir(), ...admin, cpu: 1, release: { root: release.root, start: "bundle" } });
  started.push(a.process);
  const b = await startGateway({ dataDir: dataDir(), ...admin, cpu: 1 });
  started.push(b.process);
  const proxy = await startBareProxy(upstream.baseUrl, 1);
  started.push(proxy.process);
  const credentials = { username: admin.adminUsername, password: admin.adminPassword };
  const setupA = await configureGateway(a.origin, upstream.baseUrl, credentials);
  const setupB = await configureGateway(b.origin, upstream.baseUrl, credentials);
  const load = startLoadGenerator(0);
  started.push(load.process);

  const job = (url: string, key: string) => (durationMs: number) => ({
    url,
    headers: { authorization: `Bearer ${key}`, "anthropic-version": "2023-06-01" },
    body,
    concurrency: paced ? 200 : 10,
    durationMs,
    measure: "full" as const,
    ...(process.env.RATE ? { ratePerSecond: Number(process.env.RATE) } : {}),
    ...(paced ? { chunkMarker: PACED_MARKER, expectedChunks: PACED_CHUNKS, rampMs: PACED_CHUNKS * PACED_INTERVAL_MS } : {}),
  });
  const chat = path === "/v1/chat/completions";
  const sides: Side[] = [
    ...(chat ? [{ name: "direct", job: job(`${upstream.baseUrl}/chat/completions`, setupA.providerKey) }] : []),
    { name: `A ${release.commit}`, pid: a.process.child.pid, job: job(`${a.origin}${path}`, setupA.clientKey) },
    { name: "B this checkout", pid: b.process.child.pid, job: job(`${b.origin}${path}`, setupB.clientKey) },
    ...(chat ? [{ name: "bare node:http proxy", pid: proxy.process.child.pid, job: job(`${proxy.baseUrl}/chat/completions`, setupA.providerKey) }] : []),
  ];
  const rows = await measureSides(sides, {
    load,
    upstreamPid: upstream.process.child.pid,
    rounds: Number(process.env.ROUNDS ?? 4),
    roundMs: Number(process.env.ROUND_MS ?? (paced ? 4000 : 3000)),
    warmupMs: 2000,
  });
  process.stdout.write(`${renderSideTable(rows, { baseline: `A ${release.commit}`, latencyLabel: "latency", streams: paced })}\n`);
} finally {
  for (const child of started.reverse()) await child.stop().catch(() => undefined);
  release.remove();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
}
