/**
 * Lambda entry for the `key-status` job. Every 30 minutes: alerts on active provider keys whose status is not normal.
 * Returns the run's JSON summary; throws when the job failed, so the invocation counts as an error.
 */
import type { JobRunResult } from "../lib/jobs/job-registry";
import { runScheduledJob } from "./lambda-jobs";

/** Handles the scheduled event (its content is not used). */
export async function handler(_event?: unknown): Promise<JobRunResult> {
  return runScheduledJob("key-status");
}
