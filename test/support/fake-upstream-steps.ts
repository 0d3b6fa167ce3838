/**
 * What a fake upstream does for one request: the step types and the `reply` builders that make
 * scripts read like what happens ("rate limited, then ok").
 *
 * Steps are rendered in the dialect of the request that consumes them (OpenAI, DeepSeek or
 * Anthropic), so one script works whatever the provider under test.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Token counts of a fake answer, in canonical terms (what the gateway should log). */
export interface FakeUsage {
  /** All input tokens, cached included. Anthropic renders `input_tokens = prompt - cached - cacheCreation`. */
  promptTokens: number;
  completionTokens: number;
  /** Prompt-cache hits (OpenAI `cached_tokens`, DeepSeek `prompt_cache_hit_tokens`, Anthropic `cache_read_input_tokens`). */
  cachedTokens: number;
  /** Anthropic `cache_creation_input_tokens` (ignored by other dialects). */
  cacheCreationTokens: number;
  /** The part of `cacheCreationTokens` written with a 1-hour TTL (Anthropic `cache_creation.ephemeral_1h_input_tokens`). */
  cacheCreation1hTokens?: number;
  /** Reasoning tokens (OpenAI/DeepSeek `reasoning_tokens`, Anthropic `thinking_tokens`). */
  reasoningTokens: number;
}

/** Usage of every successful answer unless a step says otherwise. */
export const fakeDefaultUsage: Readonly<FakeUsage> = Object.freeze({
  promptTokens: 12,
  completionTokens: 7,
  cachedTokens: 0,
  cacheCreationTokens: 0,
  reasoningTokens: 0,
});

/** A tool call the fake model makes. */
export interface FakeToolCall {
  /** @default "call_fake_<n>" (OpenAI dialects) or "toolu_fake_<n>" (Anthropic) */
  id?: string;
  name: string;
  /** Arguments object (serialized per dialect) or a raw JSON string (sent as is). */
  arguments: Record<string, unknown> | string;
}

/** An Anthropic thinking block as the fake answers with it. */
export type FakeThinkingBlock = { type: "thinking"; thinking: string; signature: string } | { type: "redacted_thinking"; data: string };

/** Timing shared by every step. */
export interface StepTiming {
  /** Milliseconds to wait before sending the status line (a slow upstream). */
  delayMs?: number;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Repeat this step this many times when scripted. @default 1 */
  times?: number;
}

/** How a successful answer looks. Every field is optional. */
export interface AnswerOptions extends StepTiming {
  /** Answer text. @default "Echo: <last user text>" (no text when `toolCalls` are given) */
  content?: string;
  /** Exact streamed pieces of `content` (default: split after each space). */
  chunks?: string[];
  /** Reasoning (DeepSeek `reasoning_content`, Anthropic thinking block). */
  reasoning?: string;
  /**
   * Anthropic only: the exact thinking blocks to answer with (signed and redacted ones), instead
   * of the one block `reasoning` makes. Streams send each as Anthropic does (`thinking_delta`
   * then `signature_delta`; a redacted block whole in its `content_block_start`).
   */
  thinkingBlocks?: FakeThinkingBlock[];
  toolCalls?: FakeToolCall[];
  /** Canonical finish reason (`stop`, `length`, `tool_calls`, `content_filter`) or a raw upstream value. @default "tool_calls" with tool calls, else "stop" */
  finishReason?: string;
  usage?: Partial<FakeUsage>;
  /** @default the requested model */
  model?: string;
  /** Models listed by `GET …/models`. @default a few per dialect */
  models?: string[];
  /** Milliseconds between SSE events. @default 0 */
  chunkDelayMs?: number;
  /** DeepSeek-style `: keep-alive` comments (streams) or blank lines (JSON) sent before the answer. */
  keepAlives?: number;
  /** Milliseconds between those keep-alives. @default 5 */
  keepAliveIntervalMs?: number;
}

/** A successful answer (JSON or SSE, as the request asked). */
export interface OkStep extends AnswerOptions {
  kind: "ok";
}

