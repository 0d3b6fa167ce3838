/**
 * Aggregation and the printed tables of the gateway benchmark. Rounds alternate direct and
 * gateway runs, so both sides see the same noise; throughput sums requests over every round,
 * latency figures are the median of the rounds' percentiles.
 */
import type { LoadResult, Percentiles } from "./bench-load";
import { median } from "./bench-support";

/** One benchmark scenario's rounds on both sides. */
export interface ScenarioRuns {
  name: string;
  concurrency: number;
  /** "full" latency, or time to first byte of a stream. */
  measure: "full" | "first-byte";
  direct: LoadResult[];
  gateway: LoadResult[];
}

/** What one side of a scenario measured, over all its rounds. */
export interface SideSummary {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  overhead: { p50: number; p99: number } | null;
}

/** Sums and medians over the rounds of one side. */
export function summarize(results: LoadResult[]): SideSummary {
  const requests = results.reduce((sum, result) => sum + result.requests, 0);
  const seconds = results.reduce((sum, result) => sum + result.elapsedMs, 0) / 1000;
  const pick = (select: (latency: Percentiles) => number) => median(results.map((result) => select(result.latency)));
  const withOverhead = results.filter((result) => result.overhead !== null);
  return {
    requestsPerSecond: requests / seconds,
    p50: pick((latency) => latency.p50),
    p99: pick((latency) => latency.p99),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    overhead:
      withOverhead.length === 0
        ? null
        : { p50: median(withOverhead.map((result) => result.overhead!.p50)), p99: median(withOverhead.map((result) => result.overhead!.p99)) },
  };
}

/** One scenario's comparison. */
export interface ScenarioSummary {
  runs: ScenarioRuns;
  direct: SideSummary;
  gateway: SideSummary;
  ratio: number;
  addedP50: number;
  addedP99: number;
}

/** Compares the two sides of a scenario. */
export function compare(runs: ScenarioRuns): ScenarioSummary {
  const direct = summarize(runs.direct);
  const gateway = summarize(runs.gateway);
  return { runs, direct, gateway, ratio: gateway.requestsPerSecond / direct.requestsPerSecond, addedP50: gateway.p50 - direct.p50, addedP99: gateway.p99 - direct.p99 };
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

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : "-");
const signedMs = (value: number) => (Number.isFinite(value) ? `${value >= 0 ? "+" : ""}${value.toFixed(2)}` : "-");

/** The main table: one line per scenario. */
export function renderScenarioTable(summaries: ScenarioSummary[]): string {
  const header = ["scenario", "direct rps", "gateway rps", "ratio", "direct p50", "gw p50", "added p50", "direct p99", "gw p99", "added p99", "gw overhead p50/p99", "errors"];
  const rows = summaries.map((summary) => [
    summary.runs.name,
    summary.direct.requestsPerSecond.toFixed(0),
    summary.gateway.requestsPerSecond.toFixed(0),
    `${(summary.ratio * 100).toFixed(1)} %`,
    ms(summary.direct.p50),
    ms(summary.gateway.p50),
    signedMs(summary.addedP50),
    ms(summary.direct.p99),
    ms(summary.gateway.p99),
    signedMs(summary.addedP99),
    summary.gateway.overhead ? `${ms(summary.gateway.overhead.p50)} / ${ms(summary.gateway.overhead.p99)}` : "-",
    String(summary.direct.errors + summary.gateway.errors),
  ]);
  return renderRows(header, rows);
}

/** The targets table. */
export function renderTargets(checks: TargetCheck[]): string {
  return renderRows(
    ["target", "measured", "verdict"],
    checks.map((check) => [check.name, check.measured, check.passed ? "PASS" : "FAIL"]),
  );
}
