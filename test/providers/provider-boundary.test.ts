/**
 * The registry is the one list of provider formats: the admin API accepts exactly its formats,
 * the dashboard offers exactly its formats, and a provider row whose format the registry does not
 * know is answered with a 503 that says so.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalogueChanged } from "../../lib/catalogue/catalogue-version";
import { keyHint } from "../../lib/crypto/key-cipher";
import { describeProviderFormats, formatEntry, providerFormats } from "../../lib/providers/provider-registry";
import { createTestApp, type TestApp } from "../support/test-app";

describe("the provider registry as the one list of formats", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("names each entry by its own format and lists them in one order", () => {
    expect(providerFormats).toEqual(["openai", "openai-compatible", "anthropic", "deepseek"]);
    for (const format of providerFormats) expect(formatEntry(format).format).toBe(format);
    expect(describeProviderFormats().map((description) => description.format)).toEqual(providerFormats);
    expect(formatEntry("openai-compatible")).toMatchObject({ protocols: ["chat"], endpoints: ["embeddings"] });
    expect(formatEntry("openai").protocols).toEqual(["chat", "responses"]);
  });

  it("lets the admin API create a provider of every registry format and of no other", async () => {
    const token = await t.adminToken();
    for (const format of providerFormats) {
      const response = await t.request("POST", "/api/admin/ai-providers", { code: `p-${format}`, name: format, baseUrl: formatEntry(format).exampleBaseUrl, apiFormat: format }, token);
      expect(response.status, format).toBe(200);
      expect(((await response.json()) as { data: { apiFormat: string } }).data.apiFormat).toBe(format);
    }
    const unknown = await t.request("POST", "/api/admin/ai-providers", { code: "gemini", name: "Gemini", baseUrl: "https://example.com", apiFormat: "gemini" }, token);
    expect(unknown.status).toBe(400);
    const body = (await unknown.json()) as { errors: Array<{ field: string; message: string }> };
    expect(body.errors.map((error) => error.field)).toEqual(["apiFormat"]);
    for (const format of providerFormats) expect(body.errors[0].message).toContain(format);
  });

  it("builds the dashboard's format choice from the registry", async () => {
    // The page hands the formats to the script as data on <body>, HTML-escaped.
    const page = await (await t.app.request("/admin/")).text();
    const declared = /<body data-provider-formats="([^"]*)"/.exec(page);
    expect(declared).not.toBeNull();
    const unescaped = declared![1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
    const offered = JSON.parse(unescaped) as Array<{ format: string; label: string; protocols: string[] }>;
    expect(offered).toEqual(describeProviderFormats().map(({ format, label, exampleBaseUrl, protocols }) => ({ format, label, exampleBaseUrl, protocols })));
  });

  it("answers 503 for a provider row whose format the registry does not know", async () => {
    const { db } = t.database.handle;
    const now = t.clock.now();
    const inserted = await db
      .insertInto("t_ai_providers")
      .values({ code: "legacy", name: "Legacy", base_url: "https://legacy.example", api_format: "gemini", is_active: 1, timeout_ms: 10_000, created_at: now, updated_at: now })
      .executeTakeFirstOrThrow();
    await db
      .insertInto("t_ai_models")
      .values({
        provider_id: Number(inserted.insertId),
        model_code: "legacy-model",
        display_name: "Legacy",
        context_window: 8192,
        max_output_tokens: 1024,
        input_price_per_m: 0,
        output_price_per_m: 0,
        supports_streaming: 1,
        supports_tools: 0,
        supports_vision: 0,
        is_active: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await db
      .insertInto("t_ai_api_keys")
      .values({
        provider_id: Number(inserted.insertId),
        key_name: "legacy-key",
        api_key: t.deps.cipher.encrypt("sk-legacy-key-0000000001"),
        key_hint: keyHint("sk-legacy-key-0000000001"),
        priority: 0,
        weight: 1,
        rate_limit_rpm: null,
        rate_limit_tpm: null,
        rate_limit_rpd: null,
        is_active: 1,
        status: "normal",
        consecutive_failures: 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await catalogueChanged(t.deps);
    const response = await t.request("POST", "/v1/chat/completions", { model: "legacy-model", messages: [{ role: "user", content: "hi" }] }, await t.adminToken());
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe("Provider 'legacy' uses an API format this gateway cannot speak");
  });
});
