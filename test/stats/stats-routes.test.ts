import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewApiLogRow } from "../../db/schema";
import { jobContextFrom } from "../../lib/jobs/job-context";
import { runHourlyRollup } from "../../lib/jobs/hourly-rollup";
import { createTestApp, type TestApp } from "../support/test-app";
import { TEST_DATABASE_KINDS, testDatabaseAvailable } from "../support/test-databases";
import { histogramPercentile } from "../../lib/stats/latency-histogram";
import { MAX_EXPORT_ROWS } from "../../lib/stats/log-routes";
import { DAY, HOUR, MINUTE, insertLogs, logRow, randomLogs, referenceHistograms, rowOutcome, seededRandom } from "../jobs/job-fixtures";

/** Totals computed in JavaScript from the generated rows. */
function expectedTotals(rows: NewApiLogRow[], filter: (row: NewApiLogRow) => boolean) {
  const selected = rows.filter(filter);
  const counted = (outcome: string) => selected.filter((row) => rowOutcome(row) === outcome).length;
  return {
    requests: selected.length,
    successCount: counted("served"),
    errorCount: counted("failed"),
    rejectedCount: counted("rejected"),
    budgetRefusedCount: counted("budget"),
    promptTokens: selected.reduce((sum, row) => sum + (row.prompt_tokens ?? 0), 0),
    totalTokens: selected.reduce((sum, row) => sum + (row.total_tokens ?? 0), 0),
    cost: selected.reduce((sum, row) => sum + (row.cost ?? 0), 0),
    avgLatencyMs: selected.length ? selected.reduce((sum, row) => sum + (row.latency_ms ?? 0), 0) / selected.length : null,
    maxLatencyMs: selected.length ? Math.max(...selected.map((row) => row.latency_ms ?? 0)) : null,
  };
}

function expectTotalsMatch(actual: any, expected: ReturnType<typeof expectedTotals>) {
  const { requests, successCount, errorCount, rejectedCount, budgetRefusedCount, promptTokens, totalTokens, maxLatencyMs } = actual;
  expect({ requests, successCount, errorCount, rejectedCount, budgetRefusedCount, promptTokens, totalTokens, maxLatencyMs }).toEqual({
    requests: expected.requests,
    successCount: expected.successCount,
    errorCount: expected.errorCount,
    rejectedCount: expected.rejectedCount,
    budgetRefusedCount: expected.budgetRefusedCount,
    promptTokens: expected.promptTokens,
    totalTokens: expected.totalTokens,
    maxLatencyMs: expected.maxLatencyMs,
  });
  expect(actual.cost).toBeCloseTo(expected.cost, 6);
  if (expected.avgLatencyMs === null) expect(actual.avgLatencyMs).toBeNull();
  else expect(actual.avgLatencyMs).toBeCloseTo(expected.avgLatencyMs, 0);
  const routed = expected.successCount + expected.errorCount;
  expect(actual.successRate).toBe(routed ? expected.successCount / routed : null);
}

/** Provider keys 10..31 and client keys 1..2, the ids the generated rows use, named `key-<id>` and `client-<id>`. */
async function nameKeysAndClients(testApp: TestApp) {
  const { db } = testApp.database.handle;
  const now = testApp.clock.now();
  for (const id of [10, 11, 20, 21, 30, 31]) {
    await db
      .insertInto("t_ai_api_keys")
      .values({ id, provider_id: Math.floor(id / 10), key_name: `key-${id}`, api_key: testApp.deps.cipher.encrypt(`sk-test-${id}`), key_hint: "sk-…", status: "normal", consecutive_failures: 0, is_active: 1, created_at: now, updated_at: now } as never)
      .execute();
  }
  for (const id of [1, 2]) {
    await db
      .insertInto("t_client_keys")
      .values({ id, name: `client-${id}`, key_hash: String(id).repeat(64).slice(0, 64), key_hint: "mg-…", allowed_models: null, rate_limit_rpm: null, is_active: 1, last_used_at: null, created_at: now, revoked_at: null } as never)
      .execute();
  }
}

