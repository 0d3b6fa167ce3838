/**
 * `npx tsx bench/compare-commits.ts [commit]`: this checkout's gateway against another commit's
 * (default `main`), both as `npm start` runs them, side by side in one run with the bench's
 * harness (pinned to CPU 1, upstream and load generator on CPU 0, rotating rounds): CPU per
 * request of A (the commit) and B (this checkout), with direct and the bare proxy beside them.
 * For measuring one change between two full `npm run bench` runs. Each commit runs as two
 * processes from worktrees (A B B A); the last line is the mean of B's over the mean of A's.
 * With no change at all that line read 0.96 and 1.04 in two runs on a 2-vCPU VM: a difference
 * under about 5 % is within the noise of one run.
 * `DOOR` (default /v1/chat/completions), `MODEL` (default gpt-4o-mini), `STREAM=1` (5 chunks
 * at once), `PACED=1` (the long-stream scenario), `RATE=n` (n requests a second for every side
 * instead of as many as c=10 allows), `ROUNDS` (default 4), `ROUND_MS`, `B_NODE_FLAGS` (extra `node`
 * flags for B's processes, space-separated: measures a runtime setting with the same commit on both sides).
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PACED_CHUNKS, PACED_FIELD, PACED_INTERVAL_MS, PACED_MARKER } from "./bench-stream-shape";
import { checkOutRelease } from "./gateway-bench-previous";
import { configureGateway, projectRoot, startBareProxy, startGateway, startLoadGenerator, startUpstream, type BenchGatewaySetup, type BenchProcess } from "./gateway-bench-processes";
import { renderSideTable } from "./gateway-bench-report";
import { measureSides, type Side } from "./gateway-bench-sides";

const base = process.argv[2] ?? "main";
const bFlags = (process.env.B_NODE_FLAGS ?? "").split(" ").filter((flag) => flag !== "");
const paced = process.env.PACED === "1";
const path = process.env.DOOR ?? "/v1/chat/completions";
const model = process.env.MODEL ?? "gpt-4o-mini";
const prompt = "Hello, how are you today?";
const admin = { adminUsername: "benchadmin", adminPassword: randomBytes(12).toString("hex") };
const streamFields = paced ? { stream: true, [PACED_FIELD]: true } : process.env.STREAM === "1" ? { stream: true } : {};
const body = path.endsWith("/responses")
  ? JSON.stringify({ model, input: prompt, max_output_tokens: 64, store: false, ...streamFields })
  : JSON.stringify({ model, max_tokens: 64, messages: [{ role: "user", content: prompt }], ...streamFields });

/** A commit of the working tree's tracked changes (new files must be added first), or HEAD when there are none. */
function workingTreeCommit(): string {
  const git = (...args: string[]) => execFileSync("git", ["-C", projectRoot, ...args]).toString().trim();
  return git("stash", "create") || git("rev-parse", "HEAD");
}

const started: BenchProcess[] = [];
const dataDirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "modelgate-compare-"));
  dataDirs.push(dir);
  return dir;
};
const release = checkOutRelease(projectRoot, base);
// This checkout runs from a worktree as well, of a commit of its tracked changes (`git stash
// create` leaves the working tree alone), so both commits start from the same kind of folder.
const current = checkOutRelease(projectRoot, workingTreeCommit());
try {
  const upstream = await startUpstream(0);
  started.push(upstream.process);
  // Two processes of each commit, started and listed A B B A: with one process each, the same
  // commit on both sides read 0.86–0.95 in five runs (the first-listed side slower; 0.99 with the
  // two swapped), for a reason not found. The pairs cancel an effect of the position.
  const credentials = { username: admin.adminUsername, password: admin.adminPassword };
  const gateways: Array<{ label: "A" | "B"; pid: number | undefined; origin: string; setup: BenchGatewaySetup }> = [];
  for (const label of ["A", "B", "B", "A"] as const) {
    const nodeFlags = label === "B" ? bFlags : [];
    const gateway = await startGateway({ dataDir: dataDir(), ...admin, cpu: 1, nodeFlags, release: { root: (label === "A" ? release : current).root, start: "bundle" } });
    started.push(gateway.process);
    gateways.push({ label, pid: gateway.process.child.pid, origin: gateway.origin, setup: await configureGateway(gateway.origin, upstream.baseUrl, credentials) });
  }
  // Every gateway is configured with the same provider key; direct and the proxy send it too.
  const { providerKey } = gateways[0].setup;
  const proxy = await startBareProxy(upstream.baseUrl, 1);
  started.push(proxy.process);
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
  const names = { A: `A ${release.commit}`, B: "B this checkout" };
  const sides: Side[] = [
    ...(chat ? [{ name: "direct", job: job(`${upstream.baseUrl}/chat/completions`, providerKey) }] : []),
    ...gateways.map((gateway, index) => ({ name: `${names[gateway.label]} (${index < 2 ? 1 : 2})`, pid: gateway.pid, job: job(`${gateway.origin}${path}`, gateway.setup.clientKey) })),
    ...(chat ? [{ name: "bare node:http proxy", pid: proxy.process.child.pid, job: job(`${proxy.baseUrl}/chat/completions`, providerKey) }] : []),
  ];
  const rows = await measureSides(sides, {
    load,
    upstreamPid: upstream.process.child.pid,
    rounds: Number(process.env.ROUNDS ?? 4),
    roundMs: Number(process.env.ROUND_MS ?? (paced ? 4000 : 3000)),
    warmupMs: 2000,
    leadInMs: 500,
  });
  process.stdout.write(`${renderSideTable(rows, { baseline: `${names.A} (1)`, latencyLabel: "latency", streams: paced })}\n`);
  const meanOf = (label: "A" | "B") => {
    const figures = rows.filter((row) => row.name.startsWith(names[label])).map((row) => row.cpuPerRequest);
    return figures.reduce((sum, figure) => sum + figure, 0) / figures.length;
  };
  process.stdout.write(`B / A, CPU per request (mean of each commit's two processes): ${(meanOf("B") / meanOf("A")).toFixed(3)}\n`);
} finally {
  for (const child of started.reverse()) await child.stop().catch(() => undefined);
  release.remove();
  current.remove();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
}
