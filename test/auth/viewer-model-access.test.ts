/**
 * Only admins and client keys call models: a read-only viewer token is refused on every model
 * route before anything reaches a provider.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../lib/auth/password-hash";
import { chatBody, startGatewayFixture, type GatewayFixture } from "../gateway/gateway-fixtures";

const OPENAI_KEY = "sk-viewer-test-key-0000000001";
const VIEWER = { username: "auditor", password: "a read-only password" };
const REASON = "Viewer tokens are read-only and cannot call models; use a client key or an admin account";

describe("viewer tokens on the model routes", () => {
  let g: GatewayFixture;
  let viewerToken: string;
  beforeAll(async () => {
    g = await startGatewayFixture();
    await g.addKey("openai", OPENAI_KEY);
    const now = g.clock.now();
    await g.database.handle.db
      .insertInto("t_admin_users")
      .values({ username: VIEWER.username, password_hash: await hashPassword(VIEWER.password), role: "viewer", is_active: 1, created_at: now, updated_at: now })
      .execute();
    const login = await g.request("POST", "/api/auth/login", VIEWER);
    expect(login.status).toBe(200);
    viewerToken = ((await login.json()) as { data: { token: string } }).data.token;
  });
  afterAll(async () => {
    await g?.close();
  });

  it("403 naming the reason on /v1/chat/completions, in the OpenAI shape, with no upstream call", async () => {
    const response = await g.chat(chatBody("gpt-4o-mini"), { token: viewerToken });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { message: REASON, type: "permission_error", param: null, code: "forbidden" } });
    const streamed = await g.chat(chatBody("gpt-4o-mini", "Hello", { stream: true }), { token: viewerToken });
    expect(streamed.status).toBe(403);
    expect(g.upstream.requests).toHaveLength(0);
  });

  it("403 on /api/ai/chat/completions and on the model list", async () => {
    const envelope = await g.chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }, { token: viewerToken, path: "/api/ai/chat/completions" });
    expect(envelope.status).toBe(403);
    expect(await envelope.json()).toEqual({ code: 403, message: REASON });
    expect((await g.request("GET", "/v1/models", undefined, viewerToken)).status).toBe(403);
    expect((await g.request("GET", "/v1/models/gpt-4o-mini", undefined, viewerToken)).status).toBe(403);
    expect((await g.chat({ model: "text-embedding-3-small", input: "Hi" }, { token: viewerToken, path: "/v1/embeddings" })).status).toBe(403);
    expect(g.upstream.requests).toHaveLength(0);
  });

  it("the viewer can still read the admin API; admins and client keys still call models", async () => {
    expect((await g.request("GET", "/api/admin/ai-providers", undefined, viewerToken)).status).toBe(200);
    expect((await g.chat(chatBody("gpt-4o-mini"))).status).toBe(200);
    const client = await g.addClient();
    expect((await g.chat(chatBody("gpt-4o-mini"), { token: client })).status).toBe(200);
    expect(g.upstream.requests).toHaveLength(2);
  });
});
