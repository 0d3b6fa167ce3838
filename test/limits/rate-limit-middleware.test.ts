/**
 * The rate-limit middleware through `app.request()`: headers on every limited response, 429s
 * rendered by the app's one error handler (envelope on /api, OpenAI shape on /v1), per-caller
 * limits, and 503 when the limiter's state is down.
 */
import { Redis as UpstashRedis } from "@upstash/redis";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppEnv } from "../../lib/http/app-env";
import { createErrorHandler } from "../../lib/http/error-handler";
import type { LimitStore } from "../../lib/limits/limit-store";
import { MemoryLimitStore } from "../../lib/limits/memory-limit-store";
import { rateLimit } from "../../lib/limits/rate-limit-middleware";
import { createStoreRequestLimiter, createUpstashRequestLimiter, type RequestLimiter } from "../../lib/limits/request-limiter";
import { silentLogger } from "../../lib/logging/logger";
import { startUpstashBridge, type UpstashBridge } from "../support/upstash-bridge";
import { deleteKeysUnder, redisAvailableFor, redisUrl, uniquePrefix } from "./redis-test-support";

const redisUp = await redisAvailableFor("rate-limit middleware over Upstash");
const prefix = uniquePrefix("middleware");
const T0 = Date.UTC(2027, 0, 1);

/** An app with the limiter on /api/auth/* and /v1/*, the per-client variant on /v1 keyed by a header. */
function buildApp(limiter: RequestLimiter, now: () => number) {
  const app = new Hono<AppEnv>();
  app.onError(createErrorHandler(silentLogger));
  app.use("/api/auth/*", rateLimit({ limiter, max: 2, windowMs: 60_000, keyOf: (c) => c.req.header("x-test-ip") ?? "unknown", prefix: "login", now }));
  app.use(
    "/v1/*",
    rateLimit({
      limiter,
      // Each client's own RPM; a client without one is not limited.
      max: (c) => {
        const rpm = c.req.header("x-client-rpm");
        return rpm === undefined ? undefined : Number(rpm);
      },
      windowMs: 60_000,
      keyOf: (c) => c.req.header("x-client-id"),
      prefix: "client",
      now,
    }),
  );
  app.post("/api/auth/login", (c) => c.json({ code: 200, data: { token: "t" } }));
  // A handler that builds its own Response: the headers must survive it.
  app.post("/v1/chat/completions", () => new Response(JSON.stringify({ id: "chatcmpl-1" }), { headers: { "content-type": "application/json" } }));
  return app;
}

describe("rateLimit middleware (memory store, injected clock)", () => {
  let now = T0 + 10_000;
  const app = buildApp(createStoreRequestLimiter(new MemoryLimitStore(), { now: () => now }), () => now);
  const login = (ip = "10.0.0.1") => app.request("/api/auth/login", { method: "POST", headers: { "x-test-ip": ip } });

  it("sets X-RateLimit-* on allowed responses and answers the third request with a 429 envelope", async () => {
    const first = await login();
    expect(first.status).toBe(200);
    expect(Object.fromEntries([...first.headers].filter(([name]) => name.startsWith("x-ratelimit")))).toEqual({
      "x-ratelimit-limit": "2",
      "x-ratelimit-remaining": "1",
      // Second 10 counts until the guarded trailing minute starts after it: T0 + 71.999 s, rounded up.
      "x-ratelimit-reset": String((T0 + 72_000) / 1000),
    });
    expect((await login()).headers.get("x-ratelimit-remaining")).toBe("0");

    const denied = await login();
    expect(denied.status).toBe(429);
    // Two requests in second 10 count for a minute and a guard second after it: one more fits at T0 + 71.999 s.
    expect(denied.headers.get("retry-after")).toBe("62");
    expect(denied.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(denied.headers.get("x-ratelimit-limit")).toBe("2");
    expect(await denied.json()).toEqual({ code: 429, message: "Too many requests, retry in 62 s" });
    expect((await login("10.0.0.2")).status).toBe(200);

    now += 61_998;
    expect((await login()).status).toBe(429);
    now += 1;
    expect((await login()).status).toBe(200);
  });

  it("limits each client by its own RPM on /v1 and answers in OpenAI's error shape", async () => {
    const chat = (client: string, rpm?: string) =>
      app.request("/v1/chat/completions", {
        method: "POST",
        headers: { "x-client-id": client, ...(rpm === undefined ? {} : { "x-client-rpm": rpm }) },
      });
    const allowed = await chat("client-a", "1");
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("x-ratelimit-limit")).toBe("1");
    expect(await allowed.json()).toEqual({ id: "chatcmpl-1" });

    const denied = await chat("client-a", "1");
    expect(denied.status).toBe(429);
    expect(denied.headers.get("retry-after")).toMatch(/^\d+$/);
    const body = (await denied.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ type: "rate_limit_error", param: null, message: expect.stringMatching(/^Too many requests, retry in \d+ s$/) });

    expect((await chat("client-b", "5")).headers.get("x-ratelimit-limit")).toBe("5");
    const unlimited = await chat("client-c");
    expect(unlimited.status).toBe(200);
    expect(unlimited.headers.get("x-ratelimit-limit")).toBeNull();
  });

  it("answers 503 when the limiter's state is down (fail closed)", async () => {
    const broken = { admit: () => Promise.reject(new Error("down")) } as unknown as LimitStore;
    const response = await buildApp(createStoreRequestLimiter(broken), () => now).request("/api/auth/login", { method: "POST" });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
  });

  it("rejects bad options at construction", () => {
    const limiter = createStoreRequestLimiter(new MemoryLimitStore());
    expect(() => rateLimit({ limiter, max: -1 })).toThrow(RangeError);
    expect(() => rateLimit({ limiter, windowMs: 0 })).toThrow(RangeError);
    expect(() => rateLimit({ limiter, prefix: "" })).toThrow(RangeError);
  });
});

describe.skipIf(!redisUp)("rateLimit middleware over @upstash/ratelimit through the bridge", () => {
  let bridge: UpstashBridge;

  beforeAll(async () => {
    bridge = await startUpstashBridge({ redisUrl });
  });

  afterAll(async () => {
    await bridge?.close();
    await deleteKeysUnder(prefix);
  });

  it("counts across app instances sharing Redis", async () => {
    const limiterFor = () => createUpstashRequestLimiter(new UpstashRedis({ url: bridge.url, token: bridge.token }), { prefix });
    const [first, second] = [buildApp(limiterFor(), Date.now), buildApp(limiterFor(), Date.now)];
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}-${Date.now()}`;
    const login = (app: Hono<AppEnv>) => app.request("/api/auth/login", { method: "POST", headers: { "x-test-ip": ip } });
    expect((await login(first)).status).toBe(200);
    expect((await login(second)).status).toBe(200);
    const denied = await login(first);
    expect(denied.status).toBe(429);
    expect(Number(denied.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(denied.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
  });
});
