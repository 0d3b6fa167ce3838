/**
 * Measuring several sides of one scenario against each other: each side is a load job and the
 * process whose CPU it costs; after a warm-up of every side, rounds run every side once, in an
 * order that changes from round to round, reading the measured process's and the upstream's CPU
 * time around each run.
 */
import type { LoadJob } from "./bench-load";
import { cpuMicroseconds } from "./gateway-bench-cpu";
import type { LoadGenerator } from "./gateway-bench-processes";
import { summarizeSide, type SideRound, type SideSummary } from "./gateway-bench-report";

/** One side of a scenario. */
export interface Side {
  name: string;
  /** The process whose CPU this side costs (the gateway, a floor); none for direct. */
  pid?: number;
  job(durationMs: number): LoadJob;
}

/** Settings of {@link measureSides}. */
export interface SideMeasurement {
  load: LoadGenerator;
  upstreamPid: number | undefined;
  rounds: number;
  roundMs: number;
  warmupMs: number;
  /**
   * Unmeasured load on a side right before each of its measured runs: a process that sat idle
   * while the others ran starts its run colder.
   * @default 0
   */
  leadInMs?: number;
  /** Called with every run's result (e.g. to count the requests a gateway answered). */
  onRun?: (side: Side, round: SideRound) => void;
  /** Called with the first error text of a run that had errors. */
  onErrors?: (side: Side, errors: number, firstError: string) => void;
}

/**
 * The order of the sides in one round: rows of a balanced Latin square (Williams), so over
 * `count` rounds (twice that for an odd count) every side runs once in every position and follows
 * every other side exactly once. A run's figure can depend on the run before it (the direct
 * side's loads the shared upstream far harder than any other), and a balanced order spreads that
 * over every side instead of always charging the same one.
 */
export function roundOrder(count: number, round: number): number[] {
  const first: number[] = [];
  for (let low = 0, high = count - 1, step = 0; first.length < count; step++) first.push(step % 2 === 0 ? low++ : high--);
  const row = first.map((side) => (side + round) % count);
  return count % 2 === 1 && Math.floor(round / count) % 2 === 1 ? row.reverse() : row;
}

/** Warms up every side, then measures `rounds` rotating rounds; returns one summary per side, in order. */
export async function measureSides(sides: Side[], settings: SideMeasurement): Promise<SideSummary[]> {
  const runOnce = async (side: Side, durationMs: number): Promise<SideRound> => {
    const cpuBefore = cpuMicroseconds(side.pid);
    const upstreamBefore = cpuMicroseconds(settings.upstreamPid);
    const result = await settings.load.run(side.job(durationMs));
    const round = {
      result,
      cpuMicroseconds: side.pid === undefined ? Number.NaN : cpuMicroseconds(side.pid) - cpuBefore,
      upstreamCpuMicroseconds: cpuMicroseconds(settings.upstreamPid) - upstreamBefore,
    };
    settings.onRun?.(side, round);
    if (result.firstError) settings.onErrors?.(side, result.errors, result.firstError);
    return round;
  };
  for (const side of sides) await runOnce(side, settings.warmupMs);
  const measured = sides.map(() => [] as SideRound[]);
  for (let round = 0; round < settings.rounds; round++) {
    for (const index of roundOrder(sides.length, round)) {
      if (settings.leadInMs) await runOnce(sides[index], settings.leadInMs);
      measured[index].push(await runOnce(sides[index], settings.roundMs));
    }
  }
  return sides.map((side, index) => summarizeSide(side.name, measured[index]));
}
