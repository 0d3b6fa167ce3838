/**
 * A non-streamed chat sends no byte until it is done, so behind API Gateway's idle limit the whole
 * request (failover included) is bounded, and the admin API accepts no provider timeout above it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NON_STREAMED_DEADLINE_MS, PROVIDER_TIMEOUT_MAX_MS, API_GATEWAY_IDLE_LIMIT_MS } from "../../lib/config/deploy-bounds";
import { reply } from "../support/fake-upstream";
import { chatBody, startGatewayFixture, type GatewayFixture } from "./gateway-fixtures";

describe("non-streamed deadline", () => {
  let g: GatewayFixture;
  beforeAll(async () => {
    g = await startGatewayFixture({ gateway: { nonStreamedDeadlineMs: 400 } });
  });
  afterAll(() => g.close());

  it("answers 504 at the deadline, across failover, and blames no key", async () => {
    const first = await g.addKey("openai", "sk-deadline-slow-000001", { priority: 10 });
    const second = await g.addKey("openai", "sk-deadline-slow-000002", { priority: 5 });
    // Each attempt alone fits the provider timeout (10 s); together they would not fit the deadline.
    g.upstream.script("sk-deadline-slow-000001", reply.slow(300, reply.serverError()));
    g.upstream.script("sk-deadline-slow-000002", reply.hang());
    const started = performance.now();
    const response = await g.chat(chatBody("gpt-4o-mini"));
    const elapsed = performance.now() - started;
    expect(response.status).toBe(504);
    expect(((await response.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: "upstream_timeout", message: expect.stringContaining("stream: true") });
    expect(elapsed).toBeLessThan(2000);
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect((await g.keyRow(second)).status).toBe("normal");
    expect((await g.keyRow(second)).consecutive_failures).toBe(0);
    expect(first).toBeGreaterThan(0);
  });

  it("bounds a translated call too (Chat door to an Anthropic model)", async () => {
    g.upstream.reset();
    const key = await g.addKey("anthropic", "sk-ant-deadline-00000001");
    g.upstream.script("sk-ant-deadline-00000001", reply.hang());
    const started = performance.now();
    const response = await g.chat(chatBody("claude-sonnet-4-6"));
    expect(response.status).toBe(504);
    expect(performance.now() - started).toBeLessThan(2000);
    expect((await g.keyRow(key)).status).toBe("normal");
  });

  it("streams are not bounded by it", async () => {
    g.upstream.reset();
    await g.addKey("deepseek", "sk-deadline-stream-0001");
    g.upstream.script("sk-deadline-stream-0001", reply.slow(600, reply.ok({ content: "late but streamed", chunks: ["late but streamed"] })));
    const response = await g.chat(chatBody("deepseek-chat", "hi", { stream: true }));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("late but streamed");
  });

  it("the admin API accepts provider timeouts up to the bound and no more", async () => {
    const token = await g.adminToken();
    const over = await g.request("PUT", "/api/admin/ai-providers/1", { timeout: PROVIDER_TIMEOUT_MAX_MS + 1 }, token);
    expect(over.status).toBe(400);
    expect(((await over.json()) as { errors: Array<{ field: string }> }).errors[0].field).toBe("timeout");
    expect((await g.request("PUT", "/api/admin/ai-providers/1", { timeout: 900_000 }, token)).status).toBe(400);
    expect((await g.request("PUT", "/api/admin/ai-providers/1", { timeout: PROVIDER_TIMEOUT_MAX_MS }, token)).status).toBe(200);
    expect(NON_STREAMED_DEADLINE_MS).toBeLessThan(API_GATEWAY_IDLE_LIMIT_MS);
  });
});
