/**
 * The API Lambda entries (`functions/api.ts` buffered, `functions/api-stream.ts` streaming),
 * driven with real API Gateway events on a deployed stage stood in offline: the environment the
 * stack gives them, PlanetScale through its HTTP simulator, Upstash through its REST bridge, and
 * the master key through the real Secrets Manager SDK client against the local JSON-1.1 server.
 */
import { createConnection } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { reply, startFakeUpstream, type FakeUpstream } from "../support/fake-upstream";
import { MARIADB_URL, isCi, mariadbAvailable, redisAvailable, skipNotice } from "../support/services";
import { DEPLOYED_ADMIN, readStackFunctions, startDeployedStandIns, type DeployedStandIns } from "./deployed-stand-ins";
import {
  installAwsLambdaGlobal,
  invokeStreaming,
  lambdaContext,
  loadLambdaEvent,
  removeAwsLambdaGlobal,
  resultHeader,
  resultText,
  withHeader,
  withJsonBody,
  type ApiGatewayEvent,
  type ProxyResult,
} from "./lambda-events";

const SUITE = "API Lambda entries";
const servicesUp = (await mariadbAvailable) && (await redisAvailable);
if (!servicesUp) {
  if (isCi) throw new Error(`${SUITE}: MariaDB and Redis are required under CI=true`);
  skipNotice(SUITE, "MariaDB or Redis");
}

type BufferedHandler = (event: ApiGatewayEvent, context: unknown) => Promise<ProxyResult>;

