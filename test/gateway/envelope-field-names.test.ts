/**
 * Pass-through fields of the envelope API whose names are also names on Object.prototype reach
 * the upstream as the caller sent them (neither renamed to a function's source text nor dropped).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayFixture, type GatewayFixture } from "./gateway-fixtures";

const OPENAI_KEY = "sk-openai-field-names-000001";

describe("envelope field names", () => {
  let g: GatewayFixture;
  beforeAll(async () => {
    g = await startGatewayFixture();
    await g.addKey("openai", OPENAI_KEY);
  });
  afterAll(() => g.close());

  it.each(["constructor", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf"])("a field named %s is sent upstream as sent", async (field) => {
    g.upstream.reset();
    const body = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"maxTokens":16,"${field}":"as sent"}`;
    const response = await g.chat(body, { path: "/api/ai/chat/completions" });
    expect(response.status).toBe(200);
    const sent = g.upstream.requestsFor(OPENAI_KEY)[0].body as Record<string, unknown>;
    expect(Object.hasOwn(sent, field)).toBe(true);
    expect(sent[field]).toBe("as sent");
    expect(sent.max_completion_tokens).toBe(16);
    expect(Object.keys(sent).some((name) => name.includes("native code"))).toBe(false);
  });

  it("a field named __proto__ changes no prototype (validation drops it)", async () => {
    g.upstream.reset();
    const body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"__proto__":{"polluted":true}}';
    const response = await g.chat(body, { path: "/api/ai/chat/completions" });
    expect(response.status).toBe(200);
    const sent = g.upstream.requestsFor(OPENAI_KEY)[0].body as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(sent, "polluted")).toBe(false);
    expect(sent.model).toBe("gpt-4o-mini");
  });
});
