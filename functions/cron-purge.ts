/**
 * Lambda entry for the `purge` job. Daily (0 2 * * * UTC): deletes logs older than LOG_RETENTION_DAYS in batches.
 * Returns the run's JSON summary; throws when the job failed, so the invocation counts as an error.
 */
import { jobContextFrom } from "../lib/jobs/job-context";
import { runJobOrThrow, type JobRunResult } from "../lib/jobs/job-registry";
import { lambdaRuntime } from "./lambda-app";

/** Handles the scheduled event (its content is not used). */
export async function handler(_event?: unknown): Promise<JobRunResult> {
  const { deps } = await lambdaRuntime();
  return runJobOrThrow("purge", jobContextFrom(deps));
}
