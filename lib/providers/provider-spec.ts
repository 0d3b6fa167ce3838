/**
 * The provider spec: one small interface every upstream adapter implements (after vercel/ai's
 * `LanguageModel` spec). The canonical request and response are OpenAI chat completions, so an
 * adapter for another API translates both ways and the router never sees a provider's own shape.
 *
 * Change this file rarely: the router, the gateway routes and every adapter depend on it.
 */
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
} from "openai/resources/chat/completions";
import type { ProviderFormat } from "./provider-registry";

export type { ChatCompletion, ChatCompletionChunk };

/**
 * The wire protocols: what a door serves to clients (`/v1/chat/completions`, `/v1/messages`,
 * `/v1/responses`) and what an upstream speaks. Same protocol on both sides passes bytes
 * through; different protocols translate through the canonical request below.
 */
export type WireProtocol = "chat" | "messages" | "responses";

/**
 * Something a translation could not carry as the client asked. Never silent: every warning of a
 * request reaches the client in the `x-modelgate-warnings` response header and the log row.
 */
export interface TranslationWarning {
  /** The request field, e.g. `logprobs`, `top_k`, `messages.content`. */
  field: string;
  /** `dropped`: not sent; `adjusted`: sent with another value; `emulated`: sent in another form. */
  action: "dropped" | "adjusted" | "emulated";
  /** What happened, in words (for the log row). */
  message: string;
}

/** A `dropped` warning. */
export function dropped(field: string, message: string): TranslationWarning {
  return { field, action: "dropped", message };
}

/** An `adjusted` warning. */
export function adjusted(field: string, message: string): TranslationWarning {
  return { field, action: "adjusted", message };
}

/** An `emulated` warning. */
export function emulated(field: string, message: string): TranslationWarning {
  return { field, action: "emulated", message };
}

/**
 * Wire format an adapter speaks: a key of the registry (provider-registry.ts), the one list of
 * formats, which also exports the list itself (`providerFormats`, `providerFormatOf`). Only the
 * type is imported here: the registry imports every adapter, and every adapter imports this file.
 */
export type { ProviderFormat };

/**
 * A canonical chat request: OpenAI's `ChatCompletionCreateParams`. The router fills `model` with
 * the upstream model code. `stream` is ignored: {@link ProviderAdapter.chat} never streams and
 * {@link ProviderAdapter.stream} always does.
 */
export type ChatRequest = ChatCompletionCreateParams & CanonicalRequestExtensions;

/**
 * Fields the canonical request carries beyond OpenAI's, so that what one door's protocol can say
 * survives the trip to another provider. Adapters whose upstream has no such field drop them
 * (with a warning where the client asked for something); an upstream never sees them raw.
 * - On a request: `thinking` (Anthropic's / DeepSeek's switch; `reasoning_effort` is the
 *   OpenAI one) and a top-level `cache_control` (Anthropic's automatic prompt-cache breakpoint).
 * - On messages, content parts and tools: `cache_control` (Anthropic's breakpoints, in LiteLLM's
 *   OpenAI-format convention).
 * - On assistant messages: `reasoning_content` (DeepSeek's reasoning text) and `thinking_blocks`
 *   (Anthropic's signed thinking, which only Anthropic may be sent back).
 */
export interface CanonicalRequestExtensions {
  thinking?: CanonicalThinking;
  cache_control?: CacheControl;
}

/** Anthropic's thinking switch (DeepSeek accepts `enabled` / `disabled`). */
export type CanonicalThinking =
  | { type: "enabled"; budget_tokens?: number; display?: "summarized" | "omitted" }
  | { type: "adaptive"; display?: "summarized" | "omitted" }
  | { type: "disabled" };

/** An Anthropic prompt-cache breakpoint. */
export interface CacheControl {
  type: "ephemeral";
  ttl?: "5m" | "1h";
}

/** Anthropic thinking as Anthropic returns it; the signature binds it to the model that wrote it. */
export type ThinkingBlock = { type: "thinking"; thinking: string; signature: string } | { type: "redacted_thinking"; data: string };

/** Extensions of a canonical assistant message (request history or completion). */
export interface CanonicalAssistantExtensions {
  /** DeepSeek's reasoning text (also Anthropic thinking text, for clients that show it). */
  reasoning_content?: string | null;
  /** Anthropic's signed thinking blocks, in order; only an Anthropic upstream is sent them. */
  thinking_blocks?: ThinkingBlock[];
}

