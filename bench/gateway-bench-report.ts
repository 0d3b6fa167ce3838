/**
 * Aggregation and the printed tables of the gateway benchmark. Every scenario measures several
 * sides (direct, the gateway, the previous release, the floors) in rounds that rotate their
 * order, so all sides see the same noise. Throughput and CPU per request sum over every round;
 * latency figures are the median of the rounds' percentiles.
 */
import type { LoadResult } from "./bench-load";
import { median } from "./bench-support";

/** One side's round: what the load generator saw and the CPU the measured processes spent. */
export interface SideRound {
  result: LoadResult;
  /** CPU µs of the side's measured process (the gateway or proxy); NaN for direct. */
  cpuMicroseconds: number;
  /** CPU µs of the upstream during the round. */
  upstreamCpuMicroseconds: number;
}

/** What one side of a scenario measured, over all its rounds. */
export interface SideSummary {
  name: string;
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  firstError?: string;
  /** CPU µs per completed request of the measured process; NaN when none is measured. */
  cpuPerRequest: number;
  /** The lowest and highest CPU µs per request of a single round: how steady the figure was. */
  cpuPerRequestRounds: [number, number];
  firstChunkP50: number;
  firstChunkP99: number;
  chunksLost: number;
  shortStreams: number;
  /** Highest share of CPU 0 (load generator plus upstream) busy in any round, 0..1 per core. */
  clientCoreBusy: number;
  /** Highest CPU share of the load generator alone in any round. */
  loadGeneratorBusy: number;
}

/** The lowest and highest CPU per request among the rounds that completed requests. */
function cpuRange(rounds: SideRound[]): [number, number] {
  const perRound = rounds.filter((round) => round.result.requests > 0).map((round) => round.cpuMicroseconds / round.result.requests);
  return perRound.length === 0 ? [Number.NaN, Number.NaN] : [Math.min(...perRound), Math.max(...perRound)];
}

/** Sums and medians over the rounds of one side. */
export function summarizeSide(name: string, rounds: SideRound[]): SideSummary {
  const results = rounds.map((round) => round.result);
  const requests = results.reduce((sum, result) => sum + result.requests, 0);
  const seconds = results.reduce((sum, result) => sum + result.elapsedMs, 0) / 1000;
  const cpu = rounds.reduce((sum, round) => sum + round.cpuMicroseconds, 0);
  const pick = (select: (result: LoadResult) => number) => median(results.map(select));
  return {
    name,
    requests,
    requestsPerSecond: requests / seconds,
    p50: pick((result) => result.latency.p50),
    p99: pick((result) => result.latency.p99),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    firstError: results.find((result) => result.firstError)?.firstError,
    cpuPerRequest: requests === 0 ? Number.NaN : cpu / requests,
    cpuPerRequestRounds: cpuRange(rounds),
    firstChunkP50: pick((result) => result.firstChunk?.p50 ?? Number.NaN),
    firstChunkP99: pick((result) => result.firstChunk?.p99 ?? Number.NaN),
    chunksLost: results.reduce((sum, result) => sum + (result.chunks?.lost ?? 0), 0),
    shortStreams: results.reduce((sum, result) => sum + (result.chunks?.shortStreams ?? 0), 0),
    clientCoreBusy: Math.max(...rounds.map((round) => round.result.cpuShare + round.upstreamCpuMicroseconds / 1000 / round.result.elapsedMs)),
    loadGeneratorBusy: Math.max(...results.map((result) => result.cpuShare)),
  };
}

/** A target and whether the run met it. */
export interface TargetCheck {
  name: string;
  measured: string;
  passed: boolean;
}

function renderRows(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const format = (cells: string[]) => `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(" | ")} |`;
  return [format(header), `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`, ...rows.map(format)].join("\n");
}

const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : "-");
const signed = (value: number) => (Number.isFinite(value) ? `${value >= 0 ? "+" : ""}${value.toFixed(2)}` : "-");
const percent = (value: number) => (Number.isFinite(value) ? `${(value * 100).toFixed(0)} %` : "-");

/**
 * One scenario's table: a line per side with throughput, latency (added over the first side
 * when it is "direct"), CPU per request and its ratio to `baseline` (a side's name).
 */
export function renderSideTable(sides: SideSummary[], options: { baseline?: string; latencyLabel: string; streams?: boolean }): string {
  const direct = sides.find((side) => side.name === "direct");
  const baseline = sides.find((side) => side.name === options.baseline);
  const header = ["side", "rps", `${options.latencyLabel} p50`, `${options.latencyLabel} p99`, "added p50", "added p99", "CPU µs/req", "rounds", "× baseline"];
  if (options.streams) header.push("first chunk p50", "added", "first chunk p99", "added", "chunks lost");
  header.push("CPU 0 busy", "errors");
  const rows = sides.map((side) => {
    const row = [
      side.name,
      fixed(side.requestsPerSecond, 0),
      fixed(side.p50),
      fixed(side.p99),
      direct && side !== direct ? signed(side.p50 - direct.p50) : "-",
      direct && side !== direct ? signed(side.p99 - direct.p99) : "-",
      fixed(side.cpuPerRequest, 0),
      Number.isFinite(side.cpuPerRequestRounds[0]) ? `${fixed(side.cpuPerRequestRounds[0], 0)}–${fixed(side.cpuPerRequestRounds[1], 0)}` : "-",
      baseline && Number.isFinite(side.cpuPerRequest) ? fixed(side.cpuPerRequest / baseline.cpuPerRequest) : "-",
    ];
    if (options.streams) {
      const added = (value: number, directValue: number) => (direct && side !== direct ? signed(value - directValue) : "-");
      row.push(fixed(side.firstChunkP50), added(side.firstChunkP50, direct?.firstChunkP50 ?? Number.NaN), fixed(side.firstChunkP99), added(side.firstChunkP99, direct?.firstChunkP99 ?? Number.NaN), String(side.chunksLost));
    }
    row.push(percent(side.clientCoreBusy), String(side.errors));
    return row;
  });
  return renderRows(header, rows);
}

/** The start-up table: median, min and max per command and the ratio to the floor (the last one). */
export function renderStartupTable(times: Map<string, number[]>, floorName: string): string {
  const floor = median(times.get(floorName) ?? []);
  const rows = [...times.entries()].map(([name, values]) => [name, String(values.length), fixed(median(values), 0), fixed(Math.min(...values), 0), fixed(Math.max(...values), 0), fixed(median(values) / floor, 1)]);
  return renderRows(["command", "runs", "median ms", "min ms", "max ms", "× floor"], rows);
}

/** A ranked share list (a CPU profile's top entries). */
export function renderShares(title: string, shares: Array<{ name: string; share: number }>): string {
  return renderRows([title, "share of busy time"], shares.map((entry) => [entry.name, `${(entry.share * 100).toFixed(1)} %`]));
}

/** The targets table. */
export function renderTargets(checks: TargetCheck[]): string {
  return renderRows(
    ["target", "measured", "verdict"],
    checks.map((check) => [check.name, check.measured, check.passed ? "PASS" : "FAIL"]),
  );
}
