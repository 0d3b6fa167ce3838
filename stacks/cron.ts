/**
 * Scheduled jobs on EventBridge Scheduler (`sst.aws.CronV2`), all in UTC. Each job has its own
 * thin handler in `functions/` and receives exactly the `event` configured here as its Lambda
 * event (no "Scheduled Event" envelope).
 *
 * Every job gets the database and Upstash: a run takes its lock in the shared store, so a Lambda
 * run, a retry and an on-demand run from the admin API never overlap. None of them decrypts
 * provider keys or signs tokens, so none gets `JWT_SECRET` or `KEY_ENCRYPTION_SECRET_ARN`, nor
 * the IAM grants on the master key.
 */
import { LAMBDA_ARCHITECTURE, LAMBDA_HANDLERS, LAMBDA_RUNTIME, LOG_RETENTION_DAYS, NODEJS_BUNDLING } from "./lambda-defaults";
import { alertEnvironment, databaseEnvironment, upstashEnvironment } from "./secrets";

/** What one scheduled job needs, beyond the shared Lambda settings. */
interface ScheduledJob {
  /** Component name; also the name shown in the AWS console. */
  name: string;
  /** The value of `job` in the event the handler receives. */
  job: "rollup" | "purge" | "error-rate" | "key-status";
  handler: string;
  schedule: `rate(${string})` | `cron(${string})`;
  timeout: `${number} ${"second" | "seconds" | "minute" | "minutes"}`;
  /** Scheduler retries when the invocation itself fails (throttling, service errors). */
  retries: number;
  /**
   * Lambda's own retries of a run that failed: the Scheduler invokes asynchronously, and Lambda
   * retries a failed asynchronous invocation twice unless the function says otherwise.
   */
  functionRetries: number;
  environment: Record<string, $util.Input<string>>;
}

const jobs: ScheduledJob[] = [
  {
    name: "UsageRollup",
    job: "rollup",
    handler: LAMBDA_HANDLERS.cronRollup,
    // Minute 0 of every hour; the job catches up every closed hour, so a missed run loses nothing.
    schedule: "cron(0 * * * ? *)",
    timeout: "5 minutes",
    retries: 2,
    // A retry after a failure picks up where the failed run stopped.
    functionRetries: 2,
    environment: { ...databaseEnvironment, ...upstashEnvironment },
  },
  {
    name: "LogPurge",
    job: "purge",
    handler: LAMBDA_HANDLERS.cronPurge,
    // 02:00 UTC daily, away from the top-of-hour rollup.
    schedule: "cron(0 2 * * ? *)",
    // Bounded batches keep each statement short; a big backlog may still take a while.
    timeout: "15 minutes",
    retries: 2,
    functionRetries: 2,
    environment: { ...databaseEnvironment, ...upstashEnvironment, LOG_RETENTION_DAYS },
  },
  {
    name: "ErrorRateCheck",
    job: "error-rate",
    handler: LAMBDA_HANDLERS.cronErrorRate,
    schedule: "rate(5 minutes)",
    timeout: "1 minute",
    // The next run is five minutes away; a retry would only risk a late, duplicate alert.
    retries: 0,
    functionRetries: 0,
    environment: { ...databaseEnvironment, ...upstashEnvironment, ...alertEnvironment },
  },
  {
    name: "KeyStatusCheck",
    job: "key-status",
    handler: LAMBDA_HANDLERS.cronKeyStatus,
    schedule: "rate(30 minutes)",
    timeout: "1 minute",
    retries: 0,
    functionRetries: 0,
    environment: { ...databaseEnvironment, ...upstashEnvironment, ...alertEnvironment },
  },
];

/** The scheduled jobs, by component name. */
export const crons = Object.fromEntries(
  jobs.map((job) => [
    job.name,
    new sst.aws.CronV2(job.name, {
      schedule: job.schedule,
      timezone: "UTC",
      retries: job.retries,
      event: { job: job.job },
      function: {
        handler: job.handler,
        description: `modelgate scheduled job: ${job.job}`,
        runtime: LAMBDA_RUNTIME,
        architecture: LAMBDA_ARCHITECTURE,
        memory: "512 MB",
        timeout: job.timeout,
        // Creates the function's asynchronous-invocation config (maximum retry attempts).
        retries: job.functionRetries,
        nodejs: NODEJS_BUNDLING,
        environment: job.environment,
        link: [],
      },
    }),
  ]),
);