/** A small RFC 4180 reader: quoted cells, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = "";
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      record.push(cell);
      cell = "";
    } else if (char === "\r" && text[index + 1] === "\n") {
      record.push(cell);
      records.push(record);
      record = [];
      cell = "";
      index += 1;
    } else cell += char;
  }
  return records;
}

/** The nearest-rank percentile of exact values. */
function exactPercentile(values: number[], quantile: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(quantile * sorted.length)) - 1];
}

/** A usage item against its rows: counts exactly, percentiles as the histograms give them and within the stated bound. */
function expectUsageMatches(item: any, members: NewApiLogRow[], label: string) {
  const counted = (outcome: string) => members.filter((row) => rowOutcome(row) === outcome).length;
  const served = counted("served");
  const failed = counted("failed");
  expect({ label, requests: item.requests, served: item.served, failed: item.failed, rejected: item.rejected, budgetRefused: item.budgetRefused, totalTokens: item.totalTokens }).toEqual({
    label,
    requests: members.length,
    served,
    failed,
    rejected: counted("rejected"),
    budgetRefused: counted("budget"),
    totalTokens: members.reduce((sum, row) => sum + (row.total_tokens ?? 0), 0),
  });
  expect(item.successRate, label).toBe(served + failed ? served / (served + failed) : null);
  expect(item.cost, label).toBeCloseTo(members.reduce((sum, row) => sum + (row.cost ?? 0), 0), 6);
  const routed = members.filter((row) => ["served", "failed"].includes(rowOutcome(row)));
  const histograms = referenceHistograms(members);
  const checks = [
    [item.p50LatencyMs, histograms.latency, routed.map((row) => row.latency_ms), 0.5],
    [item.p95LatencyMs, histograms.latency, routed.map((row) => row.latency_ms), 0.95],
    [item.p50TtftMs, histograms.ttft, routed.flatMap((row) => (row.ttft_ms == null ? [] : [row.ttft_ms])), 0.5],
    [item.p95TtftMs, histograms.ttft, routed.flatMap((row) => (row.ttft_ms == null ? [] : [row.ttft_ms])), 0.95],
  ] as const;
  for (const [reported, histogram, values, quantile] of checks) {
    expect(reported, `${label} p${quantile * 100}`).toBe(histogramPercentile(histogram, quantile));
    const exact = exactPercentile(values, quantile);
    if (exact === null) expect(reported).toBeNull();
    else expect(Math.abs(reported - exact), `${label} p${quantile * 100}: ${reported} vs exact ${exact}`).toBeLessThanOrEqual(0.091 * exact + 0.5);
  }
}

