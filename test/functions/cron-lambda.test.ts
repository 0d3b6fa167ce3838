/**
 * The scheduled-job Lambda entries (`functions/cron-*.ts`), each invoked with the event its
 * CronV2 delivers and started with exactly the environment the stack gives that function —
 * no more: no JWT secret, no master-key ARN, no Secrets Manager access.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { handlerSourceFile } from "../../stacks/lambda-defaults";
import { isCi, mariadbAvailable, redisAvailable, skipNotice } from "../support/services";
import { readStackFunctions, startDeployedStandIns, type DeployedStandIns, type StackFunction } from "./deployed-stand-ins";
import { lambdaContext, loadLambdaEvent } from "./lambda-events";

const SUITE = "Cron Lambda entries";
const servicesUp = (await mariadbAvailable) && (await redisAvailable);
if (!servicesUp) {
  if (isCi) throw new Error(`${SUITE}: MariaDB and Redis are required under CI=true`);
  skipNotice(SUITE, "MariaDB or Redis");
}

/** CronV2 component -> its event fixture. */
const CRONS = [
  ["UsageRollup", "cron-usage-rollup"],
  ["LogPurge", "cron-log-purge"],
  ["ErrorRateCheck", "cron-error-rate-check"],
  ["KeyStatusCheck", "cron-key-status-check"],
] as const;

type CronHandler = (event: unknown, context?: unknown) => Promise<unknown>;

describe.skipIf(!servicesUp)(SUITE, () => {
  let standIns: DeployedStandIns;
  let stackFunctions: Map<string, StackFunction>;
  const savedEnvironment = { ...process.env };

  const restoreEnvironment = () => {
    for (const name of Object.keys(process.env)) if (!(name in savedEnvironment)) delete process.env[name];
    Object.assign(process.env, savedEnvironment);
  };

  beforeAll(async () => {
    stackFunctions = await readStackFunctions();
    standIns = await startDeployedStandIns();
  });
  afterEach(restoreEnvironment);
  afterAll(async () => {
    restoreEnvironment();
    await standIns?.close();
  });

  it.each(CRONS)("%s: the fixture is the event the schedule delivers", (cronName, fixture) => {
    expect(loadLambdaEvent(fixture)).toEqual(stackFunctions.get(cronName)!.event);
  });

  it.each(CRONS)("%s runs its job with only the stack's environment and returns a JSON summary", async (cronName, fixture) => {
    const cron = stackFunctions.get(cronName)!;
    Object.assign(process.env, standIns.environmentFor(cron));
    const event = loadLambdaEvent<{ job: string }>(fixture);
    vi.resetModules();
    const { handler } = (await import(/* @vite-ignore */ `../../${handlerSourceFile(cron.handler)}`)) as { handler: CronHandler };
    const secretReadsBefore = standIns.secretsManager.calls.length;

    const result = await handler(event, lambdaContext(`modelgate-ci-${cronName}`));

    expect(result).toMatchObject({ job: event.job, status: "ok" });
    // What EventBridge and CloudWatch get must survive JSON.
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    expect(standIns.secretsManager.calls.length).toBe(secretReadsBefore);
  });
});
