/**
 * Lambda entry for the `key-status` job. Every 30 minutes: alerts on active provider keys whose status is not normal.
 * Returns the run's JSON summary; throws when the job failed, so the invocation counts as an error.
 */
import { jobContextFrom } from "../lib/jobs/job-context";
import { runJobOrThrow, type JobRunResult } from "../lib/jobs/job-registry";
import { lambdaRuntime } from "./lambda-app";

/** Handles the scheduled event (its content is not used). */
export async function handler(_event?: unknown): Promise<JobRunResult> {
  const { deps } = await lambdaRuntime();
  return runJobOrThrow("key-status", jobContextFrom(deps));
}
