/**
 * Lambda entry for the `rollup` job. Hourly (0 * * * * UTC): rolls closed hours of logs up into t_ai_usage_stats.
 * Returns the run's JSON summary; throws when the job failed, so the invocation counts as an error.
 */
import type { JobRunResult } from "../lib/jobs/job-registry";
import { runScheduledJob } from "./lambda-jobs";

/** Handles the scheduled event (its content is not used). */
export async function handler(_event?: unknown): Promise<JobRunResult> {
  return runScheduledJob("rollup");
}
