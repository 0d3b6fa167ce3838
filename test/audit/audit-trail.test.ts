/**
 * The audit trail: every mutating admin route the app mounts writes exactly one entry when it
 * succeeds (the routes are enumerated from the app, so a new route without a case here fails),
 * naming who, what and which target, and never a secret; refused changes write none; the list
 * filters and pages by keyset; the CSV export holds the same rows, safe against formula injection.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { auditView } from "../../lib/audit/audit-log";
import { createTestApp, TEST_ADMIN, type TestApp } from "../support/test-app";
import { testDatabaseAvailable, TEST_DATABASE_KINDS } from "../support/test-databases";

const PROVIDER_KEY = "sk-audit-provider-SECRET-0123456789abcdef";
const NEW_PROVIDER_KEY = "sk-audit-provider-ROTATED-0123456789abcdef";
const USER_PASSWORD = "a long password for the audit user";
const NEW_ADMIN_PASSWORD = "the admin's own new password";
const WEBHOOK_URL = "http://127.0.0.1:9/hooks/T0SECRETPATH";

/** An entry as GET /api/admin/audit shows it. */
type Entry = ReturnType<typeof auditView>;

/** Ids the cases create and use, filled in as they run. */
interface Ids {
  provider: number;
  key: number;
  model: number;
  client: number;
  clientKey: string;
  webhook: number;
  user: number;
  alias: number;
}

interface AuditCase {
  /** `METHOD /route/pattern` as the app mounts it. */
  route: string;
  request(ids: Ids): { method: string; path: string; body?: unknown };
  action: string;
  /** Unchecked where the answer decides it (routes of other parts whose shape this suite does not own). */
  targetId?(ids: Ids): string | null;
  /** Fields the entry's summary shows (secrets as "(changed)"). */
  summary?: Record<string, unknown>;
  /** Stores what the answer created. */
  keep?(data: Record<string, any>, ids: Ids): void;
}

