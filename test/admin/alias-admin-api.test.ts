/**
 * /api/admin/ai-aliases on every database path: create, read, update and delete; each refusal is
 * a 4xx naming the field (unknown, ambiguous or repeated members, a member that is an alias, a
 * name that is a model code or taken); a model cannot take an alias's name; client keys can be
 * allowed an alias.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/test-app";
import { TEST_DATABASE_KINDS, testDatabaseAvailable } from "../support/test-databases";

type Envelope<T = unknown> = { code: number; data: T; message?: string; errors?: Array<{ field: string; message: string }> };

for (const kind of TEST_DATABASE_KINDS) {
  const available = await testDatabaseAvailable(kind, "alias admin API");
  describe.skipIf(!available)(`alias admin API on ${kind}`, () => {
    let t: TestApp;
    let token: string;
    beforeAll(async () => {
      t = await createTestApp({ kind });
      token = await t.adminToken();
    });
    afterAll(async () => {
      await t?.close();
    });
    const call = async <T>(method: string, path: string, body?: unknown) => {
      const response = await t.request(method, path, body, token);
      return { status: response.status, body: (await response.json()) as Envelope<T> };
    };

    it("creates, lists, changes and deletes an alias", async () => {
      const created = await call<{ id: number; members: unknown[] }>("POST", "/api/admin/ai-aliases", {
        alias: "fast",
        members: [{ model: "gpt-4o-mini", weight: 2 }, { model: "deepseek/deepseek-chat", weight: 1 }, { model: "anthropic/claude-haiku-4-5" }],
      });
      expect(created.status).toBe(200);
      expect(created.body.data).toMatchObject({
        alias: "fast",
        description: null,
        isActive: true,
        members: [
          { model: "openai/gpt-4o-mini", weight: 2, position: 1, available: true },
          { model: "deepseek/deepseek-chat", weight: 1, position: 1, available: true },
          { model: "anthropic/claude-haiku-4-5", weight: null, position: 2, available: true },
        ],
      });
      const id = created.body.data.id;
      expect((await call<unknown[]>("GET", "/api/admin/ai-aliases")).body.data).toHaveLength(1);

      const changed = await call("PUT", `/api/admin/ai-aliases/${id}`, { alias: "quick", description: "Cheap first", members: [{ model: "deepseek-chat" }] });
      expect(changed.status).toBe(200);
      expect(changed.body.data).toMatchObject({ alias: "quick", description: "Cheap first", members: [{ model: "deepseek/deepseek-chat", weight: null, position: 1 }] });
      expect((await call("GET", `/api/admin/ai-aliases/${id}`)).body.data).toMatchObject({ alias: "quick" });

      expect((await call("DELETE", `/api/admin/ai-aliases/${id}`)).status).toBe(200);
      expect((await call("GET", `/api/admin/ai-aliases/${id}`)).status).toBe(404);
      expect(await t.database.handle.db.selectFrom("t_model_alias_members").selectAll().execute()).toEqual([]);
    });

    it.each([
      ["an unknown member", { alias: "a1", members: [{ model: "openai/gpt-4o-mini" }, { model: "openai/gpt-9" }] }, "members.1.model", "not a model"],
      ["a member listed twice", { alias: "a2", members: [{ model: "gpt-4o-mini" }, { model: "openai/gpt-4o-mini" }] }, "members.1.model", "listed twice"],
      ["no member", { alias: "a3", members: [] }, "members", "at least one"],
      ["a name with a slash", { alias: "openai/x", members: [{ model: "gpt-4o-mini" }] }, "alias", "no '/'"],
      ["a name that is a model code", { alias: "gpt-4.1", members: [{ model: "gpt-4o-mini" }] }, "alias", "may not shadow"],
      ["a zero weight", { alias: "a4", members: [{ model: "gpt-4o-mini", weight: 0 }] }, "members.0.weight", ""],
    ])("refuses %s with a 400 naming the field", async (_name, body, field, message) => {
      const refused = await call("POST", "/api/admin/ai-aliases", body);
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringContaining(message) })]));
      expect(await t.database.handle.db.selectFrom("t_model_aliases").selectAll().where("alias", "=", body.alias).execute()).toEqual([]);
    });

    it("refuses aliases of aliases (so no chain can loop), a taken name, and a model named like an alias", async () => {
      const first = await call<{ id: number }>("POST", "/api/admin/ai-aliases", { alias: "smart", members: [{ model: "gpt-5" }] });
      expect(first.status).toBe(200);
      const nested = await call("POST", "/api/admin/ai-aliases", { alias: "smarter", members: [{ model: "smart" }] });
      expect(nested.status).toBe(400);
      expect(nested.body.errors?.[0]).toMatchObject({ field: "members.0.model", message: expect.stringContaining("is a model alias") });
      expect((await call("POST", "/api/admin/ai-aliases", { alias: "smart", members: [{ model: "gpt-5-mini" }] })).status).toBe(409);

      const model = await call("POST", "/api/admin/ai-models", { providerId: 1, modelCode: "smart", displayName: "Shadow", contextWindow: 1000, maxOutputTokens: 100, inputPricePerM: 1, outputPricePerM: 1 });
      expect(model.status).toBe(409);
      expect(model.body.message).toContain("alias");
      await call("DELETE", `/api/admin/ai-aliases/${first.body.data.id}`);
    });

    it("lets a client key be allowed an alias by name; an unknown name is still a 400", async () => {
      await call("POST", "/api/admin/ai-aliases", { alias: "team-default", members: [{ model: "gpt-4o-mini" }] });
      const client = await call<{ allowedModels: string[] }>("POST", "/api/admin/clients", { name: "alias-user", allowedModels: ["team-default", "deepseek-chat"] });
      expect(client.status).toBe(200);
      expect(client.body.data.allowedModels).toEqual(["team-default", "deepseek/deepseek-chat"]);
      const unknown = await call("POST", "/api/admin/clients", { name: "typo", allowedModels: ["team-defualt"] });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors?.[0]).toMatchObject({ field: "allowedModels.0" });
    });

    it("renames an alias in client keys' allowed models, removes it there when deleted, and keeps its models from being deleted", async () => {
      const created = await call<{ id: number }>("POST", "/api/admin/ai-aliases", { alias: "writer", members: [{ model: "claude-haiku-4-5" }] });
      const client = await call<{ id: number }>("POST", "/api/admin/clients", { name: "writer-app", allowedModels: ["writer", "gpt-4o-mini"] });
      const allowed = async () => (await call<{ allowedModels: string[] }>("GET", `/api/admin/clients/${client.body.data.id}`)).body.data.allowedModels;

      expect((await call("PUT", `/api/admin/ai-aliases/${created.body.data.id}`, { alias: "author" })).status).toBe(200);
      expect(await allowed()).toEqual(["author", "openai/gpt-4o-mini"]);

      const haiku = await t.database.handle.db.selectFrom("t_ai_models").select("id").where("model_code", "=", "claude-haiku-4-5").executeTakeFirstOrThrow();
      const refused = await call("DELETE", `/api/admin/ai-models/${haiku.id}`);
      expect(refused.status).toBe(409);
      expect(refused.body.message).toContain("'author'");

      expect((await call("DELETE", `/api/admin/ai-aliases/${created.body.data.id}`)).status).toBe(200);
      expect(await allowed()).toEqual(["openai/gpt-4o-mini"]);
    });
  });
}
