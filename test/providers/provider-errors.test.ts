import { createServer } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ProviderError, isProviderError } from "../../lib/providers/provider-error";
import { getAdapter } from "../../lib/providers/provider-registry";
import type { ChatRequest, ProviderFormat } from "../../lib/providers/provider-spec";
import { reply, startFakeUpstream, type ErrorPreset, type FakeUpstream } from "../support/fake-upstream";
import { collectUntilError, contextFor, streamedText } from "./provider-test-support";

let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());

interface ProviderCase {
  model: string;
  quota: { status: number; code: string };
  overloadedStatus: number;
}

const providerCases: Record<ProviderFormat, ProviderCase> = {
  openai: { model: "gpt-4o-mini", quota: { status: 429, code: "insufficient_quota" }, overloadedStatus: 503 },
  "openai-compatible": { model: "qwen-plus", quota: { status: 429, code: "insufficient_quota" }, overloadedStatus: 503 },
  deepseek: { model: "deepseek-chat", quota: { status: 402, code: "insufficient_balance" }, overloadedStatus: 503 },
  anthropic: { model: "claude-sonnet-5", quota: { status: 400, code: "insufficient_credit" }, overloadedStatus: 529 },
};

async function rejectionOf(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isProviderError(error)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(Object.entries(providerCases) as [ProviderFormat, ProviderCase][])("%s errors", (format, providerCase) => {
  const adapter = getAdapter(format);
  const key = `sk-${format}-errors-0123456789`;
  const request: ChatRequest = { model: providerCase.model, messages: [{ role: "user", content: "Hello" }] };
  const context = (overrides = {}) => contextFor(upstream, format, key, overrides);

  const httpCases: [ErrorPreset, Partial<ProviderError>][] = [
    ["rate_limited", { kind: "rate_limited", status: 429, code: "rate_limited", retryable: true }],
    ["quota_exceeded", { kind: "quota_exceeded", ...providerCase.quota, retryable: true }],
    ["invalid_key", { kind: "invalid_key", status: 401, code: "invalid_api_key", retryable: true }],
    ["permission_denied", { kind: "invalid_key", status: 403, code: "permission_denied" }],
    ["overloaded", { kind: "transient", status: providerCase.overloadedStatus, code: "upstream_overloaded", retryable: true }],
    ["server_error", { kind: "transient", status: 500, code: "upstream_error" }],
    ["bad_request", { kind: "client_error", status: 400, code: "bad_request", retryable: false }],
    ["not_found", { kind: "client_error", status: 404, code: "not_found", retryable: false }],
  ];

  it.each(httpCases)("classifies %s", async (preset, expected) => {
    upstream.script(key, { kind: "error", preset });
    const error = await rejectionOf(adapter.chat(request, context()));
    expect(error).toMatchObject({ ...expected, provider: format, requestId: "req_fake_1" });
    expect(upstream.requests).toHaveLength(1);
  });

  it("reads retry-after seconds, retry-after-ms and HTTP dates", async () => {
    upstream.script(key, [
      reply.rateLimited({ retryAfterSeconds: 7 }),
      reply.rateLimited({ retryAfterMs: 250 }),
      reply.rateLimited({ headers: { "retry-after": new Date(Date.now() + 30_000).toUTCString() } }),
    ]);
    expect((await rejectionOf(adapter.chat(request, context()))).retryAfterMs).toBe(7000);
    expect((await rejectionOf(adapter.chat(request, context()))).retryAfterMs).toBe(250);
    const dated = await rejectionOf(adapter.chat(request, context()));
    expect(dated.retryAfterMs).toBeGreaterThan(27_000);
    expect(dated.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it("rejects stream() before any chunk when the upstream answers with an HTTP error", async () => {
    upstream.script(key, reply.rateLimited({ retryAfterSeconds: 3 }));
    const error = await rejectionOf(adapter.stream(request, context()));
    expect(error).toMatchObject({ kind: "rate_limited", retryAfterMs: 3000 });
  });

  it("classifies a failed key validation", async () => {
    upstream.script(key, reply.invalidKey());
    expect(await rejectionOf(adapter.validateKey(context()))).toMatchObject({ kind: "invalid_key", status: 401 });
  });

  it("never puts the key into the error, even when the upstream echoes it", async () => {
    upstream.script(key, [reply.invalidKey({ echoKey: true }), reply.streamError({ afterEvents: 2, errorType: "authentication_error", message: `key ${key} revoked` })]);
    const httpError = await rejectionOf(adapter.chat(request, context()));
    const { error: streamError } = await collectUntilError(await adapter.stream(request, context()));
    for (const error of [httpError, streamError as ProviderError]) {
      expect(isProviderError(error)).toBe(true);
      expect(error.kind).toBe("invalid_key");
      for (const text of [error.message, String(error.stack), JSON.stringify(error), String(error)]) expect(text).not.toContain(key);
    }
    expect(httpError.message).toContain("[redacted]");
  });

  it("turns a hanging upstream into a transient timeout", async () => {
    upstream.always(key, reply.hang());
    const started = Date.now();
    for (const call of [() => adapter.chat(request, context({ timeoutMs: 200 })), () => adapter.stream(request, context({ timeoutMs: 200 })), () => adapter.validateKey(context({ timeoutMs: 200 }))]) {
      expect(await rejectionOf(call())).toMatchObject({ kind: "transient", status: 0, code: "upstream_timeout", retryable: true });
    }
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("turns a refused connection into a transient connection error", async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}${format === "openai" ? "/v1" : ""}`;
    const error = await rejectionOf(adapter.chat(request, context({ baseUrl })));
    expect(error).toMatchObject({ kind: "transient", status: 0, code: "connection_error" });
  });

  it("throws an error event that arrives inside the stream", async () => {
    upstream.script(key, [reply.streamError({ afterEvents: 5, content: "alpha beta gamma delta" }), reply.streamError({ afterEvents: 1, errorType: "rate_limit_error" })]);
    const first = await collectUntilError(await adapter.stream(request, context()));
    expect(streamedText(first.chunks).length).toBeGreaterThan(0);
    expect(first.error).toMatchObject({ kind: "transient", retryable: true });
    const second = await collectUntilError(await adapter.stream(request, context()));
    expect(second.error).toMatchObject({ kind: "rate_limited", status: 429 });
  });

  it("throws stream_truncated when the stream ends cleanly without its terminal event", async () => {
    upstream.script(key, [reply.truncate({ content: "cut short here" }), reply.truncate({ afterEvents: 3, content: "one two three four" })]);
    for (let attempt = 0; attempt < 2; attempt++) {
      const { chunks, error } = await collectUntilError(await adapter.stream(request, context()));
      expect(chunks.length).toBeGreaterThan(0);
      expect(error).toMatchObject({ kind: "transient", status: 0, code: "stream_truncated" });
    }
  });

  it("throws stream_truncated when the connection is cut mid-stream", async () => {
    upstream.script(key, reply.cut({ afterEvents: 3, content: "one two three four", chunkDelayMs: 5 }));
    const { chunks, error } = await collectUntilError(await adapter.stream(request, context()));
    expect(streamedText(chunks)).not.toBe("one two three four");
    expect(error).toMatchObject({ kind: "transient", status: 0, code: "stream_truncated" });
  });

  it("throws the caller's abort reason (e.g. an idle timeout) and releases the connection", async () => {
    upstream.script(key, [reply.hang({ sendHeaders: true, keepAliveIntervalMs: 10 }), reply.hang({ sendHeaders: true })]);
    const controller = new AbortController();
    const stream = await adapter.stream(request, context({ signal: controller.signal }));
    const idle = new ProviderError({ kind: "transient", status: 0, code: "upstream_idle_timeout", message: "no token for 50 ms" });
    setTimeout(() => controller.abort(idle), 50);
    const { chunks, error } = await collectUntilError(stream);
    expect(chunks).toEqual([]);
    expect(error).toBe(idle);
    await expect.poll(() => upstream.requests[0].clientClosed).toBe(true);

    const plain = new AbortController();
    const second = await adapter.stream(request, context({ signal: plain.signal }));
    setTimeout(() => plain.abort(), 20);
    expect((await collectUntilError(second)).error).toMatchObject({ kind: "transient", code: "aborted" });
  });
});

describe("provider-specific retry hints", () => {
  it("reads Anthropic's anthropic-ratelimit-*-reset when retry-after is absent", async () => {
    const key = "sk-ant-reset-0123456789";
    const reset = new Date(Date.now() + 20_000).toISOString();
    upstream.script(key, reply.rateLimited({ headers: { "anthropic-ratelimit-requests-remaining": "0", "anthropic-ratelimit-requests-reset": reset } }));
    const error = await rejectionOf(getAdapter("anthropic").chat({ model: "claude-sonnet-5", messages: [{ role: "user", content: "x" }] }, contextFor(upstream, "anthropic", key)));
    expect(error.retryAfterMs).toBeGreaterThan(17_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(20_000);
  });

  it("reads OpenAI's x-ratelimit-reset-* durations when retry-after is absent", async () => {
    const key = "sk-openai-reset-0123456789";
    upstream.script(key, reply.rateLimited({ headers: { "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "1m30s" } }));
    const error = await rejectionOf(getAdapter("openai").chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }, contextFor(upstream, "openai", key)));
    expect(error.retryAfterMs).toBe(90_000);
  });

  it("bounds a non-streaming call that stalls after its headers (DeepSeek keep-alive lines)", async () => {
    const key = "sk-deepseek-stall-0123456789";
    upstream.script(key, reply.ok({ keepAlives: 50, keepAliveIntervalMs: 100 }));
    const error = await rejectionOf(getAdapter("deepseek").chat({ model: "deepseek-chat", messages: [{ role: "user", content: "x" }] }, contextFor(upstream, "deepseek", key, { timeoutMs: 300 })));
    expect(error).toMatchObject({ kind: "transient", code: "upstream_timeout" });
  });
});
