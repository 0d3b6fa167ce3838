/**
 * `npm run job -- rollup|purge|error-rate|key-status`: runs one scheduled job now against the
 * database the environment names, prints its JSON result and exits non-zero when it failed.
 * With the in-memory limit store (no Upstash settings) alert de-duplication does not outlive
 * this process, so repeated manual runs of a check can alert again.
 */
import { parseSettings } from "../lib/config/settings";
import { jobContextFrom } from "../lib/jobs/job-context";
import { isJobName, JOB_NAMES, runJob, type JobName } from "../lib/jobs/job-registry";
import { prepareDatabase } from "../db/prepare-database";
import { createRuntime } from "../lib/runtime/create-runtime";
import { exitWithFatalError } from "../lib/runtime/fatal-error";

const name = process.argv[2] ?? "";
if (!isJobName(name)) {
  process.stderr.write(`usage: npm run job -- <${JOB_NAMES.join("|")}>\n`);
  process.exit(2);
}

async function main(jobName: JobName): Promise<boolean> {
  const runtime = await createRuntime(parseSettings(process.env), { prepareDatabase });
  if (runtime.bootstrap.created && runtime.bootstrap.generatedPassword) {
    // A first run on a fresh local database creates the admin; like `npm start`, show its password once.
    process.stderr.write(`Admin '${runtime.bootstrap.username}' created with password: ${runtime.bootstrap.generatedPassword} (shown once)\n`);
  }
  try {
    const result = await runJob(jobName, jobContextFrom(runtime.deps));
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return result.status !== "failed";
  } finally {
    await runtime.close();
  }
}

main(name).then(
  (ok) => process.exit(ok ? 0 : 1),
  (error: unknown) => exitWithFatalError(`job ${name} could not start`, error),
);
