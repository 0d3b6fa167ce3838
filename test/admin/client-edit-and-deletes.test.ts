/**
 * Editing a client key (name, allowed models checked against the catalogue, RPM, active) and
 * deleting catalogue rows: refused with a 409 that names what still depends on them, while
 * logged requests keep their history untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/test-app";
import { testDatabaseAvailable, TEST_DATABASE_KINDS } from "../support/test-databases";

interface ClientData {
  id: number;
  name: string;
  allowedModels: string[] | null;
  rateLimitRpm: number | null;
  isActive: boolean;
}

const MODEL = { modelCode: "edit-model", displayName: "Edit model", contextWindow: 8000, maxOutputTokens: 1000, inputPricePerM: 1, outputPricePerM: 2 };

for (const kind of TEST_DATABASE_KINDS) {
  const available = await testDatabaseAvailable(kind, "client edit and deletes");
  describe.skipIf(!available)(`client edit and catalogue deletes on ${kind}`, () => {
    let t: TestApp;
    let token: string;
    const admin = (method: string, path: string, body?: unknown) => t.request(method, path, body, token);
    const dataOf = async <T>(response: Response) => ((await response.json()) as { data: T }).data;
    const messageOf = async (response: Response) => ((await response.json()) as { message: string }).message;

    beforeAll(async () => {
      t = await createTestApp({ kind });
      token = await t.adminToken();
    });
    afterAll(async () => {
      await t?.close();
    });

    it("edits every field of a client key; allowed models take provider/model and bare codes from the catalogue", async () => {
      const created = await dataOf<ClientData>(await admin("POST", "/api/admin/clients", { name: "editable" }));
      const updated = await admin("PUT", `/api/admin/clients/${created.id}`, {
        name: "edited",
        allowedModels: ["anthropic/claude-haiku-4-5", "gpt-4o-mini"],
        rateLimitRpm: 42,
        isActive: false,
      });
      expect(updated.status).toBe(200);
      expect(await dataOf<ClientData>(updated)).toMatchObject({ name: "edited", allowedModels: ["anthropic/claude-haiku-4-5", "openai/gpt-4o-mini"], rateLimitRpm: 42, isActive: false });
      const cleared = await dataOf<ClientData>(await admin("PUT", `/api/admin/clients/${created.id}`, { allowedModels: null, rateLimitRpm: null, isActive: true }));
      expect(cleared).toMatchObject({ name: "edited", allowedModels: null, rateLimitRpm: null, isActive: true });
    });

    it("refuses a model that is not in the catalogue with a 400 naming it, and keeps what was stored", async () => {
      const created = await dataOf<ClientData>(await admin("POST", "/api/admin/clients", { name: "strict", allowedModels: ["gpt-4o-mini"] }));
      const refused = await admin("PUT", `/api/admin/clients/${created.id}`, { name: "renamed", allowedModels: ["openai/gpt-4o-mini", "nonexistent-model", "openai/nonexistent-model"] });
      expect(refused.status).toBe(400);
      const body = (await refused.json()) as { message: string; errors: Array<{ field: string; message: string }> };
      expect(body.message).toContain("'nonexistent-model'");
      expect(body.errors).toEqual([
        { field: "allowedModels.1", message: "'nonexistent-model' is not a model or model alias in the catalogue" },
        { field: "allowedModels.2", message: "'openai/nonexistent-model' is not a model or model alias in the catalogue" },
      ]);
      const onCreate = await admin("POST", "/api/admin/clients", { name: "strict too", allowedModels: ["nonexistent-model"] });
      expect(onCreate.status).toBe(400);
      expect(await messageOf(onCreate)).toContain("'nonexistent-model'");
      const stored = await dataOf<ClientData>(await admin("GET", `/api/admin/clients/${created.id}`));
      expect(stored).toMatchObject({ name: "strict", allowedModels: ["openai/gpt-4o-mini"] });
    });

    it("refuses to delete a provider while it has keys or models, saying how many", async () => {
      const provider = await dataOf<{ id: number }>(await admin("POST", "/api/admin/ai-providers", { code: "doomed", name: "Doomed", baseUrl: "http://127.0.0.1:9/v1", apiFormat: "openai" }));
      const model = await dataOf<{ id: number }>(await admin("POST", "/api/admin/ai-models", { providerId: provider.id, ...MODEL }));
      const key = await dataOf<{ id: number }>(await admin("POST", `/api/admin/ai-providers/${provider.id}/keys`, { keyName: "doomed key", apiKey: "sk-doomed-provider-key-0001" }));
      const refused = await admin("DELETE", `/api/admin/ai-providers/${provider.id}`);
      expect(refused.status).toBe(409);
      expect(await messageOf(refused)).toBe(`Provider ${provider.id} still has 1 key and 1 model; delete them first, or set isActive to false to stop using it`);

      // A logged request through this provider, key and model.
      await t.database.handle.db
        .insertInto("t_ai_api_logs")
        .values({
          request_id: "req-history",
          client_id: null,
          client_name: "history",
          provider_id: provider.id,
          key_id: key.id,
          model: "edit-model",
          status: "success",
          http_status: 200,
          error_code: null,
          error_message: null,
          prompt_tokens: 1,
          completion_tokens: 1,
          total_tokens: 2,
          tokens_estimated: 0,
          cost: 0.01,
          latency_ms: 10,
          ttft_ms: null,
          attempts: 1,
          attempt_errors: null,
          is_stream: 0,
          upstream_protocol: null,
          warnings: null,
          created_at: t.clock.now(),
        })
        .execute();
      expect((await admin("DELETE", `/api/admin/ai-providers/keys/${key.id}`)).status).toBe(200);
      expect((await admin("DELETE", `/api/admin/ai-models/${model.id}`)).status).toBe(200);
      expect((await admin("DELETE", `/api/admin/ai-providers/${provider.id}`)).status).toBe(200);
      expect((await admin("GET", `/api/admin/ai-providers/${provider.id}`)).status).toBe(404);
      const logged = await t.database.handle.db.selectFrom("t_ai_api_logs").selectAll().where("request_id", "=", "req-history").executeTakeFirstOrThrow();
      expect(logged).toMatchObject({ provider_id: provider.id, key_id: key.id, model: "edit-model", client_name: "history" });
    });

    it("refuses to delete a model while a live client key allows it, naming the clients", async () => {
      const provider = await dataOf<{ id: number }>(await admin("POST", "/api/admin/ai-providers", { code: "kept", name: "Kept", baseUrl: "http://127.0.0.1:9/v1", apiFormat: "openai" }));
      const model = await dataOf<{ id: number }>(await admin("POST", "/api/admin/ai-models", { providerId: provider.id, ...MODEL }));
      const client = await dataOf<ClientData>(await admin("POST", "/api/admin/clients", { name: "uses kept", allowedModels: ["kept/edit-model"] }));
      const refused = await admin("DELETE", `/api/admin/ai-models/${model.id}`);
      expect(refused.status).toBe(409);
      expect(await messageOf(refused)).toBe(`Model kept/edit-model is allowed for client keys 'uses kept' (id ${client.id}); remove it from their allowed models first, or set isActive to false`);
      expect((await admin("GET", `/api/admin/ai-models/${model.id}`)).status).toBe(200);
      // A revoked key no longer counts.
      expect((await admin("DELETE", `/api/admin/clients/${client.id}`)).status).toBe(200);
      expect((await admin("DELETE", `/api/admin/ai-models/${model.id}`)).status).toBe(200);
    });
  });
}
