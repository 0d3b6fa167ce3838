/**
 * The key router's failover rules against the fake upstream over real HTTP, on both shared-state
 * backends (memory, and Upstash through the bridge in front of real Redis): what each upstream
 * failure does to the key, which keys are called in which order, and what the client gets when
 * the keys run out.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { reply } from "../support/fake-upstream";
import { availableLimitBackends, chatBody, startGatewayFixture, type GatewayFixture } from "../gateway/gateway-fixtures";

const PRIMARY = "sk-primary-key-000000000001";
const BACKUP = "sk-backup-key-0000000000002";
const THIRD = "sk-third-key-00000000000003";
const MODEL = "gpt-4o-mini";

const keysCalled = (g: GatewayFixture) => g.upstream.requests.map((request) => request.apiKey);

for (const backend of await availableLimitBackends("router failover")) {
  describe(`key router failover [${backend}]`, () => {
    let g: GatewayFixture;
    beforeEach(async () => {
      g = await startGatewayFixture({ limits: backend });
    });
    afterEach(async () => {
      await g?.close();
    });

    it("primary 429 -> backup serves; the primary cools down for retry-after, is skipped, then probed again", async () => {
      const primary = await g.addKey("openai", PRIMARY, { priority: 10 });
      const backup = await g.addKey("openai", BACKUP, { priority: 1 });
      g.upstream.script(PRIMARY, reply.rateLimited({ retryAfterSeconds: 7 }));

      const first = await g.chat(chatBody(MODEL));
      expect(first.status).toBe(200);
      expect(keysCalled(g)).toEqual([PRIMARY, BACKUP]);
      const row = await g.keyRow(primary);
      expect(row).toMatchObject({ status: "rate_limited", cooldown_until: g.clock.now() + 7000 });
      expect(row.status_reason).toContain("rate_limited");
      expect((await g.keyRow(backup)).status).toBe("normal");

      // Still cooling: the primary is not called at all.
      g.clock.advance(3000);
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      expect(keysCalled(g)).toEqual([PRIMARY, BACKUP, BACKUP]);

      // Cooldown over: real traffic probes the primary, and its success restores it.
      g.clock.advance(5000);
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      expect(keysCalled(g)).toEqual([PRIMARY, BACKUP, BACKUP, PRIMARY]);
      expect(await g.keyRow(primary)).toMatchObject({ status: "normal", cooldown_until: null, consecutive_failures: 0 });
    });

    it("after a cooldown only one request at a time probes the key; the others go to the backup", async () => {
      await g.addKey("openai", PRIMARY, { priority: 10 });
      await g.addKey("openai", BACKUP, { priority: 1 });
      g.upstream.script(PRIMARY, [reply.rateLimited({ retryAfterSeconds: 5 }), reply.slow(300, reply.ok({ content: "probe" }))]);
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      g.clock.advance(6000);

      const answers = await Promise.all([g.chat(chatBody(MODEL)), g.chat(chatBody(MODEL)), g.chat(chatBody(MODEL))]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
      const afterCooldown = keysCalled(g).slice(2);
      expect(afterCooldown.filter((key) => key === PRIMARY)).toHaveLength(1);
      expect(afterCooldown.filter((key) => key === BACKUP)).toHaveLength(2);
    });

    it("a provider's only key back from a cooldown: requests that cannot probe wait for the probe instead of a 429 'retry in 30 s'", async () => {
      const only = await g.addKey("openai", PRIMARY, { priority: 10 });
      g.upstream.script(PRIMARY, [reply.rateLimited({ retryAfterSeconds: 5 }), reply.slow(300, reply.ok({ content: "probe" }))]);
      expect((await g.chat(chatBody(MODEL))).status).toBe(429);
      g.clock.advance(6000);

      const answers = await Promise.all(Array.from({ length: 20 }, () => g.chat(chatBody(MODEL))));
      const statuses = answers.map((answer) => answer.status);
      const retryAfters = answers.map((answer) => answer.headers.get("retry-after")).filter((value) => value !== null);
      expect({ statuses, retryAfters }).toEqual({ statuses: Array.from({ length: 20 }, () => 200), retryAfters: [] });
      // One probe first, then the recovered key serves the rest.
      expect(g.upstream.requestsFor(PRIMARY)).toHaveLength(21);
      expect(await g.keyRow(only)).toMatchObject({ status: "normal" });
    });

    it("401 -> key invalid, out of rotation until validated; validation puts it back", async () => {
      const primary = await g.addKey("openai", PRIMARY, { priority: 10 });
      await g.addKey("openai", BACKUP, { priority: 1 });
      g.upstream.script(PRIMARY, reply.invalidKey());
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      expect((await g.keyRow(primary)).status).toBe("invalid");

      g.clock.advance(3600_000);
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      expect(keysCalled(g)).toEqual([PRIMARY, BACKUP, BACKUP]);

      const validated = await g.request("POST", `/api/admin/ai-providers/keys/${primary}/validate`, undefined, await g.adminToken());
      expect(validated.status).toBe(200);
      expect(((await validated.json()) as { data: object }).data).toMatchObject({ valid: true, status: "normal" });
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      expect(keysCalled(g).at(-1)).toBe(PRIMARY);
    });

    it.each([
      ["openai", "gpt-4o-mini", "insufficient_quota"],
      ["deepseek", "deepseek-chat", "insufficient_balance"],
      ["anthropic", "claude-haiku-4-5", "insufficient_credit"],
    ])("quota exhausted on %s -> quota_exceeded with a long cooldown, backup serves", async (provider, model, code) => {
      const primary = await g.addKey(provider, PRIMARY, { priority: 10 });
      await g.addKey(provider, BACKUP, { priority: 1 });
      g.upstream.script(PRIMARY, reply.quotaExceeded());
      expect((await g.chat(chatBody(model))).status).toBe(200);
      const row = await g.keyRow(primary);
      expect(row.status).toBe("quota_exceeded");
      expect(row.status_reason).toContain(code);
      expect(row.cooldown_until).toBe(g.clock.now() + 3_600_000);
      const [log] = await g.logRows();
      expect(JSON.parse(log.attempt_errors!)).toEqual([expect.objectContaining({ keyId: primary, kind: "quota_exceeded", code })]);
    });

    it("5xx -> next key; the 3rd consecutive failure cools the key down (status error), a success resets it", async () => {
      const primary = await g.addKey("openai", PRIMARY, { priority: 10 });
      await g.addKey("openai", BACKUP, { priority: 1 });
      g.upstream.script(PRIMARY, [reply.serverError(), reply.overloaded(), reply.serverError()]);
      for (let request = 1; request <= 2; request++) {
        expect((await g.chat(chatBody(MODEL))).status).toBe(200);
        expect(await g.keyRow(primary)).toMatchObject({ status: "normal", consecutive_failures: request });
      }
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      expect(await g.keyRow(primary)).toMatchObject({ status: "error", consecutive_failures: 3, cooldown_until: g.clock.now() + 30_000 });
      expect(keysCalled(g)).toEqual([PRIMARY, BACKUP, PRIMARY, BACKUP, PRIMARY, BACKUP]);

      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      expect(keysCalled(g).at(-1)).toBe(BACKUP);
      g.clock.advance(31_000);
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      expect(keysCalled(g).at(-1)).toBe(PRIMARY);
      expect(await g.keyRow(primary)).toMatchObject({ status: "normal", consecutive_failures: 0, cooldown_until: null });
    });

    it("a failure while cooling down extends the cooldown, never shortens it", async () => {
      const primary = await g.addKey("openai", PRIMARY, { priority: 10 });
      await g.addKey("openai", BACKUP, { priority: 1 });
      g.upstream.script(PRIMARY, [reply.rateLimited({ retryAfterSeconds: 60 })]);
      await g.chat(chatBody(MODEL));
      const longUntil = (await g.keyRow(primary)).cooldown_until!;
      // Another instance reports a shorter one: the shared deadline and the row keep the later end.
      await g.limits.setCooldown(`key:${primary}`, g.clock.now() + 5000, g.clock.now());
      g.clock.advance(10_000);
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      expect(keysCalled(g)).toEqual([PRIMARY, BACKUP, BACKUP]);
      expect((await g.limits.getCooldowns([`key:${primary}`], g.clock.now())).get(`key:${primary}`)).toBe(longUntil);
    });

    it("client 400 -> no failover, the upstream's status and message go back as they are", async () => {
      await g.addKey("openai", PRIMARY, { priority: 10 });
      await g.addKey("openai", BACKUP, { priority: 1 });
      g.upstream.script(PRIMARY, reply.badRequest("messages[0].content is too long"));
      const response = await g.chat(chatBody(MODEL));
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: { message: "messages[0].content is too long", type: "invalid_request_error", param: null, code: "bad_request" },
      });
      expect(keysCalled(g)).toEqual([PRIMARY]);
      g.upstream.script(PRIMARY, reply.notFound());
      expect((await g.chat(chatBody(MODEL))).status).toBe(404);
      expect(keysCalled(g)).toEqual([PRIMARY, PRIMARY]);
    });

    it("a request the adapter cannot convert -> 400, no upstream call, and no key is blamed", async () => {
      const primary = await g.addKey("anthropic", PRIMARY, { priority: 10 });
      for (let attempt = 0; attempt < 4; attempt++) {
        const response = await g.chat(chatBody("claude-haiku-4-5", "Hello", { tools: [{ type: "function" }] }));
        expect(response.status).toBe(400);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
      }
      expect(keysCalled(g)).toEqual([]);
      expect(await g.keyRow(primary)).toMatchObject({ status: "normal", consecutive_failures: 0, cooldown_until: null });
    });

    it("all keys busy -> 429 whose Retry-After is the soonest recovery", async () => {
      await g.addKey("openai", PRIMARY, { priority: 10 });
      await g.addKey("openai", BACKUP, { priority: 1 });
      g.upstream.script(PRIMARY, reply.rateLimited({ retryAfterSeconds: 20 }));
      g.upstream.script(BACKUP, reply.rateLimited({ retryAfterSeconds: 5 }));
      const first = await g.chat(chatBody(MODEL));
      expect(first.status).toBe(429);
      expect(first.headers.get("retry-after")).toBe("5");
      expect(first.headers.get("retry-after-ms")).toBe("5000");
      expect(((await first.json()) as { error: { type: string } }).error.type).toBe("rate_limit_error");

      g.clock.advance(2000);
      const second = await g.chat(chatBody(MODEL));
      expect(second.status).toBe(429);
      expect(second.headers.get("retry-after")).toBe("3");
      expect(keysCalled(g)).toEqual([PRIMARY, BACKUP]);
    });

    it("503 that says why: no keys, all invalid, all out of quota", async () => {
      const none = await g.chat(chatBody(MODEL));
      expect(none.status).toBe(503);
      expect(none.headers.get("retry-after")).not.toBeNull();
      // Nothing changes until an admin acts: the OpenAI SDKs must not sit out Retry-After twice.
      expect(none.headers.get("x-should-retry")).toBe("false");
      expect(((await none.json()) as { error: { message: string } }).error.message).toBe("No API keys are configured for provider 'openai'");

      await g.addKey("deepseek", PRIMARY);
      g.upstream.script(PRIMARY, reply.invalidKey());
      const invalid = await g.chat(chatBody("deepseek-chat"));
      expect(invalid.status).toBe(503);
      expect(invalid.headers.get("x-should-retry")).toBe("false");
      expect(((await invalid.json()) as { error: { message: string } }).error.message).toMatch(/No usable API key for provider 'deepseek': 1 invalid/);

      await g.addKey("anthropic", BACKUP);
      g.upstream.script(BACKUP, reply.quotaExceeded());
      const quota = await g.chat(chatBody("claude-haiku-4-5"));
      expect(quota.status).toBe(503);
      expect(Number(quota.headers.get("retry-after"))).toBe(3600);
      expect(((await quota.json()) as { error: { message: string } }).error.message).toMatch(/1 out of quota/);
      // Later requests answer the same without calling the upstream.
      expect((await g.chat(chatBody("claude-haiku-4-5"))).status).toBe(503);
      expect(g.upstream.requestsFor(BACKUP)).toHaveLength(1);
    });

    it("exhausts a priority tier before moving down, never calls a key twice, and gives 502 when all fail", async () => {
      await g.addKey("openai", PRIMARY, { priority: 10 });
      await g.addKey("openai", BACKUP, { priority: 10 });
      await g.addKey("openai", THIRD, { priority: 5 });
      g.upstream.always(PRIMARY, reply.serverError());
      g.upstream.always(BACKUP, reply.serverError());
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      expect(keysCalled(g)).toEqual([PRIMARY, BACKUP, THIRD]);

      g.upstream.reset();
      g.upstream.always(PRIMARY, reply.serverError());
      g.upstream.always(BACKUP, reply.serverError());
      g.upstream.always(THIRD, reply.serverError());
      const failed = await g.chat(chatBody(MODEL));
      expect(failed.status).toBe(502);
      expect(((await failed.json()) as { error: { message: string } }).error.message).toMatch(/failed on every key; last error: upstream_error/);
      // The tier's round-robin started with the other key this time; each key once.
      expect(keysCalled(g)).toEqual([BACKUP, PRIMARY, THIRD]);
      const log = (await g.logRows()).at(-1)!;
      expect(log).toMatchObject({ status: "error", http_status: 502, attempts: 3 });
      expect(JSON.parse(log.attempt_errors!).map((attempt: { status: number }) => attempt.status)).toEqual([500, 500, 500]);
    });

    it("spreads one tier by weight (smooth weighted round-robin)", async () => {
      await g.addKey("openai", PRIMARY, { weight: 3 });
      await g.addKey("openai", BACKUP, { weight: 1 });
      for (let request = 0; request < 8; request++) expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      expect(keysCalled(g)).toEqual([PRIMARY, PRIMARY, BACKUP, PRIMARY, PRIMARY, PRIMARY, BACKUP, PRIMARY]);
    });
  });
}
