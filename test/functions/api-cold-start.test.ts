/**
 * A start that fails (here: a deployed function without its secrets) answers every request with a
 * 503 in the shape the path's clients parse, through both Lambda entries and real API Gateway
 * events: OpenAI's error body on `/v1/*`, Anthropic's on `/v1/messages*`, the envelope elsewhere.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  installAwsLambdaGlobal,
  invokeStreaming,
  lambdaContext,
  loadLambdaEvent,
  removeAwsLambdaGlobal,
  resultText,
  type ApiGatewayEvent,
  type ProxyResult,
} from "./lambda-events";

type BufferedHandler = (event: ApiGatewayEvent, context: unknown) => Promise<ProxyResult>;

/** A REST event for `path`, from a recorded one. */
function eventFor(fixture: string, path: string): ApiGatewayEvent {
  const base = loadLambdaEvent(fixture);
  return { ...base, path, resource: path, requestContext: { ...base.requestContext, path: `/production${path}`, resourcePath: path } };
}

const OPENAI_SHAPE = { error: { message: expect.stringContaining("misconfigured"), type: "service_unavailable", param: null, code: "service_unavailable" } };
const ANTHROPIC_SHAPE = { type: "error", error: { type: expect.stringMatching(/_error$/), message: expect.stringContaining("misconfigured") }, request_id: null };
const ENVELOPE_SHAPE = { code: 503, message: expect.stringContaining("misconfigured") };

/** [path, fixture, expected body] */
const CASES: Array<[string, string, unknown]> = [
  ["/v1/chat/completions", "api-gateway-v1-post-chat-completions", OPENAI_SHAPE],
  ["/v1/models", "api-gateway-v1-get-health", OPENAI_SHAPE],
  ["/v1/messages", "api-gateway-v1-post-chat-completions", ANTHROPIC_SHAPE],
  ["/v1/messages/count_tokens", "api-gateway-v1-post-chat-completions", ANTHROPIC_SHAPE],
  ["/api/ai/chat/completions", "api-gateway-v1-post-chat-completions", ENVELOPE_SHAPE],
  ["/api/auth/login", "api-gateway-v1-post-login", ENVELOPE_SHAPE],
  ["/health", "api-gateway-v1-get-health", ENVELOPE_SHAPE],
];

describe("API Lambda entries after a failed start", () => {
  const savedEnvironment = { ...process.env };
  let bufferedHandler: BufferedHandler;
  let streamingHandler: unknown;
  let errorLines: string[] = [];

  beforeAll(async () => {
    // Deployed, but without JWT_SECRET, the master key or a database: the settings refuse to start.
    for (const name of ["JWT_SECRET", "KEY_ENCRYPTION_KEY", "KEY_ENCRYPTION_SECRET_ARN", "DATABASE_URL", "DATABASE_HOST", "DATABASE_USERNAME", "DATABASE_PASSWORD"]) delete process.env[name];
    vi.spyOn(console, "error").mockImplementation((line: string) => void errorLines.push(line));
    installAwsLambdaGlobal();
    vi.resetModules();
    ({ handler: bufferedHandler } = (await import("../../functions/api")) as unknown as { handler: BufferedHandler });
    ({ handler: streamingHandler } = await import("../../functions/api-stream"));
  });
  afterAll(() => {
    vi.restoreAllMocks();
    removeAwsLambdaGlobal();
    Object.assign(process.env, savedEnvironment);
  });

  it.each(CASES)("buffered %s answers 503 in its clients' shape", async (path, fixture, shape) => {
    const result = await bufferedHandler(eventFor(fixture, path), lambdaContext());
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(resultText(result))).toEqual(shape);
  });

  it.each(CASES)("streaming %s answers 503 in its clients' shape", async (path, fixture, shape) => {
    const response = await invokeStreaming(streamingHandler, eventFor(fixture, path), lambdaContext("modelgate-ci-ApiStreamHandler"));
    expect(response.prelude.statusCode).toBe(503);
    expect(JSON.parse(response.body)).toEqual(shape);
  });

  it("logs why, without secrets, and answers without internals", async () => {
    expect(errorLines.some((line) => line.includes("gateway start failed") && line.includes("JWT_SECRET"))).toBe(true);
    errorLines = [];
    const result = await bufferedHandler(eventFor("api-gateway-v1-get-health", "/v1/models"), lambdaContext());
    expect(resultText(result)).not.toMatch(/JWT_SECRET|at \S+ \(|\/work\//);
  });
});
