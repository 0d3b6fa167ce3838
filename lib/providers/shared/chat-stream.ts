/**
 * Wraps an adapter's chunk generator into the {@link ChatStream} the spec promises.
 */
import type { ChatCompletionChunk, ChatStream, TranslationWarning } from "../provider-spec";

/** A single-use {@link ChatStream} over `chunks`, carrying the request's warnings. */
export function toChatStream(chunks: AsyncIterable<ChatCompletionChunk>, warnings: readonly TranslationWarning[]): ChatStream {
  return {
    warnings,
    [Symbol.asyncIterator]: () => chunks[Symbol.asyncIterator](),
  };
}
