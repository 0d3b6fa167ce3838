/**
 * Lambda entry for the `error-rate` job. Every 5 minutes: alerts when the success rate, overall or per provider, drops below the threshold.
 * Returns the run's JSON summary; throws when the job failed, so the invocation counts as an error.
 */
import type { JobRunResult } from "../lib/jobs/job-registry";
import { runScheduledJob } from "./lambda-jobs";

/** Handles the scheduled event (its content is not used). */
export async function handler(_event?: unknown): Promise<JobRunResult> {
  return runScheduledJob("error-rate");
}