/** Token counts in one shape for every provider. */
export interface NormalizedUsage {
  /** All input tokens, cached ones included (Anthropic: input + cache read + cache creation). */
  promptTokens: number;
  /** Output tokens, reasoning included. */
  completionTokens: number;
  /** `promptTokens + completionTokens`. */
  totalTokens: number;
  /** Input tokens served from the provider's prompt cache (a subset of `promptTokens`). */
  cachedTokens: number;
  /** Input tokens written to the prompt cache (Anthropic's cache creation; a subset of `promptTokens`), when any. */
  cacheCreationTokens?: number;
  /** The part of `cacheCreationTokens` Anthropic wrote with a 1-hour TTL (priced apart), when any. */
  cacheCreation1hTokens?: number;
  /** Output tokens spent on reasoning (a subset of `completionTokens`). */
  reasoningTokens: number;
}

/** What {@link ProviderAdapter.chat} resolves with. */
export interface ChatResult {
  /** OpenAI-shaped completion, `usage` included (with `prompt_tokens_details.cached_tokens` filled). */
  completion: ChatCompletion;
  /** The same usage, normalized. */
  usage: NormalizedUsage;
  /** Options the upstream does not support and that were dropped or adjusted; never an exception. */
  warnings: TranslationWarning[];
}

/** Which key to call with, where, and for how long. */
export interface ProviderCallContext {
  /** Database id of the provider key; part of the client cache key. */
  keyId: number;
  /** The decrypted provider key. Never logged and never part of an error message. */
  apiKey: string;
  /** The provider's `base_url` from the database, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  /**
   * Milliseconds the upstream has to answer. For {@link ProviderAdapter.chat} this bounds the
   * whole call; for {@link ProviderAdapter.stream} it bounds the wait for the response headers
   * (time to first token and idle time are the caller's to bound, through `signal`).
   */
  timeoutMs: number;
  /**
   * Aborts the call or the stream. Abort with a `ProviderError` as the reason (for example an
   * idle timeout) and that error is what the call or the iterator throws.
   */
  signal?: AbortSignal;
  /** `fetch` the SDK uses; the keep-alive upstream fetch (shared/upstream-fetch.ts) when absent. */
  fetch?: typeof fetch;
}

/** What {@link ProviderAdapter.stream} resolves with: the chunks, plus the request's warnings. */
export interface ChatStream extends AsyncIterable<ChatCompletionChunk> {
  /** Options the upstream does not support and that were dropped or adjusted. */
  readonly warnings: readonly TranslationWarning[];
}

/** One upstream API behind the canonical OpenAI shape. */
export interface ProviderAdapter {
  readonly format: ProviderFormat;
  /** Non-streaming chat. Rejects with a `ProviderError`. */
  chat(request: ChatRequest, context: ProviderCallContext): Promise<ChatResult>;
  /**
   * Streaming chat. Resolves once the upstream answered with 2xx headers (HTTP errors reject
   * here, before any chunk), then yields canonical `chat.completion.chunk`s, ending with one usage
   * chunk (`choices: []`, `usage`). The iterator throws a `ProviderError` for an in-stream error
   * event or a stream that ends without its terminal event (`stream_truncated`).
   */
  stream(request: ChatRequest, context: ProviderCallContext): Promise<ChatStream>;
  /** Cheap authenticated call (list models); resolves on success, rejects with a `ProviderError`. */
  validateKey(context: ProviderCallContext): Promise<void>;
}

/**
 * A streamed delta as adapters emit it: OpenAI's delta plus DeepSeek's (and Anthropic thinking's)
 * `reasoning_content`, and from Anthropic the end of a thinking block: `reasoning_signature`
 * (its signature, after its text) or `reasoning_redacted` (a redacted block's data).
 */
export type ChatCompletionChunkDelta = ChatCompletionChunk.Choice.Delta & {
  reasoning_content?: string | null;
  reasoning_signature?: string;
  reasoning_redacted?: string;
};

/**
 * True when a chunk carries something the client must see: content, reasoning, a refusal or a
 * tool call. The router holds back chunks before the first such chunk (role chunk, empty
 * deltas) so that a failure up to that point can still fail over to another key.
 */
export function chunkHasContent(chunk: ChatCompletionChunk): boolean {
  for (const choice of chunk.choices ?? []) {
    const delta = choice.delta as ChatCompletionChunkDelta | undefined;
    if (!delta) continue;
    if (delta.content || delta.reasoning_content || delta.refusal) return true;
    if (delta.tool_calls && delta.tool_calls.length > 0) return true;
  }
  return false;
}

/** True for the final usage chunk (`choices: []` and `usage` set). */
export function isUsageChunk(chunk: ChatCompletionChunk): boolean {
  return (chunk.choices ?? []).length === 0 && chunk.usage != null;
}
