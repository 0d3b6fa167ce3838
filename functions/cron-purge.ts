/**
 * Lambda entry for the `purge` job. Daily (0 2 * * * UTC): deletes logs older than LOG_RETENTION_DAYS in batches.
 * Returns the run's JSON summary; throws when the job failed, so the invocation counts as an error.
 */
import type { JobRunResult } from "../lib/jobs/job-registry";
import { runScheduledJob } from "./lambda-jobs";

/** Handles the scheduled event (its content is not used). */
export async function handler(_event?: unknown): Promise<JobRunResult> {
  return runScheduledJob("purge");
}
