/**
 * What repeated failures do to a key over time: a key that keeps failing (here: cutting every
 * stream after content) backs off exponentially up to a ceiling instead of breaking one client
 * stream every 30 s forever, and the key-status check reports it as failing persistently. A
 * cooldown row is only ever extended, never shortened, by whichever instance records a failure.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { jobContextFrom } from "../../lib/jobs/job-context";
import { runKeyStatusCheck } from "../../lib/jobs/key-status-check";
import { silentLogger } from "../../lib/logging/logger";
import { ProviderError } from "../../lib/providers/provider-error";
import { CatalogueCache } from "../../lib/router/catalogue-cache";
import { KeyHealth } from "../../lib/router/key-health";
import { reply } from "../support/fake-upstream";
import { availableLimitBackends, chatBody, startGatewayFixture, type GatewayFixture } from "../gateway/gateway-fixtures";

const PRIMARY = "sk-primary-key-000000000001";
const MODEL = "gpt-4o-mini";
const SECOND = 1000;

for (const backend of await availableLimitBackends("router key health")) {
  describe(`key health over time [${backend}]`, () => {
    let g: GatewayFixture;
    beforeEach(async () => {
      g = await startGatewayFixture({ limits: backend });
    });
    afterEach(async () => {
      await g?.close();
    });

    it("a key that cuts every stream backs off 30 s, 60 s, 120 s … up to 15 min, and the key-status check reports it", async () => {
      const primary = await g.addKey("openai", PRIMARY);
      g.upstream.always(PRIMARY, reply.cut({ content: "alpha beta gamma", afterEvents: 3, chunkDelayMs: 20 }));
      const cooldowns: number[] = [];
      for (let round = 0; round < 10; round++) {
        const response = await g.chat(chatBody(MODEL, "hi", { stream: true }));
        const text = await response.text();
        expect(response.status, `round ${round}: ${text}`).toBe(200);
        expect(text).toContain("stream_truncated");
        const row = await g.keyRow(primary);
        cooldowns.push(row.cooldown_until === null ? 0 : (Number(row.cooldown_until) - g.clock.now()) / SECOND);
        g.clock.advance(Math.max(1, Number(row.cooldown_until ?? 0) - g.clock.now()) + 1);
      }
      expect(cooldowns).toEqual([0, 0, 30, 60, 120, 240, 480, 900, 900, 900]);
      const row = await g.keyRow(primary);
      expect(row).toMatchObject({ status: "error", consecutive_failures: 10 });
      expect(row.status_reason).toMatch(/^10 consecutive failures, cooldown at its 900 s ceiling; last stream_truncated/);
      expect(g.upstream.requestsFor(PRIMARY)).toHaveLength(10);

      const summary = await runKeyStatusCheck(jobContextFrom(g.deps));
      expect(summary.alerted).toEqual([primary]);
      expect(summary.broken[0]).toMatchObject({ keyId: primary, status: "error", consecutiveFailures: 10 });
      expect(summary.broken[0].reason).toContain("ceiling");
    });

    it("a shorter cooldown recorded by another instance never shortens the row's later one", async () => {
      const primary = await g.addKey("openai", PRIMARY);
      const cache = new CatalogueCache({ db: g.database.handle.db, limits: g.limits, cipher: g.deps.cipher, clock: g.clock, logger: silentLogger });
      const health = new KeyHealth({ db: g.database.handle.db, limits: g.limits, cache, logger: silentLogger }, { transientFailureThreshold: 1 });
      const now = g.clock.now();
      // This instance: a 429 asking for 10 minutes.
      const mine = (await cache.snapshot()).keysById.get(primary)!;
      await health.recordFailure(mine, new ProviderError({ kind: "rate_limited", status: 429, code: "rate_limited", message: "slow down", retryAfterMs: 600_000 }), now);
      // Another instance, whose snapshot still says normal: a transient failure with a 30 s cooldown.
      const theirs = { ...mine, status: "normal" as const, cooldownUntil: null, consecutiveFailures: 0 };
      await health.recordFailure(theirs, new ProviderError({ kind: "transient", status: 500, code: "upstream_error", message: "boom" }), now + SECOND);
      expect(Number((await g.keyRow(primary)).cooldown_until)).toBe(now + 600_000);
      expect((await g.limits.getCooldowns([`key:${primary}`], now + SECOND)).get(`key:${primary}`)).toBe(now + 600_000);
    });
  });
}
