/**
 * /api/admin/jobs: the scheduled jobs, their last runs, and running one on demand.
 */
import { Hono } from "hono";
import * as z from "zod";
import type { JobStateRow } from "../../db/schema";
import type { AppDeps } from "../deps";
import type { AppEnv } from "../http/app-env";
import { validate } from "../http/validation";
import { jobContextFrom } from "./job-context";
import { JOB_NAMES, JOBS, nextRunAfter, ON_DEMAND_MAX_RUN_MS, runJob } from "./job-registry";
import { readAllJobStates } from "./job-state";

/** `:name` of a job. */
export const jobNameParamSchema = z.object({ name: z.enum(JOB_NAMES) });

const isoOrNull = (value: number | null) => (value === null ? null : new Date(Number(value)).toISOString());

function parseSummary(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The last run as the job list shows it; null before any run was recorded. */
function lastRunOf(state: JobStateRow, summary: unknown) {
  if (state.last_run_at === null || state.last_status === null) return null;
  const ok = state.last_status === "ok";
  const error = !ok && summary !== null && typeof summary === "object" ? (summary as { error?: unknown }).error : undefined;
  return {
    startedAt: isoOrNull(state.last_run_at),
    finishedAt: isoOrNull(state.last_finished_at),
    ok,
    ...(ok ? { result: summary } : { error: typeof error === "string" ? error : "failed" }),
  };
}

/** Routes mounted at /api/admin/jobs. */
export function jobRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  /**
   * GET /api/admin/jobs
   * data: Array<{ name, description, schedule (5-field cron, UTC), nextRunAt (ISO),
   *   lastRun: { startedAt, finishedAt (ISO|null for runs recorded before it was kept), ok,
   *   result (the job's summary) | error (a short reason) } | null,
   *   rolledUpThrough (ISO|null; rollup only),
   *   and, as before, cron, lastRunAt, lastStatus ("ok"|"failed"|null), lastSummary }>
   */
  app.get("/", async (c) => {
    const states = await readAllJobStates(deps.database.db);
    const now = deps.clock.now();
    const data = JOB_NAMES.map((name) => {
      const state = states.find((row) => row.job_name === name);
      const { schedule } = JOBS[name];
      const lastSummary = parseSummary(state?.last_summary ?? null);
      return {
        name,
        description: JOBS[name].description,
        schedule: schedule.cron,
        nextRunAt: new Date(nextRunAfter(schedule, now)).toISOString(),
        lastRun: state ? lastRunOf(state, lastSummary) : null,
        rolledUpThrough: name === "rollup" ? isoOrNull(state?.watermark_ms ?? null) : null,
        cron: schedule.cron,
        lastRunAt: isoOrNull(state?.last_run_at ?? null),
        lastStatus: state?.last_status ?? null,
        lastSummary,
      };
    });
    return c.json({ code: 200, data });
  });

  /**
   * POST /api/admin/jobs/:name/run — name: rollup | purge | error-rate | key-status (admin role).
   * Runs the job now and waits for it, at most 25 s (then `failed`, "timed out").
   * data: { job, status: "ok"|"skipped"|"failed", startedAt (ISO), durationMs, summary?, error? }
   * `skipped` means a run of the same job is in progress elsewhere.
   */
  app.post("/:name/run", validate("param", jobNameParamSchema), async (c) => {
    const { name } = c.req.valid("param");
    // Bounded by the API function's time, not the scheduled function's: a killed run's lock must
    // not make the next scheduled run skip for long.
    const result = await runJob(name, jobContextFrom(deps), { timeoutMs: ON_DEMAND_MAX_RUN_MS });
    return c.json({ code: 200, data: result });
  });

  return app;
}