/** One successful call per mutating route, in an order where each finds what it needs. */
const AUDIT_CASES: AuditCase[] = [
  {
    route: "POST /api/admin/ai-providers",
    request: () => ({ method: "POST", path: "/api/admin/ai-providers", body: { code: "audited", name: "Audited", baseUrl: "http://127.0.0.1:9/v1", apiFormat: "openai" } }),
    action: "provider.create",
    targetId: (ids) => String(ids.provider),
    summary: { code: "audited", baseUrl: "http://127.0.0.1:9/v1" },
    keep: (data, ids) => (ids.provider = data.id),
  },
  {
    route: "PUT /api/admin/ai-providers/:id",
    request: (ids) => ({ method: "PUT", path: `/api/admin/ai-providers/${ids.provider}`, body: { name: "Audited renamed", timeout: 5000 } }),
    action: "provider.update",
    targetId: (ids) => String(ids.provider),
    summary: { name: "Audited renamed", timeout: 5000 },
  },
  {
    route: "POST /api/admin/ai-providers/:id/keys",
    request: (ids) => ({ method: "POST", path: `/api/admin/ai-providers/${ids.provider}/keys`, body: { keyName: "audit key", apiKey: PROVIDER_KEY } }),
    action: "key.create",
    targetId: (ids) => String(ids.key),
    summary: { keyName: "audit key", apiKey: "(changed)" },
    keep: (data, ids) => (ids.key = data.id),
  },
  {
    route: "PUT /api/admin/ai-providers/keys/:keyId",
    request: (ids) => ({ method: "PUT", path: `/api/admin/ai-providers/keys/${ids.key}`, body: { apiKey: NEW_PROVIDER_KEY, priority: 3 } }),
    action: "key.update",
    targetId: (ids) => String(ids.key),
    summary: { apiKey: "(changed)", priority: 3 },
  },
  {
    route: "POST /api/admin/ai-providers/keys/:keyId/validate",
    request: (ids) => ({ method: "POST", path: `/api/admin/ai-providers/keys/${ids.key}/validate` }),
    action: "key.validate",
    targetId: (ids) => String(ids.key),
  },
  {
    route: "POST /api/admin/ai-models",
    request: (ids) => ({
      method: "POST",
      path: "/api/admin/ai-models",
      body: { providerId: ids.provider, modelCode: "audit-model", displayName: "Audit model", contextWindow: 8000, maxOutputTokens: 1000, inputPricePerM: 1, outputPricePerM: 2 },
    }),
    action: "model.create",
    targetId: (ids) => String(ids.model),
    summary: { modelCode: "audit-model", maxOutputTokens: 1000 },
    keep: (data, ids) => (ids.model = data.id),
  },
  {
    route: "PUT /api/admin/ai-models/:id",
    request: (ids) => ({ method: "PUT", path: `/api/admin/ai-models/${ids.model}`, body: { outputPricePerM: 3 } }),
    action: "model.update",
    targetId: (ids) => String(ids.model),
    summary: { outputPricePerM: 3 },
  },
  // Routes other parts add: each runs once its route is mounted.
  {
    route: "POST /api/admin/ai-models/:id/prices",
    request: (ids) => ({ method: "POST", path: `/api/admin/ai-models/${ids.model}/prices`, body: { effectiveFrom: Date.UTC(2030, 0, 1), inputPricePerM: 1.5, outputPricePerM: 2.5 } }),
    action: "price.create",
    summary: { inputPricePerM: 1.5 },
  },
  {
    route: "POST /api/admin/ai-aliases",
    request: () => ({ method: "POST", path: "/api/admin/ai-aliases", body: { alias: "audit-alias", members: [{ model: "audited/audit-model" }] } }),
    action: "alias.create",
    targetId: (ids) => String(ids.alias),
    summary: { alias: "audit-alias" },
    keep: (data, ids) => (ids.alias = data.id),
  },
  {
    route: "PUT /api/admin/ai-aliases/:id",
    request: (ids) => ({ method: "PUT", path: `/api/admin/ai-aliases/${ids.alias}`, body: { description: "audited alias" } }),
    action: "alias.update",
    targetId: (ids) => String(ids.alias),
    summary: { description: "audited alias" },
  },
  {
    route: "DELETE /api/admin/ai-aliases/:id",
    request: (ids) => ({ method: "DELETE", path: `/api/admin/ai-aliases/${ids.alias}` }),
    action: "alias.delete",
    targetId: (ids) => String(ids.alias),
  },
  {
    route: "POST /api/admin/clients",
    request: () => ({ method: "POST", path: "/api/admin/clients", body: { name: "audit client", allowedModels: ["audited/audit-model"] } }),
    action: "client.create",
    targetId: (ids) => String(ids.client),
    summary: { name: "audit client", allowedModels: ["audited/audit-model"] },
    keep: (data, ids) => {
      ids.client = data.id;
      ids.clientKey = data.apiKey;
    },
  },
  {
    route: "PUT /api/admin/clients/:id",
    request: (ids) => ({ method: "PUT", path: `/api/admin/clients/${ids.client}`, body: { rateLimitRpm: 30, allowedModels: null } }),
    action: "client.update",
    targetId: (ids) => String(ids.client),
    summary: { rateLimitRpm: 30, allowedModels: null },
  },
  {
    route: "PUT /api/admin/clients/:id/budgets",
    request: (ids) => ({ method: "PUT", path: `/api/admin/clients/${ids.client}/budgets`, body: { budgets: [{ kind: "cost", period: "month", limit: 10 }] } }),
    action: "budget.update",
    targetId: (ids) => String(ids.client),
  },
  {
    route: "DELETE /api/admin/clients/:id",
    request: (ids) => ({ method: "DELETE", path: `/api/admin/clients/${ids.client}` }),
    action: "client.delete",
    targetId: (ids) => String(ids.client),
    summary: { name: "audit client", keyHint: expect.stringMatching(/^mg-/) },
  },
  {
    route: "DELETE /api/admin/ai-models/:id",
    request: (ids) => ({ method: "DELETE", path: `/api/admin/ai-models/${ids.model}` }),
    action: "model.delete",
    targetId: (ids) => String(ids.model),
    summary: { modelCode: "audit-model" },
  },
  {
    route: "DELETE /api/admin/ai-providers/keys/:keyId",
    request: (ids) => ({ method: "DELETE", path: `/api/admin/ai-providers/keys/${ids.key}` }),
    action: "key.delete",
    targetId: (ids) => String(ids.key),
    summary: { keyName: "audit key", keyHint: expect.stringMatching(/…/) },
  },
  {
    route: "DELETE /api/admin/ai-providers/:id",
    request: (ids) => ({ method: "DELETE", path: `/api/admin/ai-providers/${ids.provider}` }),
    action: "provider.delete",
    targetId: (ids) => String(ids.provider),
    summary: { code: "audited", name: "Audited renamed" },
  },
  {
    route: "POST /api/admin/alerts/webhooks",
    request: () => ({ method: "POST", path: "/api/admin/alerts/webhooks", body: { name: "audit hook", url: WEBHOOK_URL } }),
    action: "webhook.create",
    targetId: (ids) => String(ids.webhook),
    summary: { name: "audit hook", url: "(changed)" },
    keep: (data, ids) => (ids.webhook = data.id),
  },
  {
    route: "PUT /api/admin/alerts/webhooks/:id",
    request: (ids) => ({ method: "PUT", path: `/api/admin/alerts/webhooks/${ids.webhook}`, body: { url: `${WEBHOOK_URL}2`, isActive: false } }),
    action: "webhook.update",
    targetId: (ids) => String(ids.webhook),
    summary: { url: "(changed)", isActive: false },
  },
  {
    route: "POST /api/admin/alerts/webhooks/:id/test",
    request: (ids) => ({ method: "POST", path: `/api/admin/alerts/webhooks/${ids.webhook}/test` }),
    action: "webhook.test",
    targetId: (ids) => String(ids.webhook),
  },
  {
    route: "DELETE /api/admin/alerts/webhooks/:id",
    request: (ids) => ({ method: "DELETE", path: `/api/admin/alerts/webhooks/${ids.webhook}` }),
    action: "webhook.delete",
    targetId: (ids) => String(ids.webhook),
  },
  {
    route: "POST /api/admin/jobs/:name/run",
    request: () => ({ method: "POST", path: "/api/admin/jobs/key-status/run" }),
    action: "job.run",
    targetId: () => "key-status",
    summary: { status: "ok" },
  },
  {
    route: "POST /api/admin/users",
    request: () => ({ method: "POST", path: "/api/admin/users", body: { username: "Audit-Viewer", password: USER_PASSWORD, role: "viewer" } }),
    action: "user.create",
    targetId: (ids) => String(ids.user),
    summary: { username: "audit-viewer", password: "(changed)", role: "viewer" },
    keep: (data, ids) => (ids.user = data.id),
  },
  {
    route: "PUT /api/admin/users/:id",
    request: (ids) => ({ method: "PUT", path: `/api/admin/users/${ids.user}`, body: { role: "admin", password: `${USER_PASSWORD}!` } }),
    action: "user.update",
    targetId: (ids) => String(ids.user),
    summary: { role: "admin", password: "(changed)" },
  },
  {
    route: "DELETE /api/admin/users/:id",
    request: (ids) => ({ method: "DELETE", path: `/api/admin/users/${ids.user}` }),
    action: "user.delete",
    targetId: (ids) => String(ids.user),
    summary: { username: "audit-viewer" },
  },
  {
    route: "POST /api/auth/password",
    request: () => ({ method: "POST", path: "/api/auth/password", body: { currentPassword: TEST_ADMIN.password, newPassword: NEW_ADMIN_PASSWORD } }),
    action: "user.password_change",
    targetId: () => "1",
    summary: { currentPassword: "(changed)", newPassword: "(changed)" },
  },
];

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

