/**
 * A run is bounded: past its time it fails, says so, and releases its lock; the lock a killed run
 * leaves behind lasts the run's bound (plus a margin), not a Lambda's maximum, so an on-demand run
 * killed with the 30-second API function never makes the scheduled runs skip for long.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobContextFrom } from "../../lib/jobs/job-context";
import { LOCK_MARGIN_MS, ON_DEMAND_MAX_RUN_MS, runJob } from "../../lib/jobs/job-registry";
import { createTestApp, type TestApp } from "../support/test-app";

describe("job run bounds", () => {
  let hanging: Server;
  let t: TestApp;

  beforeAll(async () => {
    // A webhook that never answers keeps the key-status job busy (5 s per delivery try).
    hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/hook`;
    t = await createTestApp({ env: { ALERT_WEBHOOK_URL: url } });
    const now = t.clock.now();
    await t.database.handle.db
      .insertInto("t_ai_api_keys")
      .values({ provider_id: 1, key_name: "broken", api_key: "v1:x", key_hint: "sk-…abc", status: "invalid", status_reason: "401", status_changed_at: now, created_at: now, updated_at: now })
      .execute();
  });
  afterAll(async () => {
    hanging.closeAllConnections();
    await new Promise<void>((resolve) => hanging.close(() => resolve()));
    await t.close();
  });

  it("a run past its time fails, says why, and frees the lock at once", async () => {
    const context = jobContextFrom(t.deps);
    const started = performance.now();
    const result = await runJob("key-status", context, { timeoutMs: 200 });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({ status: "failed", error: expect.stringContaining("timed out") });
    expect(await t.deps.limits.claim("job:key-status:running", 1000, t.clock.now())).toBe(true);
    await t.deps.limits.release("job:key-status:running");
    const state = await t.database.handle.db.selectFrom("t_sys_job_state").selectAll().where("job_name", "=", "key-status").executeTakeFirstOrThrow();
    expect(state.last_status).toBe("failed");
  });

  it("an on-demand run holds its lock no longer than the API function may live", async () => {
    const token = await t.adminToken();
    // A newly broken key is due for an alert (the first one's incident is open already).
    const now = t.clock.now();
    await t.database.handle.db
      .insertInto("t_ai_api_keys")
      .values({ provider_id: 2, key_name: "broken-too", api_key: "v1:y", key_hint: "sk-…def", status: "invalid", status_reason: "401", status_changed_at: now, created_at: now, updated_at: now })
      .execute();
    // Left running, as a run on a Lambda that is then killed would be.
    const onDemand = t.request("POST", "/api/admin/jobs/key-status/run", undefined, token);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await runJob("key-status", jobContextFrom(t.deps), { timeoutMs: 100 })).toMatchObject({ status: "skipped" });
    t.clock.advance(ON_DEMAND_MAX_RUN_MS + LOCK_MARGIN_MS + 1);
    // The scheduled run is no longer locked out.
    expect((await runJob("key-status", jobContextFrom(t.deps), { timeoutMs: 100 })).status).not.toBe("skipped");
    hanging.closeAllConnections();
    expect((await onDemand).status).toBe(200);
  });
});
