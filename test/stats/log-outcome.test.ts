/**
 * The outcome each request's log row gets, through the real gateway: what the provider or the
 * gateway could not answer is `failed` (an upstream error, every key busy, no key at all, a key
 * answering 400 once routed), what the client was refused before routing is `rejected` (bad
 * JSON, an unknown model), answers are `served`; the failover flag follows the
 * attempts; and a replayed line from a version without outcomes gets the stored-row rule.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { replayApiLogLines } from "../../lib/gateway/api-log-writer";
import { logOutcome } from "../../lib/stats/log-outcome";
import { reply } from "../support/fake-upstream";
import { chatBody, startGatewayFixture, type GatewayFixture } from "../gateway/gateway-fixtures";

const PRIMARY = "sk-outcome-primary-00000001";
const BACKUP = "sk-outcome-backup-000000002";

describe("log row outcomes", () => {
  let g: GatewayFixture;
  beforeEach(async () => {
    g = await startGatewayFixture();
  });
  afterEach(async () => {
    await g?.close();
  });

  const lastRow = async () => (await g.logRows()).at(-1)!;

  it("marks provider and gateway failures failed and answers served, with the failover flag", async () => {
    await g.addKey("openai", PRIMARY, { priority: 10, rateLimitRpm: 2 });
    await g.addKey("openai", BACKUP, { priority: 1, rateLimitRpm: 1 });
    g.upstream.script(PRIMARY, [reply.serverError(), reply.badRequest("context too long")]);
    g.upstream.script(BACKUP, reply.ok());

    expect((await g.chat(chatBody("gpt-4o-mini"))).status).toBe(200);
    expect(await lastRow()).toMatchObject({ outcome: "served", attempts: 2, failed_over: 1 });
    // The provider refused the input once routed: its outcome, not a refusal before routing.
    expect((await g.chat(chatBody("gpt-4o-mini"))).status).toBe(400);
    expect(await lastRow()).toMatchObject({ outcome: "failed", attempts: 1, failed_over: 0 });
    // Both keys' RPM used up: every key busy, no upstream call, still the provider's side.
    expect((await g.chat(chatBody("gpt-4o-mini"))).status).toBe(429);
    expect(await lastRow()).toMatchObject({ outcome: "failed", attempts: 0, provider_id: 1 });
    // No key configured for Anthropic.
    expect((await g.chat(chatBody("claude-sonnet-4-6"))).status).toBe(503);
    expect(await lastRow()).toMatchObject({ outcome: "failed", attempts: 0 });
  });

  it("marks what the client is refused before routing rejected", async () => {
    await g.addKey("openai", PRIMARY);
    expect((await g.chat("{not json")).status).toBe(400);
    expect(await lastRow()).toMatchObject({ outcome: "rejected", http_status: 400 });
    expect((await g.chat(chatBody("no-such-model"))).status).toBe(404);
    expect(await lastRow()).toMatchObject({ outcome: "rejected", http_status: 404 });
    expect(g.upstream.requests).toHaveLength(0);
  });

  it("counts budget refusals apart, and replays an old line with the stored-row rule", async () => {
    expect(logOutcome({ status: "error", httpStatus: 429, errorCode: "budget_exceeded", routed: false })).toBe("budget");
    expect(logOutcome({ status: "error", httpStatus: 429, errorCode: "token_quota_exceeded", routed: false })).toBe("budget");
    const old = (requestId: string, fields: Record<string, unknown>) =>
      JSON.stringify({ type: "api_log", row: { request_id: requestId, client_id: null, client_name: null, model: "gpt-4o-mini", prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, tokens_estimated: 0, cost: 0, latency_ms: 3, is_stream: 0, created_at: g.clock.now(), ...fields } });
    const result = await replayApiLogLines(g.database.handle.db, [
      old("old-rpm", { provider_id: null, key_id: null, status: "error", http_status: 429, error_code: "rate_limit_exceeded", attempts: 0 }),
      old("old-busy", { provider_id: 1, key_id: null, status: "error", http_status: 429, error_code: "rate_limit_exceeded", attempts: 0 }),
      old("old-failover", { provider_id: 1, key_id: 1, status: "success", http_status: 200, error_code: null, attempts: 3 }),
    ]);
    expect(result).toMatchObject({ rows: 3, inserted: 3, invalid: 0 });
    const rows = await g.logRows();
    expect(rows.map((row) => [row.request_id, row.outcome, row.failed_over])).toEqual([
      ["old-rpm", "rejected", 0],
      ["old-busy", "failed", 0],
      ["old-failover", "served", 1],
    ]);
  });
});
