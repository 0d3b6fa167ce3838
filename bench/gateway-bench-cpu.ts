/**
 * CPU time of a process from /proc/<pid>/stat (Linux): user plus system time of all its threads
 * (the JIT, GC and libuv threads included), so the CPU a request costs can be read around a round
 * of load and divided by the requests it completed.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Clock ticks per second of /proc's times (`getconf CLK_TCK`, 100 when unknown). */
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Microseconds one /proc clock tick stands for (the resolution of every CPU figure). */
export const TICK_MICROSECONDS = 1_000_000 / ticksPerSecond;

/** User plus system CPU time of process `pid` in µs; NaN when /proc cannot tell. */
export function cpuMicroseconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MICROSECONDS;
  } catch {
    return Number.NaN;
  }
}

/** Runs `action` and returns its result with the CPU µs process `pid` spent meanwhile. */
export async function withCpu<T>(pid: number | undefined, action: () => Promise<T>): Promise<{ result: T; cpuMicroseconds: number }> {
  const before = cpuMicroseconds(pid);
  const result = await action();
  return { result, cpuMicroseconds: cpuMicroseconds(pid) - before };
}
