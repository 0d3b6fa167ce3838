/**
 * The local server's scheduler: runs the jobs in this process on their schedules (the deployed
 * stack uses cron-triggered Lambdas instead). One timer at a time, armed for the soonest due job
 * and `unref`'d so it never keeps the process alive; due jobs run one after another, so a slow
 * rollup delays a check rather than overlapping it. Clock and timers are injected: tests move the
 * clock and call {@link JobScheduler.runDue} without waiting.
 */
import type { Clock } from "../deps";
import type { Logger } from "../logging/logger";
import { JOB_NAMES, JOBS, nextRunAfter, type JobName } from "./job-registry";

/** Timer functions the scheduler uses. */
export interface SchedulerTimers {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's timers, unref'd so a pending job never holds the process open. */
export const nodeTimers: SchedulerTimers = {
  setTimeout(callback, delayMs) {
    const handle = setTimeout(callback, delayMs);
    handle.unref();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/** Options of {@link startJobScheduler}. */
export interface JobSchedulerOptions {
  /** Runs one job; usually `(name) => runJob(name, context)`. */
  run(name: JobName): Promise<unknown>;
  clock: Clock;
  logger: Logger;
  /** @default every job */
  jobs?: readonly JobName[];
  /** @default nodeTimers */
  timers?: SchedulerTimers;
  /** Longest single timer; re-checking at least this often absorbs clock jumps (sleep, NTP). @default 60_000 */
  maxDelayMs?: number;
}

/** A running scheduler. */
export interface JobScheduler {
  /** Runs every job that is due at the clock's current time, then re-arms; returns the names run. */
  runDue(): Promise<JobName[]>;
  /** Next planned run of each job (epoch ms). */
  nextRuns(): Record<string, number>;
  /** Stops the timer; a run in progress finishes on its own. */
  stop(): void;
}

/** Starts scheduling; the first runs happen at each job's next scheduled time, not at start. */
export function startJobScheduler({ run, clock, logger, jobs = JOB_NAMES, timers = nodeTimers, maxDelayMs = 60_000 }: JobSchedulerOptions): JobScheduler {
  const nextRun = new Map<JobName, number>(jobs.map((name) => [name, nextRunAfter(JOBS[name].schedule, clock.now())]));
  let timer: unknown = null;
  let stopped = false;
  let running: Promise<JobName[]> | null = null;

  const arm = () => {
    if (stopped) return;
    if (timer !== null) timers.clearTimeout(timer);
    const soonest = Math.min(...nextRun.values());
    const delay = Math.max(0, Math.min(maxDelayMs, soonest - clock.now()));
    timer = timers.setTimeout(() => {
      timer = null;
      void runDue();
    }, delay);
  };

  const runDueNow = async (): Promise<JobName[]> => {
    const ran: JobName[] = [];
    for (const name of jobs) {
      if (stopped) break;
      if (nextRun.get(name)! > clock.now()) continue;
      try {
        await run(name);
      } catch (error) {
        logger.error("scheduled job threw", { job: name, error });
      }
      ran.push(name);
      // From the time the run ended: a run that overran its period is not repeated back to back.
      nextRun.set(name, nextRunAfter(JOBS[name].schedule, clock.now()));
    }
    return ran;
  };

  const runDue = async (): Promise<JobName[]> => {
    if (running) return running;
    running = runDueNow().finally(() => {
      running = null;
      arm();
    });
    return running;
  };

  arm();
  return {
    runDue,
    nextRuns: () => Object.fromEntries(nextRun),
    stop() {
      stopped = true;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
    },
  };
}