for (const kind of TEST_DATABASE_KINDS) {
  const available = await testDatabaseAvailable(kind, "stats routes");
  describe.skipIf(!available)(`/api/admin/ai-stats and /api/admin/ai-logs on ${kind}`, () => {
    let testApp: TestApp;
    let token: string;
    const rows: NewApiLogRow[] = [];
    const rollupAt = Date.UTC(2026, 10, 26, 12, 0, 0);
    const now = rollupAt + 90 * MINUTE;
    const get = async (path: string) => {
      const response = await testApp.request("GET", path, undefined, token);
      return { status: response.status, body: (await response.json()) as any };
    };

    beforeAll(async () => {
      testApp = await createTestApp({ kind });
      token = await testApp.adminToken();
      await nameKeysAndClients(testApp);
      rows.push(...randomLogs(seededRandom(7), 1200, rollupAt - 3 * DAY, now));
      await insertLogs(jobContextFrom(testApp.deps), rows);
      testApp.clock.current = rollupAt;
      await runHourlyRollup(jobContextFrom(testApp.deps));
      // 90 minutes later: the last hour and a half are the not-yet-rolled-up tail.
      testApp.clock.current = now;
    });
    afterAll(async () => {
      await testApp?.close();
    });

    it("totals an unaligned range from rollups plus logs, matching the rows", async () => {
      const from = rollupAt - 2 * DAY + 17 * MINUTE;
      const { status, body } = await get(`/api/admin/ai-stats?from=${from}&to=${new Date(now).toISOString()}`);
      expect(status).toBe(200);
      expect(body.code).toBe(200);
      expect(body.data.rolledUpThrough).toBe(new Date(rollupAt).toISOString());
      expectTotalsMatch(body.data, expectedTotals(rows, (row) => row.created_at >= from && row.created_at < now));
    });

    it("defaults to the last 24 hours and filters by provider, key, model and client", async () => {
      const dayAgo = now - DAY;
      const inRange = (row: NewApiLogRow) => row.created_at >= dayAgo && row.created_at < now;
      expectTotalsMatch((await get("/api/admin/ai-stats")).body.data, expectedTotals(rows, inRange));
      expectTotalsMatch((await get("/api/admin/ai-stats?providerId=2")).body.data, expectedTotals(rows, (row) => inRange(row) && row.provider_id === 2));
      expectTotalsMatch((await get("/api/admin/ai-stats?providerId=0")).body.data, expectedTotals(rows, (row) => inRange(row) && row.provider_id === null));
      expectTotalsMatch((await get("/api/admin/ai-stats?keyId=11")).body.data, expectedTotals(rows, (row) => inRange(row) && row.key_id === 11));
      expectTotalsMatch((await get("/api/admin/ai-stats?model=gpt-4.1-mini")).body.data, expectedTotals(rows, (row) => inRange(row) && row.model === "gpt-4.1-mini"));
      expectTotalsMatch((await get("/api/admin/ai-stats?clientId=2&providerId=1")).body.data, expectedTotals(rows, (row) => inRange(row) && row.client_id === 2 && row.provider_id === 1));
    });

    it("serves hourly series per provider with every bucket filled", async () => {
      const from = rollupAt - 6 * HOUR;
      const { body } = await get(`/api/admin/ai-stats/timeseries?interval=hour&groupBy=provider&from=${from}&to=${now}`);
      expect(body.data).toMatchObject({ interval: "hour", groupBy: "provider" });
      const points = body.data.points as any[];
      const groups = [0, 1, 2, 3];
      expect(points).toHaveLength(8 * groups.length);
      for (const point of points) {
        const bucket = Date.parse(point.bucketStart);
        const expected = expectedTotals(rows, (row) => row.created_at >= bucket && row.created_at < Math.min(bucket + HOUR, now) && (row.provider_id ?? 0) === point.group);
        expectTotalsMatch(point, expected);
      }
      expect(points.find((point) => point.group === 1).label).toBe("OpenAI");
      expect(points.find((point) => point.group === 0).label).toBe("(no provider)");
    });

    it("serves daily series per client with client names", async () => {
      const from = rollupAt - 3 * DAY;
      const { body } = await get(`/api/admin/ai-stats/timeseries?interval=day&groupBy=client&from=${from}&to=${now}`);
      const points = body.data.points as any[];
      expect([...new Set(points.map((point) => point.group))].sort()).toEqual([1, 2]);
      for (const point of points) {
        const bucket = Date.parse(point.bucketStart);
        expect(point.label).toBe(`client-${point.group}`);
        expectTotalsMatch(point, expectedTotals(rows, (row) => row.created_at >= Math.max(bucket, from) && row.created_at < Math.min(bucket + DAY, now) && row.client_id === point.group));
      }
    });

    it("serves daily series in a local time zone", async () => {
      const offset = 8 * HOUR;
      const from = rollupAt - 3 * DAY;
      const { body } = await get(`/api/admin/ai-stats/timeseries?interval=day&tzOffsetMinutes=480&from=${from}&to=${now}`);
      const points = body.data.points as any[];
      for (const point of points) {
        const bucket = Date.parse(point.bucketStart);
        expect((bucket + offset) % DAY).toBe(0);
        expectTotalsMatch(point, expectedTotals(rows, (row) => row.created_at >= Math.max(bucket, from) && row.created_at < Math.min(bucket + DAY, now)));
      }
      expect(points.reduce((sum, point) => sum + point.requests, 0)).toBe(rows.filter((row) => row.created_at >= from && row.created_at < now).length);
    });

    it("shows usage by provider, model, key and client with honest rates and percentiles over rollups plus logs", async () => {
      const groupOf: Record<string, (row: NewApiLogRow) => number | string> = {
        provider: (row) => row.provider_id ?? 0,
        model: (row) => row.model,
        key: (row) => row.key_id ?? 0,
        client: (row) => row.client_id ?? 0,
      };
      const inRange = rows.filter((row) => row.created_at >= now - 7 * DAY && row.created_at < now);
      for (const [groupBy, groupFn] of Object.entries(groupOf)) {
        const { status, body } = await get(`/api/admin/ai-stats/usage?range=7d&groupBy=${groupBy}`);
        expect(status, groupBy).toBe(200);
        expect(body.data).toMatchObject({ groupBy, from: new Date(now - 7 * DAY).toISOString(), to: new Date(now).toISOString() });
        const groups = [...new Set(inRange.map(groupFn))];
        expect(body.data.items.map((item: any) => item.group).sort(), groupBy).toEqual(groups.sort());
        for (const item of [...body.data.items, { ...body.data.totals, group: "(totals)" }]) {
          const members = item.group === "(totals)" ? inRange : inRange.filter((row) => groupFn(row) === item.group);
          expectUsageMatches(item, members, `${groupBy} ${item.group}`);
        }
        const requests = body.data.items.map((item: any) => item.requests);
        expect(requests).toEqual([...requests].sort((a, b) => b - a));
      }
      const byClient = (await get("/api/admin/ai-stats/usage?range=7d&groupBy=client")).body.data.items;
      expect(byClient.find((item: any) => item.group === 2).label).toBe("client-2");
      const byKey = (await get("/api/admin/ai-stats/usage?range=24h&groupBy=key&providerId=1")).body.data.items;
      expect(byKey.map((item: any) => item.label).sort()).toEqual(["(no key)", "key-10", "key-11"]);
    });

    it("refuses a bad usage query with the field named", async () => {
      for (const path of ["/api/admin/ai-stats/usage?range=1y", `/api/admin/ai-stats/usage?range=7d&from=${now - DAY}`, "/api/admin/ai-stats/usage?groupBy=none"]) {
        const { status, body } = await get(path);
        expect(status, path).toBe(400);
        expect(body.errors?.[0]?.field, path).toMatch(/range|groupBy/);
      }
    });

    it("lists the top errors", async () => {
      const { body } = await get(`/api/admin/ai-stats/top-errors?from=${rollupAt - 3 * DAY}&limit=3`);
      const counts = new Map<string, number>();
      for (const row of rows.filter((row) => row.status !== "success")) {
        const id = `${row.error_code}|${rowOutcome(row)}|${row.provider_id}|${row.client_id}|${row.key_id}`;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      const expected = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([, count]) => count);
      expect(body.data.items.map((item: any) => item.count)).toEqual(expected);
      expect(body.data.items[0]).toMatchObject({ errorCode: expect.any(String), outcome: expect.any(String), clientId: expect.any(Number), lastSeenAt: expect.any(String) });
      for (const item of body.data.items) {
        expect(item.keyName).toBe(item.keyId === null ? null : `key-${item.keyId}`);
        expect(item.clientName).toBe(item.clientId === null ? null : `client-${item.clientId}`);
      }
    });

    it("rejects bad parameters with the field named, and callers without a token", async () => {
      const cases = [
        "/api/admin/ai-stats?from=yesterday",
        `/api/admin/ai-stats?from=${now}&to=${now - 1}`,
        "/api/admin/ai-stats/timeseries?interval=week",
        `/api/admin/ai-stats/timeseries?interval=hour&from=${now - 40 * DAY}&to=${now}`,
        "/api/admin/ai-logs?limit=500",
        "/api/admin/ai-logs?status=weird",
      ];
      for (const path of cases) {
        const { status, body } = await get(path);
        expect(status, path).toBe(400);
        expect(body.code).toBe(400);
        expect(body.errors?.length, path).toBeGreaterThan(0);
      }
      expect((await testApp.request("GET", "/api/admin/ai-stats")).status).toBe(401);
    });

    it("pages through logs newest first with a keyset cursor", async () => {
      const expected = rows.filter((row) => row.provider_id === 2 && row.created_at >= now - 2 * DAY).sort((a, b) => b.created_at - a.created_at);
      const seen: any[] = [];
      let cursor: number | null = null;
      do {
        const { body }: { body: any } = await get(`/api/admin/ai-logs?providerId=2&from=${now - 2 * DAY}&limit=37${cursor ? `&cursor=${cursor}` : ""}`);
        seen.push(...body.data.items);
        cursor = body.data.nextCursor;
      } while (cursor !== null);
      expect(seen.map((item) => item.requestId)).toEqual(expected.map((row) => row.request_id));
      expect(new Set(seen.map((item) => item.id)).size).toBe(seen.length);

      const errors = await get("/api/admin/ai-logs?status=error&errorCode=rate_limited&limit=200");
      expect(errors.body.data.items.length).toBe(Math.min(200, rows.filter((row) => row.status === "error" && row.error_code === "rate_limited").length));
      expect(errors.body.data.items.every((item: any) => item.status === "error" && item.errorCode === "rate_limited")).toBe(true);
      const byClient = await get(`/api/admin/ai-logs?clientId=1&model=deepseek-chat&limit=5`);
      expect(byClient.body.data.items.every((item: any) => item.clientId === 1 && item.model === "deepseek-chat")).toBe(true);
    });

    it("filters logs to failovers and to one outcome, on keyset pages", async () => {
      const collect = async (filter: string) => {
        const seen: any[] = [];
        let cursor: number | null = null;
        do {
          const { body }: { body: any } = await get(`/api/admin/ai-logs?${filter}&limit=50${cursor ? `&cursor=${cursor}` : ""}`);
          seen.push(...body.data.items);
          cursor = body.data.nextCursor;
        } while (cursor !== null);
        return seen;
      };
      const newestFirst = (selected: NewApiLogRow[]) => [...selected].sort((a, b) => b.created_at - a.created_at).map((row) => row.request_id);
      const failovers = await collect("failoversOnly=true");
      expect(failovers.length).toBeGreaterThan(0);
      expect(failovers.map((item) => item.requestId)).toEqual(newestFirst(rows.filter((row) => row.attempts > 1)));
      // Rows written before the column existed have no stored outcome; the filter reads the column.
      const rejected = await collect(`outcome=rejected&from=${now - 2 * DAY}`);
      expect(rejected.map((item) => item.requestId)).toEqual(newestFirst(rows.filter((row) => row.outcome === "rejected" && row.created_at >= now - 2 * DAY)));
      expect(rejected.every((item) => item.outcome === "rejected" && item.attempts === 0)).toBe(true);
      const both = await collect("failoversOnly=true&outcome=served");
      expect(both.every((item) => item.attempts > 1 && item.outcome === "served")).toBe(true);
      for (const path of ["/api/admin/ai-logs?failoversOnly=yes", "/api/admin/ai-logs?outcome=lost", "/api/admin/ai-logs/export.csv?outcome=lost"]) {
        const { status, body } = await get(path);
        expect(status, path).toBe(400);
        expect(body.errors[0].field, path).toMatch(/failoversOnly|outcome/);
      }
    });

    it("exports the filtered logs as CSV: the same rows, newest first, spreadsheet-safe, no secrets", async () => {
      const hostile = logRow({ created_at: now - 5 * MINUTE, provider_id: 2, key_id: 20, client_name: "@SUM(A1:A9)", status: "error", outcome: "failed", http_status: 502, error_code: "upstream_error", error_message: '=HYPERLINK("http://evil.example","click"), then "quotes"\nand a line' });
      await insertLogs(jobContextFrom(testApp.deps), [hostile]);
      rows.push(hostile);
      const filter = `providerId=2&outcome=failed&from=${now - 2 * DAY}`;
      const response = await testApp.request("GET", `/api/admin/ai-logs/export.csv?${filter}`, undefined, token);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
      expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="ai-logs-.*\.csv"$/);
      const text = await response.text();
      const [header, ...records] = parseCsv(text);
      expect(header.slice(0, 4)).toEqual(["id", "createdAt", "requestId", "outcome"]);
      const column = (name: string) => header.indexOf(name);
      const expected = rows.filter((row) => row.provider_id === 2 && row.outcome === "failed" && row.created_at >= now - 2 * DAY).sort((a, b) => b.created_at - a.created_at);
      expect(records.map((record) => record[column("requestId")])).toEqual(expected.map((row) => row.request_id));
      expect(response.headers.get("x-export-rows")).toBe(String(expected.length));
      expect(response.headers.get("x-export-truncated")).toBe("false");
      const hostileRecord = records.find((record) => record[column("requestId")] === hostile.request_id)!;
      expect(hostileRecord[column("errorMessage")]).toBe(`'${hostile.error_message}`);
      expect(hostileRecord[column("clientName")]).toBe("'@SUM(A1:A9)");
      expect(text).not.toMatch(/sk-test-|api_key|key_hash/);
      expect((await testApp.request("GET", "/api/admin/ai-logs/export.csv")).status).toBe(401);
    });

    it("caps an export at its stated row maximum and says so", async () => {
      const base = rollupAt - 10 * DAY;
      const many = Array.from({ length: MAX_EXPORT_ROWS + 5 }, (_, index) => logRow({ created_at: base + index, model: "bulk-model" }));
      await insertLogs(jobContextFrom(testApp.deps), many);
      const response = await testApp.request("GET", `/api/admin/ai-logs/export.csv?model=bulk-model&from=${base}&to=${base + DAY}`, undefined, token);
      expect(response.headers.get("x-export-rows")).toBe(String(MAX_EXPORT_ROWS));
      expect(response.headers.get("x-export-truncated")).toBe("true");
      const records = parseCsv(await response.text()).slice(1);
      expect(records).toHaveLength(MAX_EXPORT_ROWS);
      expect(records[0][2]).toBe(many.at(-1)!.request_id);
      expect(records.at(-1)![2]).toBe(many[5].request_id);
    });

    it("answers rolled-up hours from usage stats, so purged logs still count", async () => {
      const from = rollupAt - 3 * DAY;
      const to = rollupAt - 2 * DAY;
      await testApp.deps.database.db.deleteFrom("t_ai_api_logs").where("created_at", "<", to).execute();
      const { body } = await get(`/api/admin/ai-stats?from=${from}&to=${to}`);
      expectTotalsMatch(body.data, expectedTotals(rows, (row) => row.created_at >= from && row.created_at < to));
      expect(body.data.requests).toBeGreaterThan(0);
    });

    it("shows one log with its attempt errors, and 404 for an unknown id", async () => {
      const first = (await get("/api/admin/ai-logs?limit=1")).body.data.items[0];
      await testApp.deps.database.db
        .updateTable("t_ai_api_logs")
        .set({ attempt_errors: JSON.stringify([{ keyId: 10, code: "rate_limited", status: 429, latencyMs: 12 }]) })
        .where("id", "=", first.id)
        .execute();
      const { body } = await get(`/api/admin/ai-logs/${first.id}`);
      expect(body.data).toMatchObject({ id: first.id, requestId: first.requestId, attemptErrors: [{ keyId: 10, code: "rate_limited", status: 429, latencyMs: 12 }] });
      expect((await get("/api/admin/ai-logs/999999999")).status).toBe(404);
    });
  });
}
