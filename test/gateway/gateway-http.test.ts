/**
 * The gateway over a real socket (@hono/node-server), where response headers known only after
 * the handler go onto the Node response instead of rebuilding the web response: the request id,
 * the overhead and the client's rate-limit headers must still arrive, on JSON and on SSE answers,
 * and the body cap must hold whether the client declares its length or streams the body.
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatBody, startGatewayFixture, type GatewayFixture } from "./gateway-fixtures";

const MODEL = "gpt-4o-mini";

describe("gateway over HTTP", () => {
  let g: GatewayFixture;
  let baseUrl = "";
  let client = "";

  beforeAll(async () => {
    g = await startGatewayFixture();
    await g.addKey("openai", "sk-http-headers-000000000001");
    client = await g.addClient({ name: "http-app", rateLimitRpm: 50 });
    baseUrl = await g.listen();
  });
  afterAll(() => g?.close());

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${client}`, ...headers },
      body: JSON.stringify(body),
    });

  it("sends the request id, the overhead and the rate-limit headers with a JSON answer", async () => {
    const response = await post(chatBody(MODEL), { "x-request-id": "req-http-1" });
    expect(response.status).toBe(200);
    expect((await response.json()).object).toBe("chat.completion");
    expect(response.headers.get("x-request-id")).toBe("req-http-1");
    // Present and a non-negative number of ms with two decimals (Number(null) would be 0).
    expect(response.headers.get("x-gateway-overhead-ms")).toMatch(/^\d+\.\d{2}$/);
    expect(response.headers.get("x-ratelimit-limit")).toBe("50");
    expect(response.headers.get("x-ratelimit-remaining")).toBe("49");
    expect(response.headers.get("content-type")).toContain("application/json");
  });

  it("sends them with a streamed answer too", async () => {
    const response = await post(chatBody(MODEL, "Hi", { stream: true }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(response.headers.get("x-request-id")).toMatch(/\S/);
    expect(response.headers.get("x-gateway-overhead-ms")).not.toBeNull();
    expect(response.headers.get("x-ratelimit-limit")).toBe("50");
    expect(await response.text()).toContain("data: [DONE]");
  });

  it("sends them with an error answer", async () => {
    const response = await post(chatBody("no-such-model"));
    expect(response.status).toBe(404);
    expect(response.headers.get("x-request-id")).toMatch(/\S/);
    expect(response.headers.get("x-ratelimit-limit")).toBe("50");
  });

  it("refuses a body over the cap by its Content-Length or, chunked, by counting", async () => {
    const huge = "x".repeat(g.deps.settings.maxBodyBytes + 1);
    const declared = await post(chatBody(MODEL, huge));
    expect(declared.status).toBe(413);
    const chunkedStatus = await new Promise<number>((resolve, reject) => {
      const outgoing = httpRequest(`${baseUrl}/chat/completions`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${client}` } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      outgoing.on("error", reject);
      // No Content-Length: Node sends the body chunked.
      outgoing.write(JSON.stringify(chatBody(MODEL, huge)).slice(0, 1000));
      outgoing.end(JSON.stringify(chatBody(MODEL, huge)).slice(1000));
    });
    expect(chunkedStatus).toBe(413);
    expect((await post(chatBody(MODEL))).status).toBe(200);
  });
});
