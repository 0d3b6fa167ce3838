/**
 * Only a failure that the upstream (or the network to it) produced counts against a key. A
 * request the gateway cannot even serialize is the caller's 400 and never reaches the upstream;
 * every key stays in service however often it is sent.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { availableLimitBackends, chatBody, startGatewayFixture, type GatewayFixture } from "../gateway/gateway-fixtures";

const FIRST = "sk-ant-first-key-0000000000001";
const SECOND = "sk-ant-second-key-000000000002";
const MODEL = "claude-haiku-4-5";

/** A JSON text nested `depth` levels deep (`{"a":{"a":…}}`), built by hand: JSON.stringify itself cannot. */
function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}{}${"}".repeat(depth)}`;
}

const keysCalled = (g: GatewayFixture) => g.upstream.requests.map((request) => request.apiKey);

for (const backend of await availableLimitBackends("router own errors")) {
  describe(`errors the gateway makes itself [${backend}]`, () => {
    let g: GatewayFixture;
    beforeEach(async () => {
      g = await startGatewayFixture({ limits: backend });
    });
    afterEach(async () => {
      await g?.close();
    });

    it("a field nested 5000 levels deep -> 400 every time, no upstream call, every key still normal and serving", async () => {
      const first = await g.addKey("anthropic", FIRST, { priority: 10 });
      const second = await g.addKey("anthropic", SECOND, { priority: 10 });
      const baseUrl = await g.listen();
      const token = await g.adminToken();
      // Tool parameters are a JSON schema the adapter hands on as it is.
      const tools = `[{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{"x":${nestedJson(5000)}}}}}]`;
      const body = `{"model":"${MODEL}","messages":[{"role":"user","content":"hi"}],"tools":${tools}}`;
      for (let attempt = 0; attempt < 6; attempt++) {
        const response = await fetch(`${baseUrl}/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body,
        });
        const text = await response.text();
        expect(response.status, text).toBe(400);
        const error = (JSON.parse(text) as { error: { message: string; type: string } }).error;
        expect(error.type).toBe("invalid_request_error");
        expect(error.message).toMatch(/cannot be serialized|nest/i);
        expect(text).not.toMatch(/at .+\.(ts|js):\d+/);
      }
      expect(keysCalled(g)).toEqual([]);
      for (const keyId of [first, second]) {
        expect(await g.keyRow(keyId)).toMatchObject({ status: "normal", consecutive_failures: 0, cooldown_until: null });
        expect((await g.limits.getCooldowns([`key:${keyId}`], g.clock.now())).size).toBe(0);
      }
      for (let request = 0; request < 2; request++) expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      expect(new Set(keysCalled(g))).toEqual(new Set([FIRST, SECOND]));
      const log = (await g.logRows()).at(0)!;
      expect(log).toMatchObject({ http_status: 400 });
    });

    it.each([
      ["openai", "gpt-4o-mini", "sk-openai-first-key-00000001", "sk-openai-second-key-0000002"],
      ["deepseek", "deepseek-chat", "sk-deepseek-first-key-000001", "sk-deepseek-second-key-00002"],
    ])("the same on %s (the openai SDK path): 400, not retried on the next key, no key blamed", async (provider, model, firstKey, secondKey) => {
      const first = await g.addKey(provider, firstKey, { priority: 10 });
      const second = await g.addKey(provider, secondKey, { priority: 1 });
      const tools = `[{"type":"function","function":{"name":"lookup","parameters":${nestedJson(8000)}}}]`;
      for (let attempt = 0; attempt < 4; attempt++) {
        const response = await g.chat(`{"model":"${model}","messages":[{"role":"user","content":"hi"}],"tools":${tools}}`);
        expect(response.status).toBe(400);
      }
      expect(keysCalled(g)).toEqual([]);
      for (const keyId of [first, second]) expect(await g.keyRow(keyId)).toMatchObject({ status: "normal", consecutive_failures: 0 });
      const log = (await g.logRows()).at(-1)!;
      expect(log).toMatchObject({ http_status: 400, attempts: 0 });
      expect((await g.chat(chatBody(model))).status).toBe(200);
      expect(keysCalled(g)).toEqual([firstKey]);
    });
  });
}
