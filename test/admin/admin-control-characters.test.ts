import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/test-app";

const CONTROL = { CR: "\r", LF: "\n", CRLF: "\r\n", NUL: "\u0000", TAB: "\t", ESC: "\u001b", DEL: "\u007f", C1: "\u0085" };

/** [route, method, body builder, field]: each body puts `bad` in the named field. */
const CASES: Array<[string, "POST" | "PUT", (bad: string) => Record<string, unknown>, string]> = [
  ["/api/admin/ai-providers", "POST", (bad) => ({ code: "ctl", name: `Name${bad}X`, baseUrl: "https://api.example.com/v1", apiFormat: "openai" }), "name"],
  ["/api/admin/ai-providers", "POST", (bad) => ({ code: "ctl", name: "Name", baseUrl: `https://api.exa${bad}mple.com/v1`, apiFormat: "openai" }), "baseUrl"],
  ["/api/admin/ai-providers/1", "PUT", (bad) => ({ baseUrl: `https://api.example.com/v1${bad}x` }), "baseUrl"],
  ["/api/admin/ai-providers/1/keys", "POST", (bad) => ({ keyName: `main${bad}key`, apiKey: "sk-control-000000001" }), "keyName"],
  ["/api/admin/ai-providers/1/keys", "POST", (bad) => ({ keyName: "main", apiKey: `sk-control${bad}X-Injected: 1` }), "apiKey"],
  ["/api/admin/clients", "POST", (bad) => ({ name: `client${bad}name` }), "name"],
  ["/api/admin/alerts/webhooks", "POST", (bad) => ({ name: "hook", url: `https://hooks.example.com/${bad}token` }), "url"],
  ["/api/admin/alerts/webhooks", "POST", (bad) => ({ name: `hook${bad}name`, url: "https://hooks.example.com/token" }), "name"],
];

describe("control characters in admin input", () => {
  let t: TestApp;
  let token = "";
  beforeAll(async () => {
    t = await createTestApp();
    token = await t.adminToken();
  });
  afterAll(() => t.close());

  for (const [route, method, bodyWith, field] of CASES) {
    for (const [label, bad] of Object.entries(CONTROL)) {
      it(`${method} ${route} refuses ${label} in ${field} with a 400 naming it`, async () => {
        const response = await t.request(method, route, bodyWith(bad), token);
        expect(response.status).toBe(400);
        const body = (await response.json()) as { message: string; errors: Array<{ field: string; message: string }> };
        expect(body.errors.map((error) => error.field)).toContain(field);
        expect(body.message).toContain("control characters");
      });
    }
  }

  it("stores nothing from the refused requests", async () => {
    const { db } = t.database.handle;
    expect(await db.selectFrom("t_ai_api_keys").select("id").execute()).toEqual([]);
    expect(await db.selectFrom("t_client_keys").select("id").execute()).toEqual([]);
    expect(await db.selectFrom("t_alert_webhooks").select("id").execute()).toEqual([]);
    const provider = await db.selectFrom("t_ai_providers").select("base_url").where("id", "=", 1).executeTakeFirstOrThrow();
    expect(provider.base_url).not.toMatch(/[\u0000-\u001f]/);
  });

  it("still trims surrounding whitespace and accepts clean values", async () => {
    const response = await t.request("POST", "/api/admin/ai-providers/1/keys", { keyName: "  main  ", apiKey: "sk-clean-key-0000001\n" }, token);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { keyName: string } }).data.keyName).toBe("main");
  });
});
