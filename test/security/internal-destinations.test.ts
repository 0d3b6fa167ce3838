import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { chatBody, startGatewayFixture, type GatewayFixture } from "../gateway/gateway-fixtures";
import { createTestApp, type TestApp } from "../support/test-app";
import { startWebhookReceiver, type WebhookReceiver } from "../alerts/webhook-receiver";

/** Spellings of internal destinations an admin could type. */
const INTERNAL_URLS = [
  "http://169.254.169.254/latest/meta-data",
  "http://[fd00:ec2::254]",
  "http://metadata.google.internal/computeMetadata/v1",
  "http://127.0.0.1:6379",
  "http://2130706433",
  "http://0x7f000001/v1",
  "http://[::1]:8080",
  "http://localhost:11434/v1",
  "http://10.0.0.5/v1",
  "http://192.168.1.20/v1",
  "http://100.64.0.1/v1",
  "http://[fd12::1]/v1",
];

describe("admin API refuses internal destinations", () => {
  let t: TestApp;
  let token = "";
  beforeAll(async () => {
    // The default policy: no loopback, no private ranges.
    t = await createTestApp({ env: { ALLOW_LOOPBACK_UPSTREAMS: "false" } });
    token = await t.adminToken();
  });
  afterAll(() => t.close());

  it.each(INTERNAL_URLS)("provider baseUrl %s is a 400 naming baseUrl", async (baseUrl) => {
    const created = await t.request("POST", "/api/admin/ai-providers", { code: "internal", name: "Internal", baseUrl, apiFormat: "openai" }, token);
    expect(created.status).toBe(400);
    const body = (await created.json()) as { message: string; errors: Array<{ field: string }> };
    expect(body.errors[0].field).toBe("baseUrl");
    expect(body.message).toMatch(/baseUrl: points at/);
    const updated = await t.request("PUT", "/api/admin/ai-providers/1", { baseUrl }, token);
    expect(updated.status).toBe(400);
    expect(((await updated.json()) as { errors: Array<{ field: string }> }).errors[0].field).toBe("baseUrl");
  });

  it.each(INTERNAL_URLS)("webhook url %s is a 400 naming url", async (url) => {
    const created = await t.request("POST", "/api/admin/alerts/webhooks", { name: "hook", url }, token);
    expect(created.status).toBe(400);
    expect(((await created.json()) as { errors: Array<{ field: string }> }).errors[0].field).toBe("url");
  });

  it("keeps the stored rows as they were", async () => {
    const providers = await t.database.handle.db.selectFrom("t_ai_providers").select("base_url").execute();
    expect(providers.every((row) => row.base_url.startsWith("https://"))).toBe(true);
    const hooks = await t.database.handle.db.selectFrom("t_alert_webhooks").select("id").execute();
    expect(hooks).toEqual([]);
  });
});

describe("private upstreams when the operator allows them", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { ALLOW_LOOPBACK_UPSTREAMS: "false", ALLOW_PRIVATE_UPSTREAMS: "true" } });
  });
  afterAll(() => t.close());

  it("accepts RFC 1918 and ULA addresses but still refuses metadata and loopback", async () => {
    const token = await t.adminToken();
    const accepted = await t.request("POST", "/api/admin/ai-providers", { code: "vllm", name: "vLLM", baseUrl: "http://10.0.0.5:8000/v1", apiFormat: "openai" }, token);
    expect(accepted.status).toBe(200);
    expect((await t.request("PUT", "/api/admin/ai-providers/1", { baseUrl: "http://[fd12::1]/v1" }, token)).status).toBe(200);
    expect((await t.request("PUT", "/api/admin/ai-providers/1", { baseUrl: "http://169.254.169.254" }, token)).status).toBe(400);
    expect((await t.request("PUT", "/api/admin/ai-providers/1", { baseUrl: "http://127.0.0.1:6379" }, token)).status).toBe(400);
  });
});

describe("calls are checked when they connect", () => {
  let g: GatewayFixture;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    // Providers stored before the check existed (or written to the database directly) point at 127.0.0.1.
    g = await startGatewayFixture({ env: { ALLOW_LOOPBACK_UPSTREAMS: "false" } });
    receiver = await startWebhookReceiver();
  });
  afterEach(() => g.upstream.reset());
  afterAll(async () => {
    await receiver.close();
    await g.close();
  });

  it("a provider on a loopback address gets no call", async () => {
    await g.addKey("openai", "sk-loopback-00000001");
    const response = await g.chat(chatBody("gpt-4o-mini"));
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(g.upstream.requests).toEqual([]);
  });

  it("a provider whose name resolves to a loopback address gets no call", async () => {
    const { db } = g.database.handle;
    await db.updateTable("t_ai_providers").set({ base_url: g.upstream.baseUrlFor("deepseek").replace("127.0.0.1", "localhost") }).where("code", "=", "deepseek").execute();
    await g.addKey("deepseek", "sk-loopback-00000002");
    const response = await g.chat(chatBody("deepseek-chat"));
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(g.upstream.requests).toEqual([]);
  });

  it("a webhook on a loopback address gets no call, and the reason says why", async () => {
    const { db } = g.database.handle;
    const now = g.clock.now();
    const row = await db.insertInto("t_alert_webhooks").values({ name: "local", url: receiver.url, format: "generic", is_active: 1, created_at: now, updated_at: now }).executeTakeFirstOrThrow();
    const response = await g.request("POST", `/api/admin/alerts/webhooks/${Number(row.insertId)}/test`, undefined, await g.adminToken());
    const body = (await response.json()) as { data: { delivered: boolean; error: string | null } };
    expect(body.data.delivered).toBe(false);
    expect(body.data.error).toContain("EDESTINATION_REFUSED");
    expect(receiver.received).toEqual([]);
  });
});
