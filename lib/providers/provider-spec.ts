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

export type { ChatCompletion, ChatCompletionChunk };

/** Wire format an adapter speaks; matches the provider's `api format` column. */
export type ProviderFormat = "openai" | "anthropic" | "deepseek";

/** Every format the registry knows, in a stable order. */
export const providerFormats: readonly ProviderFormat[] = ["openai", "anthropic", "deepseek"];

/** The format a provider row's `api_format` names, or `null` when it is none of {@link providerFormats}. */
export function providerFormatOf(apiFormat: string): ProviderFormat | null {
  return (providerFormats as readonly string[]).includes(apiFormat) ? (apiFormat as ProviderFormat) : null;
}

/**
 * A canonical chat request: OpenAI's `ChatCompletionCreateParams`. The router fills `model` with
 * the upstream model code. `stream` is ignored: {@link ProviderAdapter.chat} never streams and
 * {@link ProviderAdapter.stream} always does.
 */
export type ChatRequest = ChatCompletionCreateParams;

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
  warnings: string[];
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
  readonly warnings: readonly string[];
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
 * `reasoning_content`.
 */
export type ChatCompletionChunkDelta = ChatCompletionChunk.Choice.Delta & {
  reasoning_content?: string | null;
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
