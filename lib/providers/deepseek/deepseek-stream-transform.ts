/**
 * DeepSeek SSE body -> canonical chunks. `reasoning_content` deltas pass through untouched;
 * `: keep-alive` comments (sent while a request queues, https://api-docs.deepseek.com/quick_start/rate_limit)
 * are dropped by the SSE parser; usage, which DeepSeek puts on the last choice chunk, is moved
 * into a chunk of its own with the cache hit count in `prompt_tokens_details.cached_tokens`.
 */
import type { ChatCompletionChunk } from "../provider-spec";
import type { CallScope } from "../shared/call-scope";
import { readOpenAICompatibleStream } from "../shared/openai-compatible-stream";
import { parseServerSentEvents, type ByteSource } from "../shared/sse-parser";
import { classifyDeepSeekError } from "./deepseek-error-classify";
import { mapDeepSeekFinishReason } from "./deepseek-finish-reason";
import { normalizeDeepSeekUsage } from "./deepseek-response-convert";

/** Canonical chunks of a DeepSeek streaming response body. */
export function transformDeepSeekStream(body: ByteSource, scope: CallScope): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  return readOpenAICompatibleStream(parseServerSentEvents(body), scope, {
    errorRule: classifyDeepSeekError,
    normalizeChunk: normalizeDeepSeekChunk,
  });
}

/**
 * Maps finish reasons (throwing for `insufficient_system_resource`) and fills cached tokens.
 *
 * @throws ProviderError when DeepSeek cut the answer short
 */
export function normalizeDeepSeekChunk(chunk: ChatCompletionChunk): ChatCompletionChunk {
  const hasFinish = chunk.choices.some((choice) => choice.finish_reason);
  return {
    ...chunk,
    choices: hasFinish
      ? chunk.choices.map((choice) => ({ ...choice, finish_reason: mapDeepSeekFinishReason(choice.finish_reason) }))
      : chunk.choices,
    ...(chunk.usage ? { usage: normalizeDeepSeekUsage(chunk.usage) } : {}),
  };
}
