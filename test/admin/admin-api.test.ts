import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signAdminToken } from "../../lib/auth/admin-token";
import { createTestApp, TEST_ADMIN, type TestApp } from "../support/test-app";
import { testDatabaseAvailable, type TestDatabaseKind } from "../support/test-databases";

const PROVIDER_KEY = "sk-proj-THISISASECRETKEYVALUE0123456789abcd";

for (const kind of ["sqlite", "mariadb", "planetscale"] as TestDatabaseKind[]) {
  const available = await testDatabaseAvailable(kind, "admin api");
  describe.skipIf(!available)(`admin API on ${kind}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ kind });
    });
    afterAll(async () => {
      await t?.close();
    });

    describe("login", () => {
      it("returns a JWT for the right password", async () => {
        const response = await t.request("POST", "/api/auth/login", TEST_ADMIN);
        expect(response.status).toBe(200);
        const body = (await response.json()) as { code: number; data: { token: string; expiresIn: number } };
        expect(body.code).toBe(200);
        expect(body.data.token.split(".")).toHaveLength(3);
        expect(body.data.expiresIn).toBeGreaterThan(0);
      });

      it("answers 401 for a wrong password and 400 naming a missing field", async () => {
        const wrong = await t.request("POST", "/api/auth/login", { username: "admin", password: "nope" });
        expect(wrong.status).toBe(401);
        expect(await wrong.json()).toEqual({ code: 401, message: "Invalid username or password" });
        const missing = await t.request("POST", "/api/auth/login", { username: "admin" });
        expect(missing.status).toBe(400);
        const body = (await missing.json()) as { errors: Array<{ field: string }> };
        expect(body.errors.map((error) => error.field)).toContain("password");
      });

      it("answers 401, not 500, for a user whose stored hash scrypt refuses", async () => {
        const now = t.clock.now();
        await t.database.handle.db
          .insertInto("t_admin_users")
          .values({ username: "broken-hash", password_hash: "scrypt$abc$8$1$c2FsdA==$aGFzaA==", role: "admin", is_active: 1, created_at: now, updated_at: now })
          .execute();
        const response = await t.request("POST", "/api/auth/login", { username: "broken-hash", password: "anything" });
        expect(response.status).toBe(401);
        expect(await response.json()).toEqual({ code: 401, message: "Invalid username or password" });
      });

      it("locks a user/IP pair out after five failures, with Retry-After", async () => {
        for (let attempt = 0; attempt < 5; attempt++) {
          const response = await t.request("POST", "/api/auth/login", { username: "locked-user", password: "bad" });
          expect(response.status).toBe(401);
        }
        const locked = await t.request("POST", "/api/auth/login", { username: "locked-user", password: "bad" });
        expect(locked.status).toBe(429);
        expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(800);
        t.clock.advance(16 * 60 * 1000);
        const after = await t.request("POST", "/api/auth/login", { username: "locked-user", password: "bad" });
        expect(after.status).toBe(401);
      });
    });

    describe("admin guard", () => {
      it("401 without a token, with a forged token and with an expired one", async () => {
        expect((await t.request("GET", "/api/admin/ai-providers")).status).toBe(401);
        expect((await t.request("GET", "/api/admin/ai-providers", undefined, "eyJhbGciOiJIUzI1NiJ9.e30.bad")).status).toBe(401);
        const forged = await signAdminToken({ id: 1, username: "admin", role: "admin", tokenVersion: 0 }, "another-secret-that-is-long-enough-123", t.clock.now(), 3600);
        expect((await t.request("GET", "/api/admin/ai-providers", undefined, forged)).status).toBe(401);
        const expired = await signAdminToken({ id: 1, username: "admin", role: "admin", tokenVersion: 0 }, t.deps.jwtSecret, t.clock.now() - 7200_000, 3600);
        expect((await t.request("GET", "/api/admin/ai-providers", undefined, expired)).status).toBe(401);
      });

      it("403 for a valid token without the admin role on a write", async () => {
        const now = t.clock.now();
        const { insertId } = await t.database.handle.db
          .insertInto("t_admin_users")
          .values({ username: "viewer", password_hash: "unused", role: "viewer", is_active: 1, created_at: now, updated_at: now })
          .executeTakeFirstOrThrow();
        const viewer = await signAdminToken({ id: Number(insertId), username: "viewer", role: "viewer", tokenVersion: 0 }, t.deps.jwtSecret, now, 3600);
        expect((await t.request("GET", "/api/admin/ai-providers", undefined, viewer)).status).toBe(200);
        const write = await t.request("POST", "/api/admin/ai-providers", { code: "x1", name: "X", baseUrl: "https://x.example", apiFormat: "openai" }, viewer);
        expect(write.status).toBe(403);
      });
    });

    describe("providers", () => {
      it("lists the seeded providers with key counts and a status summary", async () => {
        const response = await t.request("GET", "/api/admin/ai-providers", undefined, await t.adminToken());
        const body = (await response.json()) as { data: Array<{ id: number; code: string; keyCount: number; statusSummary: object }> };
        expect(body.data.map((provider) => [provider.id, provider.code])).toEqual([[1, "openai"], [2, "anthropic"], [3, "deepseek"]]);
        expect(body.data[0]).toMatchObject({ keyCount: 0, statusSummary: {} });
      });

      it("creates, reads, updates and refuses duplicates and unknown ids", async () => {
        const token = await t.adminToken();
        const created = await t.request("POST", "/api/admin/ai-providers", { code: "azure", name: "Azure OpenAI", baseUrl: "https://example.openai.azure.com/", apiFormat: "openai", timeout: 30000 }, token);
        expect(created.status).toBe(200);
        const provider = ((await created.json()) as { data: { id: number; baseUrl: string; timeout: number } }).data;
        expect(provider).toMatchObject({ baseUrl: "https://example.openai.azure.com", timeout: 30000 });

        const duplicate = await t.request("POST", "/api/admin/ai-providers", { code: "azure", name: "Again", baseUrl: "https://x.example", apiFormat: "openai" }, token);
        expect(duplicate.status).toBe(409);

        const updated = await t.request("PUT", `/api/admin/ai-providers/${provider.id}`, { name: "Azure", isActive: false }, token);
        expect(((await updated.json()) as { data: object }).data).toMatchObject({ name: "Azure", isActive: false });

        expect((await t.request("GET", "/api/admin/ai-providers/9999", undefined, token)).status).toBe(404);
        expect((await t.request("PUT", "/api/admin/ai-providers/abc", { name: "x" }, token)).status).toBe(400);
        expect((await t.request("DELETE", `/api/admin/ai-providers/${provider.id}`, undefined, token)).status).toBe(200);
        expect((await t.request("GET", `/api/admin/ai-providers/${provider.id}`, undefined, token)).status).toBe(404);
      });

      it("rejects malformed JSON, wrong types and oversized bodies with 4xx envelopes, no stack", async () => {
        const token = await t.adminToken();
        const malformed = await t.request("POST", "/api/admin/ai-providers", "{not json", token);
        expect(malformed.status).toBe(400);
        const wrongType = await t.request("POST", "/api/admin/ai-providers", { code: "ok-code", name: 5, baseUrl: "ftp://x", apiFormat: "openai" }, token);
        expect(wrongType.status).toBe(400);
        const wrongBody = (await wrongType.json()) as { code: number; message: string; errors: Array<{ field: string }> };
        expect(wrongBody.code).toBe(400);
        expect(wrongBody.errors.map((error) => error.field).sort()).toEqual(["baseUrl", "name"]);
        const huge = await t.request("POST", "/api/admin/ai-providers", { code: "big", name: "x".repeat(5 * 1024 * 1024), baseUrl: "https://x.example", apiFormat: "openai" }, token);
        expect(huge.status).toBe(413);
        for (const response of [malformed, huge]) expect(await response.text()).not.toMatch(/\n\s+at /);
      });
    });

    describe("keys", () => {
      it("stores only ciphertext, shows only a hint, and never logs the key", async () => {
        const token = await t.adminToken();
        const created = await t.request(
          "POST",
          "/api/admin/ai-providers/1/keys",
          { keyName: "primary", apiKey: PROVIDER_KEY, priority: 10, rateLimitRpm: 60, rateLimitTpm: 100000, rateLimitRpd: null, isActive: true },
          token,
        );
        expect(created.status).toBe(200);
        const createdText = await created.text();
        expect(createdText).not.toContain(PROVIDER_KEY);
        const key = (JSON.parse(createdText) as { data: { id: number; keyHint: string; status: string; rateLimitRpm: number } }).data;
        expect(key).toMatchObject({ keyHint: "sk-…abcd", status: "normal", rateLimitRpm: 60 });

        const row = await t.database.handle.db.selectFrom("t_ai_api_keys").selectAll().where("id", "=", key.id).executeTakeFirstOrThrow();
        expect(row.api_key).not.toContain(PROVIDER_KEY);
        expect(row.api_key).not.toContain("abcd");
        expect(t.deps.cipher.decrypt(row.api_key)).toBe(PROVIDER_KEY);

        const list = await t.request("GET", "/api/admin/ai-providers/1/keys", undefined, token);
        expect(await list.text()).not.toContain(PROVIDER_KEY);
        const providers = await t.request("GET", "/api/admin/ai-providers", undefined, token);
        expect(((await providers.json()) as { data: Array<{ keyCount: number; statusSummary: object }> }).data[0]).toMatchObject({ keyCount: 1, statusSummary: { normal: 1 } });
        expect(t.logLines.join("\n")).not.toContain(PROVIDER_KEY);
      });

      it("updates a key (re-encrypting a new secret), validates limits, and deletes it", async () => {
        const token = await t.adminToken();
        const created = await t.request("POST", "/api/admin/ai-providers/3/keys", { keyName: "ds", apiKey: "sk-deepseek-secret-1111" }, token);
        const { id } = ((await created.json()) as { data: { id: number } }).data;
        const bad = await t.request("PUT", `/api/admin/ai-providers/keys/${id}`, { rateLimitRpm: -5 }, token);
        expect(bad.status).toBe(400);
        expect(((await bad.json()) as { errors: Array<{ field: string }> }).errors[0].field).toBe("rateLimitRpm");
        const updated = await t.request("PUT", `/api/admin/ai-providers/keys/${id}`, { apiKey: "sk-deepseek-secret-2222", priority: 5 }, token);
        expect(((await updated.json()) as { data: object }).data).toMatchObject({ keyHint: "sk-…2222", priority: 5 });
        expect((await t.request("PUT", "/api/admin/ai-providers/keys/424242", { priority: 1 }, token)).status).toBe(404);
        expect((await t.request("DELETE", `/api/admin/ai-providers/keys/${id}`, undefined, token)).status).toBe(200);
        expect((await t.request("DELETE", `/api/admin/ai-providers/keys/${id}`, undefined, token)).status).toBe(404);
      });

      it("refuses to delete a provider that still has keys", async () => {
        const response = await t.request("DELETE", "/api/admin/ai-providers/1", undefined, await t.adminToken());
        expect(response.status).toBe(409);
      });
    });

    describe("models", () => {
      it("does full CRUD with a 409 on duplicates", async () => {
        const token = await t.adminToken();
        const list = await t.request("GET", "/api/admin/ai-models?providerId=3", undefined, token);
        expect(((await list.json()) as { data: unknown[] }).data).toHaveLength(2);
        const body = { providerId: 3, modelCode: "deepseek-v4-flash", displayName: "DeepSeek V4 Flash", contextWindow: 128000, maxOutputTokens: 8192, inputPricePerM: 0.14, outputPricePerM: 0.28 };
        const created = await t.request("POST", "/api/admin/ai-models", body, token);
        expect(created.status).toBe(200);
        const model = ((await created.json()) as { data: { id: number; inputPricePerM: number } }).data;
        expect(model.inputPricePerM).toBe(0.14);
        expect((await t.request("POST", "/api/admin/ai-models", body, token)).status).toBe(409);
        expect((await t.request("POST", "/api/admin/ai-models", { ...body, providerId: 77 }, token)).status).toBe(400);
        const updated = await t.request("PUT", `/api/admin/ai-models/${model.id}`, { outputPricePerM: 0.3, isActive: false }, token);
        expect(((await updated.json()) as { data: object }).data).toMatchObject({ outputPricePerM: 0.3, isActive: false });
        const renamed = await t.request("PUT", `/api/admin/ai-models/${model.id}`, { displayName: "Renamed" }, token);
        // A partial update touches only what it names: flags set earlier stay as they were.
        expect(((await renamed.json()) as { data: object }).data).toMatchObject({ displayName: "Renamed", isActive: false, supportsStreaming: true, outputPricePerM: 0.3 });
        expect((await t.request("DELETE", `/api/admin/ai-models/${model.id}`, undefined, token)).status).toBe(200);
        expect((await t.request("GET", `/api/admin/ai-models/${model.id}`, undefined, token)).status).toBe(404);
      });
    });

    describe("client keys", () => {
      it("shows a new key once, stores only its hash, and refuses to revive a revoked one", async () => {
        const token = await t.adminToken();
        const created = await t.request("POST", "/api/admin/clients", { name: "my-app", allowedModels: ["gpt-4.1"], rateLimitRpm: 30 }, token);
        const client = ((await created.json()) as { data: { id: number; apiKey: string; keyHint: string } }).data;
        expect(client.apiKey).toMatch(/^mg-[A-Za-z0-9_-]{32}$/);
        expect(client.keyHint).toBe(`mg-…${client.apiKey.slice(-4)}`);
        const listed = await t.request("GET", "/api/admin/clients", undefined, token);
        expect(await listed.text()).not.toContain(client.apiKey);
        const row = await t.database.handle.db.selectFrom("t_client_keys").selectAll().where("id", "=", client.id).executeTakeFirstOrThrow();
        expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
        expect(JSON.stringify(row)).not.toContain(client.apiKey);

        expect((await t.request("DELETE", `/api/admin/clients/${client.id}`, undefined, token)).status).toBe(200);
        const revive = await t.request("PUT", `/api/admin/clients/${client.id}`, { isActive: true }, token);
        expect(revive.status).toBe(409);
      });
    });

    it("answers unknown routes with a 404 envelope", async () => {
      const response = await t.request("GET", "/api/nothing-here");
      expect(response.status).toBe(404);
      expect(((await response.json()) as { code: number }).code).toBe(404);
    });
  });
}
