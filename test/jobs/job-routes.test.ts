import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/test-app";
import { TEST_DATABASE_KINDS, testDatabaseAvailable } from "../support/test-databases";
import { HOUR, logRow } from "./job-fixtures";

for (const kind of TEST_DATABASE_KINDS) {
  const available = await testDatabaseAvailable(kind, "job routes");
  describe.skipIf(!available)(`/api/admin/jobs on ${kind}`, () => {
    let testApp: TestApp;
    let token: string;
    beforeAll(async () => {
      testApp = await createTestApp({ kind });
      token = await testApp.adminToken();
      const now = testApp.clock.now();
      await testApp.deps.database.db
        .insertInto("t_ai_api_logs")
        .values([logRow({ created_at: now - 2 * HOUR }), logRow({ created_at: now - HOUR + 5 }), logRow({ created_at: now - 1 })])
        .execute();
    });
    afterAll(async () => {
      await testApp?.close();
    });

    it("runs a job on demand and reports it in the job list", async () => {
      const response = await testApp.request("POST", "/api/admin/jobs/rollup/run", undefined, token);
      expect(response.status).toBe(200);
      const { data } = (await response.json()) as any;
      expect(data).toMatchObject({ job: "rollup", status: "ok", startedAt: new Date(testApp.clock.now()).toISOString() });
      expect(data.summary).toMatchObject({ job: "rollup", hoursComputed: 2 });

      const list = (await (await testApp.request("GET", "/api/admin/jobs", undefined, token)).json()) as any;
      const rollup = list.data.find((job: any) => job.name === "rollup");
      expect(rollup).toMatchObject({ cron: "0 * * * *", lastStatus: "ok", lastRunAt: data.startedAt, rolledUpThrough: new Date(testApp.clock.now()).toISOString() });
      expect(rollup.lastSummary).toMatchObject({ hoursComputed: 2 });
      expect(list.data.map((job: any) => job.name)).toEqual(["rollup", "purge", "error-rate", "key-status"]);
      expect(list.data.find((job: any) => job.name === "purge").lastRunAt).toBeNull();
      expect(rollup).toMatchObject({
        schedule: "0 * * * *",
        nextRunAt: new Date(Math.floor(testApp.clock.now() / HOUR) * HOUR + HOUR).toISOString(),
        lastRun: { startedAt: data.startedAt, finishedAt: data.startedAt, ok: true, result: { hoursComputed: 2 } },
      });
      expect(list.data.find((job: any) => job.name === "purge")).toMatchObject({ lastRun: null, nextRunAt: expect.any(String) });
    });

    it("shows a failed last run with its reason", async () => {
      const now = testApp.clock.now();
      await testApp.deps.database.db
        .insertInto("t_sys_job_state")
        .values({ job_name: "error-rate", last_run_at: now - 60_000, last_finished_at: now - 59_000, last_status: "failed", last_summary: JSON.stringify({ error: "Error: database down" }), updated_at: now })
        .execute();
      const list = (await (await testApp.request("GET", "/api/admin/jobs", undefined, token)).json()) as any;
      expect(list.data.find((job: any) => job.name === "error-rate").lastRun).toEqual({
        startedAt: new Date(now - 60_000).toISOString(),
        finishedAt: new Date(now - 59_000).toISOString(),
        ok: false,
        error: "Error: database down",
      });
    });

    it("runs each job; a run already holding the lock is skipped", async () => {
      for (const name of ["purge", "error-rate", "key-status"]) {
        const body = (await (await testApp.request("POST", `/api/admin/jobs/${name}/run`, undefined, token)).json()) as any;
        expect(body.data).toMatchObject({ job: name, status: "ok" });
      }
      await testApp.deps.limits.claim("job:purge:running", 60_000, testApp.clock.now());
      const skipped = (await (await testApp.request("POST", "/api/admin/jobs/purge/run", undefined, token)).json()) as any;
      expect(skipped.data.status).toBe("skipped");
      await testApp.deps.limits.release("job:purge:running");
    });

    it("rejects unknown jobs and callers without a token", async () => {
      const unknown = await testApp.request("POST", "/api/admin/jobs/drop-tables/run", undefined, token);
      expect(unknown.status).toBe(400);
      expect(((await unknown.json()) as any).code).toBe(400);
      expect((await testApp.request("POST", "/api/admin/jobs/rollup/run")).status).toBe(401);
    });
  });
}
