import { describe, expect, it } from "vitest";
import { auditTarget, singularType } from "../../lib/audit/audit-target";

describe("auditTarget names a change from the route that served it", () => {
  it.each([
    ["POST", "/api/admin/clients", {}, "7", { action: "client.create", targetType: "client", targetId: "7", parents: {} }],
    ["PUT", "/api/admin/clients/:id", { id: "7" }, null, { action: "client.update", targetType: "client", targetId: "7", parents: {} }],
    ["DELETE", "/api/admin/ai-providers/keys/:keyId", { keyId: "4" }, null, { action: "key.delete", targetType: "key", targetId: "4", parents: {} }],
    ["POST", "/api/admin/ai-providers/:id/keys", { id: "3" }, "9", { action: "key.create", targetType: "key", targetId: "9", parents: { providerId: "3" } }],
    ["POST", "/api/admin/ai-providers/keys/:keyId/validate", { keyId: "4" }, null, { action: "key.validate", targetType: "key", targetId: "4", parents: {} }],
    ["POST", "/api/admin/jobs/:name/run", { name: "rollup" }, null, { action: "job.run", targetType: "job", targetId: "rollup", parents: {} }],
    ["PUT", "/api/admin/clients/:id/budgets", { id: "5" }, null, { action: "budget.update", targetType: "budget", targetId: "5", parents: { clientId: "5" } }],
    ["POST", "/api/admin/ai-models/:id/prices", { id: "2" }, "11", { action: "price.create", targetType: "price", targetId: "11", parents: { modelId: "2" } }],
    ["POST", "/api/auth/password", {}, null, { action: "user.password_change", targetType: "user", targetId: "42", parents: {} }],
  ] as const)("%s %s", (method, path, params, createdId, expected) => {
    expect(auditTarget(method, path, params, createdId, 42)).toEqual(expected);
  });

  it("turns collection names into target types", () => {
    expect(["ai-providers", "ai-models", "clients", "webhooks", "users", "ai-aliases", "prices", "budgets"].map(singularType)).toEqual([
      "provider",
      "model",
      "client",
      "webhook",
      "user",
      "alias",
      "price",
      "budget",
    ]);
  });
});
