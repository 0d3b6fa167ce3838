/**
 * Per-key RPM / TPM / RPD admission (a denied key is skipped, never called; nothing is reserved
 * when one window denies), TPM corrected to the real usage after the call, and each client key's
 * own RPM, on both shared-state backends.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { reply } from "../support/fake-upstream";
import { availableLimitBackends, chatBody, startGatewayFixture, type GatewayFixture } from "../gateway/gateway-fixtures";

const PRIMARY = "sk-primary-key-000000000001";
const BACKUP = "sk-backup-key-0000000000002";
const MODEL = "gpt-4o-mini";
const MINUTE = 60_000;

const keysCalled = (g: GatewayFixture) => g.upstream.requests.map((request) => request.apiKey);

/** What is left in a key's window, read without reserving anything (cost 0). */
async function remaining(g: GatewayFixture, keyId: number, name: string, limit: number, windowMs: number): Promise<number> {
  const admission = await g.limits.admit(`key:${keyId}`, [{ name, limit, windowMs, cost: 0 }], g.clock.now());
  return admission.remaining[name];
}

for (const backend of await availableLimitBackends("router key limits")) {
  describe(`per-key limits [${backend}]`, () => {
    let g: GatewayFixture;
    beforeEach(async () => {
      g = await startGatewayFixture({ limits: backend });
    });
    afterEach(async () => {
      await g?.close();
    });

    it("RPM: a key at its limit is skipped (not called) and the backup serves", async () => {
      const primary = await g.addKey("openai", PRIMARY, { priority: 10, rateLimitRpm: 2 });
      await g.addKey("openai", BACKUP, { priority: 1 });
      for (let request = 0; request < 3; request++) expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      expect(keysCalled(g)).toEqual([PRIMARY, PRIMARY, BACKUP]);
      expect(await remaining(g, primary, "rpm", 2, MINUTE)).toBe(0);
      // The sliding window frees the key again after a minute.
      g.clock.advance(2 * MINUTE);
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      expect(keysCalled(g).at(-1)).toBe(PRIMARY);
    });

    it("TPM: reserves prompt estimate + output budget; a key that cannot fit it is skipped", async () => {
      await g.addKey("openai", PRIMARY, { priority: 10, rateLimitTpm: 100 });
      await g.addKey("openai", BACKUP, { priority: 1 });
      expect((await g.chat(chatBody(MODEL, "hi", { max_tokens: 200 }))).status).toBe(200);
      expect((await g.chat(chatBody(MODEL, "hi", { max_completion_tokens: 50 }))).status).toBe(200);
      expect(keysCalled(g)).toEqual([BACKUP, PRIMARY]);
    });

    it("TPM is corrected to the real usage after the call", async () => {
      const primary = await g.addKey("openai", PRIMARY, { rateLimitTpm: 1000 });
      g.upstream.script(PRIMARY, reply.ok({ usage: { promptTokens: 30, completionTokens: 20 } }));
      expect((await g.chat(chatBody(MODEL, "hi", { max_tokens: 500 }))).status).toBe(200);
      expect(await remaining(g, primary, "tpm", 1000, MINUTE)).toBe(1000 - 50);

      // A failed call gives its whole reservation back.
      g.upstream.script(PRIMARY, reply.serverError());
      expect((await g.chat(chatBody(MODEL, "hi", { max_tokens: 500 }))).status).toBe(502);
      expect(await remaining(g, primary, "tpm", 1000, MINUTE)).toBe(1000 - 50);
    });

    it("RPD: one request a day, then the backup until the day window moves on", async () => {
      await g.addKey("openai", PRIMARY, { priority: 10, rateLimitRpd: 1 });
      await g.addKey("openai", BACKUP, { priority: 1 });
      await g.chat(chatBody(MODEL));
      g.clock.advance(10 * MINUTE);
      await g.chat(chatBody(MODEL));
      expect(keysCalled(g)).toEqual([PRIMARY, BACKUP]);
    });

    it("no unit is consumed when one window denies", async () => {
      const primary = await g.addKey("openai", PRIMARY, { priority: 10, rateLimitRpm: 5, rateLimitTpm: 100 });
      await g.addKey("openai", BACKUP, { priority: 1 });
      expect((await g.chat(chatBody(MODEL, "hi", { max_tokens: 500 }))).status).toBe(200);
      expect(keysCalled(g)).toEqual([BACKUP]);
      expect(await remaining(g, primary, "rpm", 5, MINUTE)).toBe(5);
    });

    it("every key over its limits -> 429 with the soonest window's Retry-After, and nothing called", async () => {
      await g.addKey("openai", PRIMARY, { rateLimitRpm: 1 });
      await g.addKey("openai", BACKUP, { rateLimitRpm: 1 });
      await g.chat(chatBody(MODEL));
      await g.chat(chatBody(MODEL));
      const denied = await g.chat(chatBody(MODEL));
      expect(denied.status).toBe(429);
      const retryAfter = Number(denied.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(120);
      expect(g.upstream.requests).toHaveLength(2);
      const log = (await g.logRows()).at(-1)!;
      expect(log).toMatchObject({ status: "error", http_status: 429, attempts: 0, error_code: "rate_limit_exceeded", provider_id: 1 });
    });

    it("client RPM: 429 with Retry-After and X-RateLimit-* in both APIs' error shapes", async () => {
      await g.addKey("openai", PRIMARY);
      const client = await g.addClient({ rateLimitRpm: 2 });
      const first = await g.chat(chatBody(MODEL), { token: client });
      expect(first.status).toBe(200);
      expect(first.headers.get("x-ratelimit-limit")).toBe("2");
      expect(first.headers.get("x-ratelimit-remaining")).toBe("1");
      expect((await g.chat(chatBody(MODEL), { token: client })).status).toBe(200);

      const denied = await g.chat(chatBody(MODEL), { token: client });
      expect(denied.status).toBe(429);
      expect(Number(denied.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(denied.headers.get("x-ratelimit-remaining")).toBe("0");
      expect(denied.headers.get("x-ratelimit-reset")).toMatch(/^\d+$/);
      expect(((await denied.json()) as { error: { type: string } }).error.type).toBe("rate_limit_error");

      const envelope = await g.chat({ model: MODEL, messages: [{ role: "user", content: "hi" }] }, { token: client, path: "/api/ai/chat/completions" });
      expect(envelope.status).toBe(429);
      expect(await envelope.json()).toMatchObject({ code: 429 });
      expect(g.upstream.requests).toHaveLength(2);

      // Another client and admins are not affected.
      const other = await g.addClient({ rateLimitRpm: 2 });
      expect((await g.chat(chatBody(MODEL), { token: other })).status).toBe(200);
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
    });
  });
}