describe.skipIf(!servicesUp)(SUITE, () => {
  let standIns: DeployedStandIns;
  let upstream: FakeUpstream;
  let bufferedHandler: BufferedHandler;
  let streamingHandler: unknown;
  const savedEnvironment = { ...process.env };

  beforeAll(async () => {
    const stackFunctions = await readStackFunctions();
    const buffered = stackFunctions.get("ApiHandler")!;
    const streaming = stackFunctions.get("ApiStreamHandler")!;
    // Both functions serve the same app, so one process environment fits both.
    expect(streaming.environment).toEqual(buffered.environment);

    standIns = await startDeployedStandIns();
    upstream = await startFakeUpstream();
    Object.assign(process.env, standIns.environmentFor(buffered));
    installAwsLambdaGlobal();
    vi.resetModules();
    ({ handler: bufferedHandler } = (await import("../../functions/api")) as unknown as { handler: BufferedHandler });
    ({ handler: streamingHandler } = await import("../../functions/api-stream"));
  });

  afterAll(async () => {
    removeAwsLambdaGlobal();
    for (const name of Object.keys(process.env)) if (!(name in savedEnvironment)) delete process.env[name];
    Object.assign(process.env, savedEnvironment);
    await upstream?.close();
    await standIns?.close();
  });

  const invoke = (event: ApiGatewayEvent) => bufferedHandler(event, lambdaContext());

  /** A REST event for an admin call, built from the login fixture (same API, same stage). */
  function adminEvent(method: string, path: string, token: string, body: unknown): ApiGatewayEvent {
    const base: ApiGatewayEvent = { ...loadLambdaEvent("api-gateway-v1-post-login"), httpMethod: method, path, pathParameters: { proxy: path.slice(1) } };
    base.requestContext = { ...base.requestContext, httpMethod: method, path: `/production${path}` };
    return withHeader(withJsonBody(base, body), "Authorization", `Bearer ${token}`);
  }
  const json = (result: ProxyResult) => JSON.parse(resultText(result)) as Record<string, any>;

  async function login(fixture: string): Promise<string> {
    const result = await invoke(withJsonBody(loadLambdaEvent(fixture), DEPLOYED_ADMIN));
    expect(result.statusCode).toBe(200);
    return json(result).data.token as string;
  }

  it.each(["api-gateway-v1-get-health", "api-gateway-v2-get-health"])("answers GET /health from %s on PlanetScale and Upstash", async (fixture) => {
    const result = await invoke(loadLambdaEvent(fixture));
    expect(result.statusCode).toBe(200);
    expect(resultHeader(result, "content-type")).toMatch(/^application\/json/);
    expect(json(result)).toMatchObject({ status: "ok", database: "planetscale", limits: "upstash", checks: { database: "ok", limits: "ok" } });
  });

  it("fetched the master key once, through the SDK, for the secret the stack names", () => {
    const reads = standIns.secretsManager.calls.filter((call) => call.operation === "GetSecretValue");
    expect(reads).toEqual([{ operation: "GetSecretValue", secretId: standIns.keyEncryptionSecretArn }]);
  });

  it("logs in with a REST event whose body API Gateway base64-encoded", async () => {
    const event = withJsonBody(loadLambdaEvent("api-gateway-v1-post-login"), DEPLOYED_ADMIN);
    expect(event.isBase64Encoded).toBe(true);
    const result = await invoke(event);
    expect(result.statusCode).toBe(200);
    expect(json(result)).toMatchObject({ code: 200, data: { token: expect.any(String), expiresIn: expect.any(Number) } });
  });

  it("logs in with an HTTP API (v2) event", async () => {
    expect(await login("api-gateway-v2-post-login")).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it("rejects a wrong password with the envelope", async () => {
    const result = await invoke(withJsonBody(loadLambdaEvent("api-gateway-v1-post-login"), { ...DEPLOYED_ADMIN, password: "not-the-password" }));
    expect(result.statusCode).toBe(401);
    expect(json(result)).toMatchObject({ code: 401 });
  });

  it.each([
    ["api-gateway-v1-get-admin-providers", "api-gateway-v1-post-login"],
    ["api-gateway-v2-get-admin-providers", "api-gateway-v2-post-login"],
  ])("serves an admin call (%s) only with a token", async (fixture, loginFixture) => {
    const withoutToken = withHeader(loadLambdaEvent(fixture), "Authorization", "Bearer not-a-token");
    expect((await invoke(withoutToken)).statusCode).toBe(401);

    const token = await login(loginFixture);
    const result = await invoke(withHeader(loadLambdaEvent(fixture), "Authorization", `Bearer ${token}`));
    expect(result.statusCode).toBe(200);
    const providers = json(result).data as Array<{ code: string }>;
    expect(providers.map((provider) => provider.code).sort()).toEqual(["anthropic", "deepseek", "openai"]);
  });

  it("stores a provider key encrypted (master key from Secrets Manager) and never answers with it", async () => {
    const token = await login("api-gateway-v1-post-login");
    const apiKey = `sk-lambda-test-${"x".repeat(24)}abcd`;
    const result = await invoke(adminEvent("POST", "/api/admin/ai-providers/1/keys", token, { keyName: "lambda-test", apiKey, priority: 1, isActive: true }));
    expect(result.statusCode).toBeLessThan(300);
    expect(resultText(result)).not.toContain(apiKey);
    expect(resultText(result)).toContain("abcd");

    const connection = await createConnection(`${MARIADB_URL}/${standIns.databaseName}`);
    try {
      const [rows] = await connection.query("SELECT api_key FROM t_ai_api_keys WHERE key_name = 'lambda-test'");
      const stored = (rows as Array<{ api_key: string }>).map((row) => row.api_key);
      expect(stored).toHaveLength(1);
      expect(stored[0]).not.toContain(apiKey.slice(3));
    } finally {
      await connection.end();
    }
  });

  it("streams through streamHandle with a REST event: prelude, then the body", async () => {
    const response = await invokeStreaming(streamingHandler, loadLambdaEvent("api-gateway-v1-get-health"));
    expect(response.prelude.statusCode).toBe(200);
    expect(response.prelude.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(response.body)).toMatchObject({ status: "ok", database: "planetscale" });
  });

  it("streams a chat completion through streamHandle from a REST event, chunk by chunk", async () => {
    const token = await login("api-gateway-v1-post-login");
    const upstreamKey = `sk-lambda-stream-${"s".repeat(20)}wxyz`;
    const provider = await invoke(adminEvent("PUT", "/api/admin/ai-providers/1", token, { baseUrl: upstream.baseUrlFor("openai") }));
    expect(provider.statusCode).toBe(200);
    const key = await invoke(adminEvent("POST", "/api/admin/ai-providers/1/keys", token, { keyName: "lambda-stream", apiKey: upstreamKey, priority: 100, isActive: true }));
    expect(key.statusCode).toBeLessThan(300);
    // Highest priority tier (100), so the router picks this key over the one added above.
    upstream.always(upstreamKey, reply.ok({ content: "Hello from the fake upstream", chunkDelayMs: 5 }));

    const event = withHeader(loadLambdaEvent("api-gateway-v1-post-chat-completions"), "Authorization", `Bearer ${token}`);
    const response = await invokeStreaming(streamingHandler, event, lambdaContext("modelgate-ci-ApiStreamHandler"));

    expect(response.prelude.statusCode).toBe(200);
    expect(response.prelude.headers["content-type"]).toMatch(/^text\/event-stream/);
    const events = response.body.split("\n\n").filter((block) => block.startsWith("data: "));
    expect(events.at(-1)).toBe("data: [DONE]");
    const text = events
      .slice(0, -1)
      .map((block) => JSON.parse(block.slice("data: ".length)) as { object: string; choices: Array<{ delta?: { content?: string } }> })
      .map((chunk) => chunk.choices[0]?.delta?.content ?? "")
      .join("");
    expect(text).toBe("Hello from the fake upstream");
    // Written as the upstream produced it, not buffered into one piece.
    expect(response.chunks.length).toBeGreaterThan(2);
    const [sent] = upstream.requestsFor(upstreamKey);
    expect(sent.headers.authorization).toBe(`Bearer ${upstreamKey}`);
    expect(sent.body).toMatchObject({ model: "gpt-4o-mini", stream: true });
  });
});
