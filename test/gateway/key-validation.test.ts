/**
 * `POST /api/admin/ai-providers/keys/:keyId/validate`: one cheap upstream call with the key,
 * `{valid, latencyMs, error?}` back, and the key's status (row, shared cooldown, router cache)
 * updated from the answer.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { signAdminToken } from "../../lib/auth/admin-token";
import { reply } from "../support/fake-upstream";
import { chatBody, startGatewayFixture, type GatewayFixture } from "./gateway-fixtures";

const KEY = "sk-validate-me-key-0000000001";

describe("key validation", () => {
  let g: GatewayFixture;
  beforeEach(async () => {
    g = await startGatewayFixture();
  });
  afterEach(async () => {
    await g?.close();
  });

  const validate = async (keyId: number, token?: string) => {
    const response = await g.request("POST", `/api/admin/ai-providers/keys/${keyId}/validate`, undefined, token ?? (await g.adminToken()));
    return { status: response.status, body: (await response.json()) as { code: number; data: Record<string, unknown>; message?: string } };
  };

  it.each(["openai", "anthropic", "deepseek"])("a working %s key is valid: status normal, cooldown cleared, validated now", async (provider) => {
    const keyId = await g.addKey(provider, KEY);
    await g.database.handle.db.updateTable("t_ai_api_keys").set({ status: "error", cooldown_until: g.clock.now() + 30_000, consecutive_failures: 3 }).where("id", "=", keyId).execute();
    await g.limits.setCooldown(`key:${keyId}`, g.clock.now() + 30_000, g.clock.now());
    const { status, body } = await validate(keyId);
    expect(status).toBe(200);
    expect(body.data).toEqual({ valid: true, latencyMs: expect.any(Number), status: "normal" });
    expect(await g.keyRow(keyId)).toMatchObject({ status: "normal", cooldown_until: null, consecutive_failures: 0, last_validated_at: g.clock.now() });
    expect((await g.limits.getCooldowns([`key:${keyId}`], g.clock.now())).size).toBe(0);
    const [call] = g.upstream.requestsFor(KEY);
    expect(call.method).toBe("GET");
    expect(call.path).toMatch(/\/models$/);
  });

  it("an invalid key becomes invalid, with the reason and no secret", async () => {
    const keyId = await g.addKey("openai", KEY);
    g.upstream.script(KEY, reply.invalidKey({ echoKey: true }));
    const { body } = await validate(keyId);
    expect(body.data).toMatchObject({ valid: false, status: "invalid", errorCode: "invalid_api_key" });
    expect(JSON.stringify(body)).not.toContain(KEY);
    const row = await g.keyRow(keyId);
    expect(row.status).toBe("invalid");
    expect(row.status_reason).not.toContain(KEY);
    // Out of rotation at once.
    expect((await g.chat(chatBody("gpt-4o-mini"))).status).toBe(503);
  });

  it("an exhausted balance becomes quota_exceeded with the long cooldown", async () => {
    const keyId = await g.addKey("deepseek", KEY);
    g.upstream.script(KEY, reply.quotaExceeded());
    const { body } = await validate(keyId);
    expect(body.data).toMatchObject({ valid: false, status: "quota_exceeded" });
    expect(await g.keyRow(keyId)).toMatchObject({ status: "quota_exceeded", cooldown_until: g.clock.now() + 3_600_000 });
  });

  it("a rate-limited key is valid but cools down; an upstream outage changes nothing", async () => {
    const keyId = await g.addKey("openai", KEY);
    g.upstream.script(KEY, reply.rateLimited({ retryAfterSeconds: 12 }));
    expect((await validate(keyId)).body.data).toMatchObject({ valid: true, status: "rate_limited" });
    expect((await g.keyRow(keyId)).cooldown_until).toBe(g.clock.now() + 12_000);

    const other = await g.addKey("openai", "sk-another-key-000000000002");
    g.upstream.script("sk-another-key-000000000002", reply.serverError());
    expect((await validate(other)).body.data).toMatchObject({ valid: false, status: "normal", errorCode: "upstream_error" });
    expect((await g.keyRow(other)).last_validated_at).toBeNull();
  });

  it("404 for an unknown key, 403 for a viewer", async () => {
    expect((await validate(999)).status).toBe(404);
    const keyId = await g.addKey("openai", KEY);
    const now = g.clock.now();
    const { insertId } = await g.database.handle.db
      .insertInto("t_admin_users")
      .values({ username: "viewer", password_hash: "unused", role: "viewer", is_active: 1, created_at: now, updated_at: now })
      .executeTakeFirstOrThrow();
    const viewer = await signAdminToken({ id: Number(insertId), username: "viewer", role: "viewer", tokenVersion: 0 }, g.deps.jwtSecret, now, 3600);
    expect((await validate(keyId, viewer)).status).toBe(403);
    expect(g.upstream.requests).toHaveLength(0);
  });
});