for (const kind of TEST_DATABASE_KINDS) {
  const available = await testDatabaseAvailable(kind, "audit trail");
  describe.skipIf(!available)(`audit trail on ${kind}`, () => {
    let t: TestApp;
    let token: string;
    const ids = {} as Ids;
    const entries = async (query = "") => {
      const response = await t.request("GET", `/api/admin/audit${query}`, undefined, token);
      expect(response.status).toBe(200);
      return ((await response.json()) as { data: { items: Entry[]; nextCursor: number | null } }).data;
    };

    const mountedRoutes = () =>
      new Set(
        t.app.routes
          .filter((route) => MUTATING.has(route.method) && !route.path.endsWith("*"))
          .filter((route) => route.path.startsWith("/api/admin/") || route.path === "/api/auth/password")
          .map((route) => `${route.method} ${route.path}`),
      );
    /** The cases whose route this build mounts. */
    const mountedCases = () => AUDIT_CASES.filter((auditCase) => mountedRoutes().has(auditCase.route));

    beforeAll(async () => {
      t = await createTestApp({ kind });
      token = await t.adminToken();
    });
    afterAll(async () => {
      await t?.close();
    });

    it("has a case for every mutating admin route the app mounts", () => {
      const covered = new Set(AUDIT_CASES.map((auditCase) => auditCase.route));
      expect([...mountedRoutes()].filter((route) => !covered.has(route)), "mutating routes without an audit case: add one to AUDIT_CASES").toEqual([]);
    });

    it("writes one entry per successful change, naming who, what and which target, and no secret", async () => {
      for (const auditCase of mountedCases()) {
        const before = (await entries("?limit=1")).items[0]?.id ?? 0;
        const { method, path, body } = auditCase.request(ids);
        const response = await t.request(method, path, body, token);
        expect(response.status, `${auditCase.route}: ${await response.clone().text()}`).toBe(200);
        const data = ((await response.json()) as { data: Record<string, any> }).data;
        auditCase.keep?.(data, ids);
        // A password change signs older tokens out and answers with a new one.
        if (typeof data.token === "string") token = data.token;
        const fresh = (await entries("?limit=5")).items.filter((entry) => entry.id > before);
        expect(fresh, auditCase.route).toHaveLength(1);
        const [entry] = fresh;
        expect(entry, auditCase.route).toMatchObject({ adminUserId: 1, adminUsername: TEST_ADMIN.username, action: auditCase.action });
        if (auditCase.targetId) expect(entry.targetId, auditCase.route).toBe(auditCase.targetId(ids));
        expect(entry.targetType).toBe(auditCase.action.split(".")[0]);
        expect(entry.requestId).toBeTruthy();
        expect(Date.parse(entry.createdAt)).toBe(t.clock.now());
        if (auditCase.summary) expect(entry.summary, auditCase.route).toMatchObject(auditCase.summary);
      }
      const all = JSON.stringify(await entries("?limit=200"));
      const csv = await (await t.request("GET", "/api/admin/audit/export.csv", undefined, token)).text();
      for (const secret of [PROVIDER_KEY, NEW_PROVIDER_KEY, USER_PASSWORD, NEW_ADMIN_PASSWORD, TEST_ADMIN.password, WEBHOOK_URL, "T0SECRETPATH", ids.clientKey, token]) {
        expect(all).not.toContain(secret);
        expect(csv).not.toContain(secret);
      }
      // The stored rows, not only the views.
      const stored = JSON.stringify(await t.database.handle.db.selectFrom("t_admin_audit_log").selectAll().execute());
      for (const secret of [PROVIDER_KEY, USER_PASSWORD, NEW_ADMIN_PASSWORD, "T0SECRETPATH", ids.clientKey]) expect(stored).not.toContain(secret);
    });

    it("writes nothing for refused or failed changes, nor for reads", async () => {
      const count = async () => Number((await t.database.handle.db.selectFrom("t_admin_audit_log").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
      const before = await count();
      expect((await t.request("PUT", "/api/admin/clients/99999", { name: "x" }, token)).status).toBe(404);
      expect((await t.request("POST", "/api/admin/clients", { name: "" }, token)).status).toBe(400);
      expect((await t.request("POST", "/api/admin/clients", { name: "anonymous" })).status).toBe(401);
      expect((await t.request("GET", "/api/admin/clients", undefined, token)).status).toBe(200);
      expect(await count()).toBe(before);
    });

    it("filters, pages newest first by keyset, and exports the same rows as CSV", async () => {
      const clients = await entries("?targetType=client&limit=200");
      expect(clients.items.map((entry) => entry.action)).toEqual(["client.delete", "client.update", "client.create"]);
      expect((await entries("?action=key.update")).items).toHaveLength(1);
      expect((await entries("?adminUserId=1&limit=200")).items.length).toBe(mountedCases().length);
      expect((await entries("?adminUserId=2")).items).toEqual([]);

      const pages: number[][] = [];
      let cursor: number | null = null;
      do {
        const page: { items: Entry[]; nextCursor: number | null } = await entries(`?limit=7${cursor === null ? "" : `&cursor=${cursor}`}`);
        pages.push(page.items.map((entry) => entry.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      const paged = pages.flat();
      expect(paged.length).toBe(mountedCases().length);
      expect([...paged].sort((a, b) => b - a)).toEqual(paged);
      expect(new Set(paged).size).toBe(paged.length);

      const now = t.clock.now();
      expect((await entries(`?from=${now + 1}`)).items).toEqual([]);
      expect((await entries(`?to=${new Date(now + 1).toISOString()}&limit=200`)).items.length).toBe(mountedCases().length);
      const bad = await t.request("GET", "/api/admin/audit?limit=0&cursor=abc", undefined, token);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { errors: Array<{ field: string }> }).errors.map((error) => error.field).sort()).toEqual(["cursor", "limit"]);

      const csvResponse = await t.request("GET", "/api/admin/audit/export.csv?targetType=client", undefined, token);
      expect(csvResponse.status).toBe(200);
      expect(csvResponse.headers.get("content-type")).toContain("text/csv");
      const lines = (await csvResponse.text()).trimEnd().split("\r\n");
      expect(lines[0]).toBe("id,createdAt,adminUserId,adminUsername,action,targetType,targetId,summary,ip,requestId");
      expect(lines.slice(1).map((line) => Number(line.split(",")[0]))).toEqual(clients.items.map((entry) => entry.id));
    });

    it("quotes exported cells that a spreadsheet would run as formulas", async () => {
      const created = await t.request("POST", "/api/admin/users", { username: "-evil", password: USER_PASSWORD }, token);
      expect(created.status).toBe(200);
      const userId = String(((await created.json()) as { data: { id: number } }).data.id);
      // Names that the API refuses can still reach a row (an older version, a hand edit).
      await t.database.handle.db.updateTable("t_admin_audit_log").set({ admin_username: "=cmd|'/c calc'!A1" }).where("target_id", "=", userId).execute();
      const csv = await (await t.request("GET", `/api/admin/audit/export.csv?action=user.create`, undefined, token)).text();
      const row = csv.split("\r\n").find((line) => line.includes("calc"))!;
      expect(row.split(",")[3]).toBe("'=cmd|'/c calc'!A1");
      expect(row).toContain('""username"":""-evil""');
    });
  });
}
