/**
 * The scheduled jobs by name, their schedules, and the one way to run a job: take a run lock in
 * the shared limit store (so the local scheduler, a Lambda and a manual run never overlap), run,
 * record the outcome in `t_sys_job_state`, release the lock. Every front door calls
 * {@link runJob}: the local scheduler, `npm run job`, the admin endpoint and the Lambda entries.
 */
import { performance } from "node:perf_hooks";
import { runErrorRateCheck, ERROR_RATE_JOB } from "./error-rate-check";
import { runHourlyRollup, ROLLUP_JOB } from "./hourly-rollup";
import { DAY_MS, HOUR_MS, type JobContext } from "./job-context";
import { writeJobState } from "./job-state";
import { runKeyStatusCheck, KEY_STATUS_JOB } from "./key-status-check";
import { runLogPurge, PURGE_JOB } from "./log-purge";
import { redactSecrets } from "../logging/logger";

/** Names accepted by `npm run job -- <name>` and `POST /api/admin/jobs/:name/run`. */
export const JOB_NAMES = [ROLLUP_JOB, PURGE_JOB, ERROR_RATE_JOB, KEY_STATUS_JOB] as const;
/** A scheduled job's name. */
export type JobName = (typeof JOB_NAMES)[number];

/** When a job runs: every `everyMs`, at `offsetMs` past each multiple of it (UTC). */
export interface JobSchedule {
  everyMs: number;
  offsetMs: number;
  /** The same schedule as a 5-field cron expression (UTC), for documentation and infrastructure. */
  cron: string;
}

/** A job: what it does and when. */
export interface JobDefinition {
  name: JobName;
  description: string;
  schedule: JobSchedule;
  /**
   * Longest a scheduled run may take, in ms: below its Lambda's timeout (stacks/cron.ts), so the
   * run still ends itself, records the failure and releases its lock before the function is killed.
   */
  maxRunMs: number;
  run(context: JobContext): Promise<unknown>;
}

/**
 * Longest an on-demand run (`POST /api/admin/jobs/:name/run`) may take, in ms: it runs on the
 * API function (30 s) behind API Gateway's 29-second buffered integration limit.
 */
export const ON_DEMAND_MAX_RUN_MS = 25_000;

/**
 * How long a run lock outlives the run's bound: if the process dies without releasing it
 * (a killed Lambda runs no `finally`), the lock is gone this soon after the run's own deadline.
 */
export const LOCK_MARGIN_MS = 5_000;

/** The four scheduled jobs. */
export const JOBS: Readonly<Record<JobName, JobDefinition>> = Object.freeze({
  [ROLLUP_JOB]: {
    name: ROLLUP_JOB,
    description: "Rolls closed hours of t_ai_api_logs up into t_ai_usage_stats (catch-up and late rows included)",
    schedule: { everyMs: HOUR_MS, offsetMs: 0, cron: "0 * * * *" },
    maxRunMs: 270_000,
    run: (context) => runHourlyRollup(context),
  },
  [PURGE_JOB]: {
    name: PURGE_JOB,
    description: "Deletes logs older than LOG_RETENTION_DAYS in batches; usage statistics are kept",
    schedule: { everyMs: DAY_MS, offsetMs: 2 * HOUR_MS, cron: "0 2 * * *" },
    maxRunMs: 840_000,
    run: (context) => runLogPurge(context),
  },
  [ERROR_RATE_JOB]: {
    name: ERROR_RATE_JOB,
    description: "Alerts when the 5-minute success rate, overall or per provider, falls below the threshold",
    schedule: { everyMs: 300_000, offsetMs: 0, cron: "*/5 * * * *" },
    maxRunMs: 50_000,
    run: (context) => runErrorRateCheck(context),
  },
  [KEY_STATUS_JOB]: {
    name: KEY_STATUS_JOB,
    description: "Alerts on active provider keys whose status is not normal",
    schedule: { everyMs: 1_800_000, offsetMs: 0, cron: "*/30 * * * *" },
    maxRunMs: 50_000,
    run: (context) => runKeyStatusCheck(context),
  },
});

/** True for a known job name. */
export function isJobName(name: string): name is JobName {
  return (JOB_NAMES as readonly string[]).includes(name);
}