/** Canned upstream errors, rendered with each dialect's real status, body and headers. */
export type ErrorPreset =
  | "rate_limited"
  | "quota_exceeded"
  | "invalid_key"
  | "permission_denied"
  | "overloaded"
  | "server_error"
  | "bad_request"
  | "not_found"
  | "unprocessable";

/** An HTTP error answer. Give a `preset`, a `status`, or both with a custom `body`. */
export interface ErrorStep extends StepTiming {
  kind: "error";
  /** @default the preset's status, else 500 */
  status?: number;
  preset?: ErrorPreset;
  /** Exact body: an object is sent as JSON, a string as is. @default the dialect's body for the preset or status */
  body?: unknown;
  /** Replaces the message of the default body. */
  message?: string;
  /** Put the caller's full API key into the message (an upstream that leaks it). */
  echoKey?: boolean;
}

/** A stream that starts well and then carries an error event (Anthropic `event: error`, OpenAI `{error}` data). */
export interface StreamErrorStep extends AnswerOptions {
  kind: "stream-error";
  /** SSE events sent before the error event. @default 2 */
  afterEvents?: number;
  /** Upstream error type. @default "overloaded_error" (Anthropic) or "server_error" (OpenAI dialects) */
  errorType?: string;
  message?: string;
}

/** An answer whose connection is destroyed after some SSE events (or half the JSON body). */
export interface CutStep extends AnswerOptions {
  kind: "cut";
  /** SSE events sent before the socket is destroyed. @default 2 */
  afterEvents?: number;
}

/** An answer that ends cleanly but early: no `[DONE]` / `message_stop` (or half the JSON body). */
export interface TruncateStep extends AnswerOptions {
  kind: "truncate";
  /** SSE events sent before the clean end. @default every event but the terminal one */
  afterEvents?: number;
}

/** An upstream that never answers. */
export interface HangStep extends StepTiming {
  kind: "hang";
  /** Send `200` SSE headers first, then nothing (a stream that never yields a token). */
  sendHeaders?: boolean;
  /** With `sendHeaders`: send `: keep-alive` comments at this interval, forever (DeepSeek under load). */
  keepAliveIntervalMs?: number;
}

/** Bytes exactly as given, e.g. a recorded response from `test/fixtures/upstream/`. */
export interface RawStep extends StepTiming {
  kind: "raw";
  /** @default 200 */
  status?: number;
  /** The body, or pieces written one by one. */
  body: string | string[];
  /** @default "application/json", or "text/event-stream" for pieces */
  contentType?: string;
  /** Milliseconds between pieces. @default 0 */
  chunkDelayMs?: number;
}

/** One scripted upstream behaviour. */
export type FakeUpstreamStep = OkStep | ErrorStep | StreamErrorStep | CutStep | TruncateStep | HangStep | RawStep;

/** Steps that render a (possibly broken) successful answer. */
export type AnswerStep = OkStep | StreamErrorStep | CutStep | TruncateStep;

const fixturesDirectory = fileURLToPath(new URL("../fixtures/upstream/", import.meta.url));

function errorPreset(preset: ErrorPreset, options: Omit<ErrorStep, "kind" | "preset"> = {}): ErrorStep {
  return { kind: "error", preset, ...options };
}

function retryHeaders(options: { retryAfterSeconds?: number; retryAfterMs?: number; headers?: Record<string, string> }): Record<string, string> {
  return {
    ...(options.retryAfterSeconds !== undefined ? { "retry-after": String(options.retryAfterSeconds) } : {}),
    ...(options.retryAfterMs !== undefined ? { "retry-after-ms": String(options.retryAfterMs) } : {}),
    ...options.headers,
  };
}

/** Options of the retryable presets. */
export interface RetryableErrorOptions extends Omit<ErrorStep, "kind" | "preset"> {
  /** Sent as `retry-after` (seconds). */
  retryAfterSeconds?: number;
  /** Sent as `retry-after-ms`. */
  retryAfterMs?: number;
}

/**
 * Step builders. Each returns a plain step object, so they mix freely with literal steps:
 *
 * ```ts
 * upstream.script("sk-primary", [reply.rateLimited({ retryAfterSeconds: 7 }), reply.ok({ content: "hi" })]);
 * ```
 */
