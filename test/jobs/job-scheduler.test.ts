import { describe, expect, it } from "vitest";
import { JOBS, nextRunAfter, type JobName } from "../../lib/jobs/job-registry";
import { nodeTimers, startJobScheduler, type SchedulerTimers } from "../../lib/jobs/job-scheduler";
import { silentLogger } from "../../lib/logging/logger";
import { TestClock } from "../support/test-app";

/** Timers that only record what was asked. */
function fakeTimers() {
  const armed: Array<{ callback: () => void; delayMs: number; cleared: boolean }> = [];
  const timers: SchedulerTimers = {
    setTimeout(callback, delayMs) {
      // A fired timer is spent, like a real one.
      const entry = {
        callback: () => {
          entry.cleared = true;
          callback();
        },
        delayMs,
        cleared: false,
      };
      armed.push(entry);
      return entry;
    },
    clearTimeout(handle) {
      (handle as { cleared: boolean }).cleared = true;
    },
  };
  return { armed, timers, live: () => armed.filter((entry) => !entry.cleared) };
}

const at = (time: string) => Date.parse(time);

describe("job schedules", () => {
  it("computes the next run strictly after now, in UTC", () => {
    expect(nextRunAfter(JOBS.rollup.schedule, at("2026-11-26T12:30:00Z"))).toBe(at("2026-11-26T13:00:00Z"));
    expect(nextRunAfter(JOBS.rollup.schedule, at("2026-11-26T13:00:00Z"))).toBe(at("2026-11-26T14:00:00Z"));
    expect(nextRunAfter(JOBS.purge.schedule, at("2026-11-26T12:30:00Z"))).toBe(at("2026-11-27T02:00:00Z"));
    expect(nextRunAfter(JOBS.purge.schedule, at("2026-11-26T01:59:59Z"))).toBe(at("2026-11-26T02:00:00Z"));
    expect(nextRunAfter(JOBS["error-rate"].schedule, at("2026-11-26T12:31:00Z"))).toBe(at("2026-11-26T12:35:00Z"));
    expect(nextRunAfter(JOBS["key-status"].schedule, at("2026-11-26T12:31:00Z"))).toBe(at("2026-11-26T13:00:00Z"));
  });
});

describe("job scheduler", () => {
  it("runs due jobs on the injected clock, one after another, and re-arms one timer", async () => {
    const clock = new TestClock(at("2026-11-26T12:30:00Z"));
    const { timers, live } = fakeTimers();
    const ran: Array<[JobName, string]> = [];
    const scheduler = startJobScheduler({
      run: async (name) => {
        ran.push([name, new Date(clock.now()).toISOString()]);
        if (name === "error-rate") throw new Error("check failed");
      },
      clock,
      logger: silentLogger,
      timers,
      maxDelayMs: 86_400_000,
    });
    expect(live()).toHaveLength(1);
    expect(live()[0].delayMs).toBe(5 * 60_000);
    expect(await scheduler.runDue()).toEqual([]);

    clock.current = at("2026-11-26T12:35:00Z");
    live()[0].callback();
    expect(await scheduler.runDue()).toEqual(["error-rate"]);
    expect(live()).toHaveLength(1);
    expect(live()[0].delayMs).toBe(5 * 60_000);

    clock.current = at("2026-11-26T13:00:00Z");
    // A failing job neither stops the scheduler nor the jobs after it.
    expect(await scheduler.runDue()).toEqual(["rollup", "error-rate", "key-status"]);
    expect(scheduler.nextRuns()).toMatchObject({ rollup: at("2026-11-26T14:00:00Z"), purge: at("2026-11-27T02:00:00Z"), "key-status": at("2026-11-26T13:30:00Z") });

    scheduler.stop();
    expect(live()).toHaveLength(0);
    expect(ran.map(([name]) => name)).toEqual(["error-rate", "rollup", "error-rate", "key-status"]);
  });

  it("caps a timer at maxDelayMs so a jumped clock is noticed", () => {
    const clock = new TestClock(at("2026-11-26T12:30:00Z"));
    const { timers, live } = fakeTimers();
    const scheduler = startJobScheduler({ run: async () => undefined, clock, logger: silentLogger, timers, jobs: ["purge"] });
    expect(live()[0].delayMs).toBe(60_000);
    scheduler.stop();
  });

  it("uses unref'd Node timers by default", () => {
    const handle = nodeTimers.setTimeout(() => undefined, 10_000) as NodeJS.Timeout;
    expect(handle.hasRef()).toBe(false);
    nodeTimers.clearTimeout(handle);
  });
});
