/**
 * `npm start`: the gateway as a local Node server on the embedded defaults (SQLite file and
 * in-memory limits under ./data), or on whatever the environment configures.
 */
import { serve } from "@hono/node-server";
import { createApp } from "../lib/app";
import { parseSettings } from "../lib/config/settings";
import { ApiLogWriter } from "../lib/gateway/api-log-writer";
import { withDirectResponses } from "../lib/http/direct-node-response";
import { jobContextFrom } from "../lib/jobs/job-context";
import { runJob } from "../lib/jobs/job-registry";
import { startJobScheduler } from "../lib/jobs/job-scheduler";
import { prepareDatabase } from "../db/prepare-database";
import { createRuntime } from "../lib/runtime/create-runtime";
import { exitWithFatalError } from "../lib/runtime/fatal-error";

/** Longest wait for running requests at shutdown before the log queue is written and the process ends. */
const SHUTDOWN_GRACE_MS = 5000;

async function main(): Promise<void> {
  const settings = parseSettings(process.env);
  const runtime = await createRuntime(settings, { prepareDatabase });
  const { deps } = runtime;
  if (runtime.bootstrap.created && runtime.bootstrap.generatedPassword) {
    // Printed once, straight to the terminal (not the log stream): there is no default password.
    process.stderr.write(
      `\n  First start: admin user '${runtime.bootstrap.username}' created with password: ${runtime.bootstrap.generatedPassword}\n` +
        "  It is shown only this once. Set ADMIN_USERNAME/ADMIN_PASSWORD before the first start to choose your own.\n\n",
    );
  }
  // Request-log rows are written behind the responses, in batches; close() writes the rest at shutdown.
  const logWriter = new ApiLogWriter({ db: deps.database.db, insertRows: deps.database.insertRows, logger: deps.logger, writeBehind: {} });
  const app = createApp(deps, { gateway: { logWriter } });
  const server = serve({ fetch: withDirectResponses(app.fetch), port: settings.port, hostname: settings.host }, (info) => {
    deps.logger.info("modelgate listening", {
      url: `http://${settings.host}:${info.port}`,
      database: deps.database.kind,
      limits: deps.limits.kind,
      dashboard: `http://${settings.host}:${info.port}/admin`,
    });
  });
  // A port in use or not allowed arrives here, after start-up, as the server's error event.
  server.once("error", (error) => exitWithFatalError("modelgate failed to start", error));
  // The scheduled jobs run in this process (the deployed stack runs them as cron Lambdas).
  const jobContext = jobContextFrom(deps);
  const scheduler = startJobScheduler({ run: (name) => runJob(name, jobContext), clock: deps.clock, logger: deps.logger });
  const shutdown = () => {
    scheduler.stop();
    // Requests still running get a moment to finish (and queue their log rows), then the queue is written.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const grace = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
    void Promise.race([closed, grace])
      .then(() => logWriter.close())
      .then(() => runtime.close())
      .finally(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main().catch((error: unknown) => exitWithFatalError("modelgate failed to start", error));
