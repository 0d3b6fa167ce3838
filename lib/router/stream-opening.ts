/**
 * Opens an upstream stream and reads it up to its first content chunk, holding back the
 * preamble (role chunk, empty deltas) so that a failure or a time-to-first-token timeout up to
 * that point can still fail over to another key (a failure litellm #38610 and #5859 show when
 * the preamble goes out first). What is read is handed on together with the rest of the stream.
 */
import { ProviderError } from "../providers/provider-error";
import {
  chunkHasContent,
  type ChatCompletionChunk,
  type ChatRequest,
  type ProviderAdapter,
  type ProviderCallContext,
  type TranslationWarning,
} from "../providers/provider-spec";

/** A stream read up to its first content chunk. */
export interface StreamHead {
  /** The held-back preamble and the first content chunk, in order. */
  head: ChatCompletionChunk[];
  /** The rest of the stream. */
  rest: AsyncIterator<ChatCompletionChunk>;
  /** True when the upstream ended before any content (an empty answer): `rest` is done. */
  ended: boolean;
  /** What the adapter could not carry from the request. */
  warnings: readonly TranslationWarning[];
}

/** The error a time-to-first-token timeout aborts the attempt with (transient: fail over). */
export function ttftTimeoutError(timeoutMs: number): ProviderError {
  return new ProviderError({ kind: "transient", status: 0, code: "ttft_timeout", message: `no content within ${timeoutMs} ms` });
}

/** The error an idle gap between chunks aborts the stream with. */
export function idleTimeoutError(timeoutMs: number): ProviderError {
  return new ProviderError({ kind: "transient", status: 0, code: "idle_timeout", message: `no chunk for ${timeoutMs} ms` });
}

/**
 * Calls `adapter.stream` and reads until content, within `ttftTimeoutMs` of the call. `context`
 * must carry `controller.signal`; the timeout aborts it with {@link ttftTimeoutError}, which the
 * adapter rethrows.
 */
export async function openStreamUntilContent(
  adapter: ProviderAdapter,
  request: ChatRequest,
  context: ProviderCallContext,
  controller: AbortController,
  ttftTimeoutMs: number,
): Promise<StreamHead> {
  const timer = setTimeout(() => controller.abort(ttftTimeoutError(ttftTimeoutMs)), ttftTimeoutMs);
  let rest: AsyncIterator<ChatCompletionChunk> | undefined;
  try {
    const stream = await adapter.stream(request, context);
    rest = stream[Symbol.asyncIterator]();
    const head: ChatCompletionChunk[] = [];
    for (;;) {
      const step = await rest.next();
      if (step.done) return { head, rest, ended: true, warnings: stream.warnings };
      head.push(step.value);
      if (chunkHasContent(step.value)) return { head, rest, ended: false, warnings: stream.warnings };
    }
  } catch (error) {
    // Release the upstream connection of the failed attempt before the next key is tried.
    if (!controller.signal.aborted) controller.abort(error);
    void rest?.return?.().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
