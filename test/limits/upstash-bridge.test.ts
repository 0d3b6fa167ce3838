/**
 * The Upstash REST bridge speaks the protocol the real clients expect: raw HTTP
 * checks of the wire format, then the unmodified @upstash/redis and @upstash/ratelimit clients.
 */
import { createHash } from "node:crypto";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis as UpstashRedis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUpstashBridge, type UpstashBridge } from "../support/upstash-bridge";
import { deleteKeysUnder, redisAvailableFor, redisUrl, uniquePrefix } from "./redis-test-support";

const redisUp = await redisAvailableFor("Upstash REST bridge");
const prefix = uniquePrefix("bridge");
const base64 = (text: string) => Buffer.from(text).toString("base64");
const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

describe.skipIf(!redisUp)("Upstash REST bridge", () => {
  let bridge: UpstashBridge;

  /** One raw request, as the client would send it. */
  async function post(path: string, body: unknown, { encoding = true, token = bridge.token } = {}) {
    const response = await fetch(`${bridge.url}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${token}`,
        ...(encoding ? { "upstash-encoding": "base64" } : {}),
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, syncToken: response.headers.get("upstash-sync-token"), body: (await response.json()) as unknown };
  }

  beforeAll(async () => {
    bridge = await startUpstashBridge({ redisUrl, token: "bridge-test-token" });
  });

  afterAll(async () => {
    await bridge?.close();
    await deleteKeysUnder(prefix);
  });

  it("rejects a wrong token with 401 and other methods with 405", async () => {
    expect(await post("/", ["PING"], { token: "wrong" })).toMatchObject({ status: 401, body: { error: "Unauthorized" } });
    const response = await fetch(bridge.url, { headers: { authorization: `Bearer ${bridge.token}` } });
    expect(response.status).toBe(405);
  });

  it("runs one command on POST / and base64-encodes strings except OK", async () => {
    const key = `${prefix}:plain`;
    expect(await post("/", ["SET", key, "héllo"])).toMatchObject({ status: 200, body: { result: "OK" } });
    expect((await post("/", ["GET", key])).body).toEqual({ result: base64("héllo") });
    expect((await post("/", ["GET", key], { encoding: false })).body).toEqual({ result: "héllo" });
    expect((await post("/", ["INCRBY", `${prefix}:number`, 5])).body).toEqual({ result: 5 });
    expect((await post("/", ["GET", `${prefix}:missing`])).body).toEqual({ result: null });
    expect((await post("/", ["MGET", key, `${prefix}:missing`])).body).toEqual({ result: [base64("héllo"), null] });
  });

  it("answers a failed command with 400 and the Redis error text", async () => {
    expect(await post("/", ["INCR", `${prefix}:plain`])).toEqual({
      status: 400,
      syncToken: expect.any(String),
      body: { error: "ERR value is not an integer or out of range" },
    });
  });

  it("answers a pipeline per command, errors included", async () => {
    const key = `${prefix}:pipeline`;
    const { status, body } = await post("/pipeline", [["SET", key, "a"], ["INCR", key], ["GET", key]]);
    expect(status).toBe(200);
    expect(body).toEqual([{ result: "OK" }, { error: "ERR value is not an integer or out of range" }, { result: base64("a") }]);
  });

  it("runs multi-exec as one transaction", async () => {
    const key = `${prefix}:transaction`;
    const { status, body } = await post("/multi-exec", [["INCR", key], ["INCR", key], ["GET", key]]);
    expect(status).toBe(200);
    expect(body).toEqual([{ result: 1 }, { result: 2 }, { result: base64("2") }]);
  });

  it("answers NOSCRIPT, strips the allow-key-locking shebang and maps the client's SHA-1", async () => {
    const script = "#!lua flags=allow-key-locking\nreturn tonumber(ARGV[1]) + 1";
    const unknown = await post("/", ["EVALSHA", sha1(`${script}\n-- ${prefix}`), 0]);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ error: expect.stringContaining("NOSCRIPT") });
    expect((await post("/", ["EVAL", script, 0, 41])).body).toEqual({ result: 42 });
    expect((await post("/pipeline", [["EVALSHA", sha1(script), 0, 1]])).body).toEqual([{ result: 2 }]);
  });

  it("sends an increasing upstash-sync-token", async () => {
    const first = Number((await post("/", ["PING"])).syncToken);
    const second = Number((await post("/", ["PING"])).syncToken);
    expect(second).toBeGreaterThan(first);
  });

  it("serves the real @upstash/redis client, auto-pipelined and base64-encoded", async () => {
    const redis = new UpstashRedis({ url: bridge.url, token: bridge.token });
    bridge.resetCounts();
    const key = `${prefix}:json`;
    const [, value, missing] = await Promise.all([redis.set(key, { a: 1, b: "two" }), redis.get(key), redis.get(`${prefix}:nothing`)]);
    expect(value).toEqual({ a: 1, b: "two" });
    expect(missing).toBeNull();
    expect(bridge.counts().byPath["/pipeline"]).toBeGreaterThanOrEqual(1);
    await expect(redis.incr(key)).rejects.toThrow("ERR value is not an integer");
    const transaction = redis.multi();
    transaction.set(`${prefix}:multi`, "x");
    transaction.get(`${prefix}:multi`);
    expect(await transaction.exec()).toEqual(["OK", "x"]);
  });

  it("serves @upstash/ratelimit ≥ 2.1 (shebang scripts) for sliding window, fixed window and token bucket", async () => {
    const redis = new UpstashRedis({ url: bridge.url, token: bridge.token });
    const limiters = [
      Ratelimit.slidingWindow(2, "60 s"),
      Ratelimit.fixedWindow(2, "60 s"),
      Ratelimit.tokenBucket(1, "60 s", 2),
    ];
    for (const [index, limiter] of limiters.entries()) {
      const ratelimit = new Ratelimit({ redis, limiter, prefix: `${prefix}:ratelimit:${index}`, ephemeralCache: false, analytics: false });
      const results = [];
      for (let attempt = 0; attempt < 3; attempt++) results.push((await ratelimit.limit("caller")).success);
      expect(results, `limiter ${index}`).toEqual([true, true, false]);
      expect((await ratelimit.getRemaining("caller")).remaining).toBe(0);
      await ratelimit.resetUsedTokens("caller");
      expect((await ratelimit.limit("caller")).success).toBe(true);
    }
  });
});
