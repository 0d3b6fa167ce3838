/**
 * Lambda entry for the `rollup` job. Hourly (0 * * * * UTC): rolls closed hours of logs up into t_ai_usage_stats.
 * Returns the run's JSON summary; throws when the job failed, so the invocation counts as an error.
 */
import { jobContextFrom } from "../lib/jobs/job-context";
import { runJobOrThrow, type JobRunResult } from "../lib/jobs/job-registry";
import { lambdaRuntime } from "./lambda-app";

/** Handles the scheduled event (its content is not used). */
export async function handler(_event?: unknown): Promise<JobRunResult> {
  const { deps } = await lambdaRuntime();
  return runJobOrThrow("rollup", jobContextFrom(deps));
}
