/**
 * Job context for the scheduled Lambdas: only the database and the shared store (run locks,
 * alert de-duplication). Jobs never sign tokens or decrypt provider keys, so their functions get
 * neither the JWT secret nor the master key, and their bundles do not carry the HTTP app.
 */
import { createDatabase } from "../db/connection";
import { parseSettings } from "../lib/config/settings";
import { systemClock } from "../lib/deps";
import { realSleep, type JobContext } from "../lib/jobs/job-context";
import { runJobOrThrow, type JobName, type JobRunResult } from "../lib/jobs/job-registry";
import { createLimitStore } from "../lib/limits/create-limit-store";
import { createLogger } from "../lib/logging/logger";
import { createUpstreamFetch } from "../lib/providers/shared/upstream-fetch";

let contextPromise: Promise<JobContext> | undefined;

async function createJobContext(): Promise<JobContext> {
  const settings = parseSettings(process.env, { deployed: true, requireSecrets: false });
  const database = await createDatabase(settings.database);
  const { store } = createLimitStore({ upstashUrl: settings.upstash?.url, upstashToken: settings.upstash?.token, timeoutMs: settings.limitStoreTimeoutMs });
  return {
    db: database.db,
    dialect: database.dialect,
    limits: store,
    clock: systemClock,
    logger: createLogger({ base: { job: process.env.AWS_LAMBDA_FUNCTION_NAME } }),
    // Alert webhooks go to admin-set URLs: held to the destination policy like provider calls.
    fetch: createUpstreamFetch({ destinations: settings.destinations }),
    settings,
    sleep: realSleep,
  };
}

/** Runs one job in this container (context built once per cold start); throws when the job failed. */
export async function runScheduledJob(name: JobName): Promise<JobRunResult> {
  contextPromise ??= createJobContext().catch((error: unknown) => {
    contextPromise = undefined;
    throw error;
  });
  return runJobOrThrow(name, await contextPromise);
}

