/**
 * The shared limit store (Upstash, through the bridge in front of real Redis) stops answering or
 * refuses connections: every request is answered at once with the documented decision, never
 * after seconds of client retries. The key router fails closed: 503 with Retry-After and no
 * upstream call, since limits cannot be enforced; a client key's own RPM fails closed the same way.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../lib/app";
import { createLimitStore } from "../../lib/limits/create-limit-store";
import { deleteKeysUnder, redisAvailableFor, redisUrl, uniquePrefix } from "../limits/redis-test-support";
import { startUpstashBridge, type UpstashBridge } from "../support/upstash-bridge";
import { chatBody, startGatewayFixture, type GatewayFixture } from "../gateway/gateway-fixtures";

const PRIMARY = "sk-primary-key-000000000001";
const MODEL = "gpt-4o-mini";

/** An HTTP hop in front of the bridge that can stop answering (a stalled or partitioned Redis) or stop listening. */
interface SwitchableProxy {
  url: string;
  mode: "pass" | "stall";
  close(): Promise<void>;
}

async function startProxy(target: string): Promise<SwitchableProxy> {
  const held = new Set<ServerResponse>();
  const proxy: SwitchableProxy = { url: "", mode: "pass", close: async () => undefined };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    if (proxy.mode === "stall") {
      held.add(response);
      return;
    }
    const parts: Buffer[] = [];
    request.on("data", (part: Buffer) => parts.push(part));
    request.on("end", async () => {
      const answer = await fetch(`${target}${request.url}`, {
        method: request.method,
        headers: { authorization: String(request.headers.authorization), "content-type": "application/json" },
        body: Buffer.concat(parts),
      });
      response.writeHead(answer.status, Object.fromEntries(answer.headers));
      response.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = async () => {
    for (const response of held) response.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return proxy;
}

describe.skipIf(!(await redisAvailableFor("limit store outage")))("shared limit store outage", () => {
  let g: GatewayFixture;
  let bridge: UpstashBridge;
  let proxy: SwitchableProxy;
  let prefix: string;
  let app: ReturnType<typeof createApp>;

  beforeEach(async () => {
    g = await startGatewayFixture();
    bridge = await startUpstashBridge({ redisUrl });
    proxy = await startProxy(bridge.url);
    prefix = uniquePrefix("outage");
    // Built the way the runtime builds it, with the default settings.
    const backend = createLimitStore({ upstashUrl: proxy.url, upstashToken: bridge.token, prefix, now: () => g.clock.now() });
    app = createApp({ ...g.deps, limits: backend.store, requestLimiter: backend.requestLimiter }, { gateway: { versionCheckIntervalMs: 2000 } });
  });
  afterEach(async () => {
    await proxy?.close();
    await bridge?.close();
    await deleteKeysUnder(prefix);
    await g?.close();
  });

  const chat = async (token: string) => {
    const startedAt = performance.now();
    const response = await app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(chatBody(MODEL)),
    });
    return { response, elapsedMs: performance.now() - startedAt, body: await response.text() };
  };

  for (const outage of ["stalls", "refuses connections"] as const) {
    it(`the store ${outage} -> 503 with Retry-After within a second, no upstream call`, async () => {
      await g.addKey("openai", PRIMARY);
      const admin = await g.adminToken();
      const client = await g.addClient({ rateLimitRpm: 100 });
      expect((await chat(admin)).response.status).toBe(200);
      expect(g.upstream.requests).toHaveLength(1);

      if (outage === "stalls") proxy.mode = "stall";
      else await proxy.close();
      // A catalogue version check is due too: it must not add its own stall.
      g.clock.advance(5000);
      for (const token of [admin, client]) {
        const { response, elapsedMs, body } = await chat(token);
        expect(response.status, body).toBe(503);
        expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
        expect(elapsedMs).toBeLessThan(1500);
      }
      expect(g.upstream.requests).toHaveLength(1);
    }, 20_000);
  }
});
