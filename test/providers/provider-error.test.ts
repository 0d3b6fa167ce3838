import { describe, expect, it } from "vitest";
import { ProviderError, isProviderError } from "../../lib/providers/provider-error";
import { chunkHasContent, isUsageChunk, type ChatCompletionChunk } from "../../lib/providers/provider-spec";
import { parseGoDurationMs, parseRetryAfterMs } from "../../lib/providers/shared/retry-after";
import { redactSecrets } from "../../lib/logging/logger";
import { classifyHttpStatus, classifyStreamErrorType } from "../../lib/providers/shared/upstream-error-classify";

describe("parseRetryAfterMs", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  const headers = (values: Record<string, string>) => new Headers(values);

  it("prefers retry-after-ms, then retry-after seconds, then an HTTP date", () => {
    expect(parseRetryAfterMs(headers({ "retry-after-ms": "1500", "retry-after": "9" }), { nowMs: now })).toBe(1500);
    expect(parseRetryAfterMs(headers({ "retry-after": "7" }), { nowMs: now })).toBe(7000);
    expect(parseRetryAfterMs(headers({ "retry-after": "0.5" }), { nowMs: now })).toBe(500);
    expect(parseRetryAfterMs(headers({ "retry-after": "Wed, 01 Jan 2025 00:00:30 GMT" }), { nowMs: now })).toBe(30_000);
  });

  it("reads Anthropic reset timestamps of exhausted limits", () => {
    const anthropic = headers({
      "anthropic-ratelimit-requests-remaining": "0",
      "anthropic-ratelimit-requests-reset": "2025-01-01T00:00:12Z",
      "anthropic-ratelimit-tokens-remaining": "5000",
      "anthropic-ratelimit-tokens-reset": "2025-01-01T00:00:50Z",
    });
    expect(parseRetryAfterMs(anthropic, { nowMs: now })).toBe(12_000);
  });

  it("falls back to the latest reset for a 429 that names no exhausted limit", () => {
    const anthropic = headers({ "anthropic-ratelimit-tokens-reset": "2025-01-01T00:00:20Z" });
    expect(parseRetryAfterMs(anthropic, { nowMs: now })).toBeUndefined();
    expect(parseRetryAfterMs(anthropic, { nowMs: now, rateLimited: true })).toBe(20_000);
  });

  it("reads OpenAI reset durations of exhausted limits", () => {
    const openai = headers({ "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "6m0s", "x-ratelimit-reset-tokens": "12ms" });
    expect(parseRetryAfterMs(openai, { nowMs: now })).toBe(360_000);
    expect(parseGoDurationMs("1h2m3.5s")).toBe(3_723_500);
    expect(parseGoDurationMs("12ms")).toBe(12);
    expect(parseGoDurationMs("soon")).toBeUndefined();
  });

  it("is undefined without headers and never negative", () => {
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
    expect(parseRetryAfterMs(headers({ "retry-after": "nonsense" }))).toBeUndefined();
    expect(parseRetryAfterMs(headers({ "retry-after": "Wed, 01 Jan 2020 00:00:00 GMT" }), { nowMs: now })).toBe(0);
  });
});

describe("redactSecrets and ProviderError", () => {
  it("removes the exact key, key-shaped strings and echoed credentials", () => {
    const key = "gw-live-0123456789abcdef";
    const text = `Incorrect API key provided: ${key}. Also sk-proj-AbC123xyz and sk-ant-api03-XYZ. Authorization: Bearer abc.def x-api-key: zzz`;
    const redacted = redactSecrets(text, [key]);
    expect(redacted).not.toContain(key);
    expect(redacted).not.toMatch(/sk-proj-AbC|sk-ant-api03|abc\.def|zzz/);
    expect(redacted).toContain("Incorrect API key provided: [redacted]");
  });

  it("redacts in the constructor and bounds the message length", () => {
    const error = new ProviderError({ kind: "invalid_key", status: 401, code: "invalid_api_key", message: `bad key sk-secret-value-1 ${"x".repeat(1000)}` });
    expect(error.message).not.toContain("sk-secret-value-1");
    expect(error.message.length).toBeLessThanOrEqual(501);
    expect(error.retryable).toBe(true);
    expect(isProviderError(error)).toBe(true);
    expect(new ProviderError({ kind: "client_error", status: 400, code: "bad_request", message: "no" }).retryable).toBe(false);
  });
});

describe("classification tables", () => {
  it.each([
    [401, "invalid_key", "invalid_api_key"],
    [403, "invalid_key", "permission_denied"],
    [402, "quota_exceeded", "insufficient_balance"],
    [429, "rate_limited", "rate_limited"],
    [500, "transient", "upstream_error"],
    [503, "transient", "upstream_overloaded"],
    [529, "transient", "upstream_overloaded"],
    [504, "transient", "upstream_timeout"],
    [400, "client_error", "bad_request"],
    [404, "client_error", "not_found"],
    [413, "client_error", "request_too_large"],
    [422, "client_error", "unprocessable_request"],
  ])("HTTP %i is %s (%s)", (status, kind, code) => {
    expect(classifyHttpStatus(status)).toEqual({ kind, code });
  });

  it("classifies in-stream error types with their HTTP equivalents", () => {
    expect(classifyStreamErrorType("overloaded_error", null)).toEqual({ kind: "transient", code: "upstream_overloaded", status: 529 });
    expect(classifyStreamErrorType("requests", "rate_limit_exceeded")).toMatchObject({ kind: "rate_limited", status: 429 });
    expect(classifyStreamErrorType("something_new", undefined)).toEqual({ kind: "transient", code: "stream_error", status: 0 });
  });
});

describe("chunkHasContent", () => {
  const chunk = (delta: Record<string, unknown>, choices = true): ChatCompletionChunk =>
    ({ id: "c", object: "chat.completion.chunk", created: 0, model: "m", choices: choices ? [{ index: 0, delta, finish_reason: null }] : [] }) as ChatCompletionChunk;

  it("is false for preamble chunks and true for content, reasoning, refusal and tool calls", () => {
    expect(chunkHasContent(chunk({ role: "assistant", content: "" }))).toBe(false);
    expect(chunkHasContent(chunk({}))).toBe(false);
    expect(chunkHasContent(chunk({}, false))).toBe(false);
    expect(chunkHasContent(chunk({ content: "Hi" }))).toBe(true);
    expect(chunkHasContent(chunk({ content: null, reasoning_content: "hmm" }))).toBe(true);
    expect(chunkHasContent(chunk({ refusal: "no" }))).toBe(true);
    expect(chunkHasContent(chunk({ tool_calls: [{ index: 0, id: "call_1", function: { name: "f", arguments: "" } }] }))).toBe(true);
  });

  it("recognizes the usage chunk", () => {
    expect(isUsageChunk({ ...chunk({}, false), usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } })).toBe(true);
    expect(isUsageChunk(chunk({ content: "x" }))).toBe(false);
  });
});