/** The outcome of {@link runJob}. */
export interface JobRunResult {
  job: JobName;
  /** `skipped`: another run of the same job holds the lock. */
  status: "ok" | "skipped" | "failed";
  /** ISO time (injected clock) the run started. */
  startedAt: string;
  durationMs: number;
  /** The job's own summary when it succeeded. */
  summary?: unknown;
  /** A short reason when it failed (the full error goes to the log). */
  error?: string;
}

/** Options of {@link runJob}. */
export interface RunJobOptions {
  /**
   * Longest the run may take, in ms. Past it the run is abandoned: its context's `signal` aborts
   * (jobs stop between batches), the run counts as failed and the lock is released. The lock
   * itself lives this long plus {@link LOCK_MARGIN_MS}, so a killed run blocks the next one no
   * longer than that.
   * @default the job's `maxRunMs`
   */
  timeoutMs?: number;
}

/** Rejects once `ms` pass; `cancel` stops the timer. */
function deadline(ms: number, job: JobName): { passed: Promise<never>; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const passed = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Job ${job} timed out after ${Math.round(ms / 1000)} s`)), ms);
  });
  return { passed, cancel: () => clearTimeout(timer) };
}

/** Runs a job under its lock and records the outcome; never throws for a job failure. */
export async function runJob(name: JobName, context: JobContext, { timeoutMs = JOBS[name].maxRunMs }: RunJobOptions = {}): Promise<JobRunResult> {
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);
  const { limits, clock, logger, db, dialect } = context;
  const startedAtMs = clock.now();
  const started = performance.now();
  const lockName = `job:${name}:running`;
  const base = { job: name, startedAt: new Date(startedAtMs).toISOString() };
  if (!(await limits.claim(lockName, timeoutMs + LOCK_MARGIN_MS, startedAtMs))) {
    logger.info("job skipped: already running", { job: name });
    return { ...base, status: "skipped", durationMs: 0 };
  }
  const abandon = new AbortController();
  const bound = deadline(timeoutMs, name);
  try {
    const running = JOBS[name].run({ ...context, signal: abandon.signal });
    // An abandoned run may still reject later; nobody waits for it any more.
    running.catch(() => undefined);
    const summary = await Promise.race([running, bound.passed]).catch((error: unknown) => {
      abandon.abort();
      throw error;
    });
    const durationMs = Math.round(performance.now() - started);
    const finishedAt = clock.now();
    await writeJobState(db, dialect, name, { lastRunAt: startedAtMs, lastFinishedAt: finishedAt, lastStatus: "ok", lastSummary: summary }, finishedAt);
    logger.info("job finished", { job: name, durationMs });
    return { ...base, status: "ok", durationMs, summary };
  } catch (error) {
    const durationMs = Math.round(performance.now() - started);
    // Shown in the admin API and stored: driver messages can quote SQL, so mask anything key-shaped.
    const reason = error instanceof Error ? redactSecrets(`${error.name}: ${error.message}`).slice(0, 300) : "unknown error";
    logger.error("job failed", { job: name, durationMs, error });
    try {
      const finishedAt = clock.now();
      await writeJobState(db, dialect, name, { lastRunAt: startedAtMs, lastFinishedAt: finishedAt, lastStatus: "failed", lastSummary: { error: reason } }, finishedAt);
    } catch {
      // The database may be what failed; the log line above already tells the story.
    }
    return { ...base, status: "failed", durationMs, error: reason };
  } finally {
    bound.cancel();
    await limits.release(lockName).catch(() => undefined);
  }
}

/** The next time (epoch ms, strictly after `now`) a schedule fires. */
export function nextRunAfter(schedule: JobSchedule, now: number): number {
  const periods = Math.floor((now - schedule.offsetMs) / schedule.everyMs) + 1;
  return periods * schedule.everyMs + schedule.offsetMs;
}

/** Thrown by {@link runJobOrThrow} so a failed scheduled run shows as a failed invocation. */
export class JobFailedError extends Error {
  override name = "JobFailedError";
  constructor(readonly result: JobRunResult) {
    super(`Job ${result.job} failed: ${result.error ?? "unknown error"}`);
  }
}

/** For cron entries: {@link runJob}, throwing {@link JobFailedError} when the job failed. */
export async function runJobOrThrow(name: JobName, context: JobContext): Promise<JobRunResult> {
  const result = await runJob(name, context);
  if (result.status === "failed") throw new JobFailedError(result);
  return result;
}