export const reply = {
  /** A successful answer. */
  ok: (options: AnswerOptions = {}): OkStep => ({ kind: "ok", ...options }),
  /** A successful answer that calls one tool. */
  toolCall: (name: string, toolArguments: Record<string, unknown>, options: AnswerOptions = {}): OkStep => ({
    kind: "ok",
    ...options,
    toolCalls: [{ name, arguments: toolArguments }],
  }),
  /** Any HTTP error, with the dialect's default body unless `body` is given. */
  error: (status: number, options: Omit<ErrorStep, "kind" | "status"> = {}): ErrorStep => ({ kind: "error", status, ...options }),
  /** 429 rate limit. */
  rateLimited: ({ retryAfterSeconds, retryAfterMs, headers, ...options }: RetryableErrorOptions = {}): ErrorStep =>
    errorPreset("rate_limited", { ...options, headers: retryHeaders({ retryAfterSeconds, retryAfterMs, headers }) }),
  /** Out of quota: OpenAI 429 `insufficient_quota`, DeepSeek 402, Anthropic 400 "credit balance is too low". */
  quotaExceeded: (options: Omit<ErrorStep, "kind" | "preset"> = {}): ErrorStep => errorPreset("quota_exceeded", options),
  /** 401 bad key; `echoKey: true` puts the full key in the message. */
  invalidKey: (options: Omit<ErrorStep, "kind" | "preset"> = {}): ErrorStep => errorPreset("invalid_key", options),
  /** 403. */
  permissionDenied: (options: Omit<ErrorStep, "kind" | "preset"> = {}): ErrorStep => errorPreset("permission_denied", options),
  /** Overloaded: Anthropic 529, OpenAI dialects 503. */
  overloaded: ({ retryAfterSeconds, retryAfterMs, headers, ...options }: RetryableErrorOptions = {}): ErrorStep =>
    errorPreset("overloaded", { ...options, headers: retryHeaders({ retryAfterSeconds, retryAfterMs, headers }) }),
  /** 500. */
  serverError: (options: Omit<ErrorStep, "kind" | "preset"> = {}): ErrorStep => errorPreset("server_error", options),
  /** 400 invalid request. */
  badRequest: (message?: string): ErrorStep => errorPreset("bad_request", message ? { message } : {}),
  /** 404 unknown model. */
  notFound: (message?: string): ErrorStep => errorPreset("not_found", message ? { message } : {}),
  /** An error event inside a 200 stream, after `afterEvents` events. */
  streamError: (options: Omit<StreamErrorStep, "kind"> = {}): StreamErrorStep => ({ kind: "stream-error", ...options }),
  /** Destroys the socket after `afterEvents` SSE events. */
  cut: (options: Omit<CutStep, "kind"> = {}): CutStep => ({ kind: "cut", ...options }),
  /** Ends cleanly without the terminal event. */
  truncate: (options: Omit<TruncateStep, "kind"> = {}): TruncateStep => ({ kind: "truncate", ...options }),
  /** Never answers (or sends headers and then nothing). */
  hang: (options: Omit<HangStep, "kind"> = {}): HangStep => ({ kind: "hang", ...options }),
  /** Delays any step by `delayMs` before its status line. */
  slow: <Step extends FakeUpstreamStep>(delayMs: number, step: Step): Step => ({ ...step, delayMs }),
  /** Exact bytes. */
  raw: (options: Omit<RawStep, "kind">): RawStep => ({ kind: "raw", ...options }),
  /**
   * A recorded response from `test/fixtures/upstream/<fileName>`: `.sse` files are streamed event
   * by event (split on blank lines), anything else is sent as one JSON body.
   */
  fixture: (fileName: string, options: Omit<RawStep, "kind" | "body"> = {}): RawStep => {
    const text = readFileSync(fixturesDirectory + fileName, "utf8");
    if (!fileName.endsWith(".sse")) return { kind: "raw", body: text, ...options };
    const events = text.split(/(?<=\n\n)/).filter((event) => event.trim() !== "");
    return { kind: "raw", body: events, contentType: "text/event-stream", ...options };
  },
};
