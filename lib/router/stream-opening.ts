/**
 * Opens an upstream stream and reads it up to its first content chunk, holding back the
 * preamble (role chunk, empty deltas) so that a failure or a time-to-first-token timeout up to
 * that point can still fail over to another key (a failure litellm #38610 and #5859 show when
 * the preamble goes out first). What is read is handed on together with the rest of the stream.
 */
import { ProviderError } from "../providers/provider-error";
import type { PushControl, PushSink } from "../providers/shared/push-stream";
import {
  chunkHasContent,
  type ChatCompletionChunk,
  type ChatRequest,
  type ProviderAdapter,
  type ProviderCallContext,
  type TranslationWarning,
} from "../providers/provider-spec";

/** A stream read up to its first content: canonical chunks, or the raw events of a pass-through. */
export interface StreamHead<Item = ChatCompletionChunk> {
  /** The held-back preamble and the first content item, in order. */
  head: Item[];
  /** The rest of the stream. */
  rest: AsyncIterator<Item>;
  /** True when the upstream ended before any content (an empty answer): `rest` is done. */
  ended: boolean;
  /** What the adapter could not carry from the request. */
  warnings: readonly TranslationWarning[];
}

/**
 * A stream's rest that can also be pushed: `flow` hands every later item to the sink
 * synchronously, with no promise per item. Called at most once, and never together with `next`.
 */
export interface PushableIterator<Item> extends AsyncIterator<Item> {
  flow(sink: PushSink<Item>): PushControl;
}

/** True when a stream's rest can be pushed. */
export function isPushable<Item>(rest: AsyncIterator<Item>): rest is PushableIterator<Item> {
  return typeof (rest as Partial<PushableIterator<Item>>).flow === "function";
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
 * Opens a stream with `open` and reads it until `isContent` says an item is content, within
 * `ttftTimeoutMs` of the call (opening included). The timeout aborts `controller` with
 * {@link ttftTimeoutError}, which the stream rethrows. Any failure up to there releases the
 * attempt's connection before it propagates, so the router can try the next key.
 */
export async function openStreamHead<Item>(
  open: () => Promise<AsyncIterator<Item>>,
  isContent: (item: Item) => boolean,
  controller: AbortController,
  ttftTimeoutMs: number,
): Promise<Omit<StreamHead<Item>, "warnings">> {
  const timer = setTimeout(() => controller.abort(ttftTimeoutError(ttftTimeoutMs)), ttftTimeoutMs);
  let rest: AsyncIterator<Item> | undefined;
  try {
    rest = await open();
    const head: Item[] = [];
    for (;;) {
      const step = await rest.next();
      if (step.done) return { head, rest, ended: true };
      head.push(step.value);
      if (isContent(step.value)) return { head, rest, ended: false };
    }
  } catch (error) {
    // Release the upstream connection of the failed attempt before the next key is tried.
    if (!controller.signal.aborted) controller.abort(error);
    void rest?.return?.(undefined).catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
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
): Promise<StreamHead<ChatCompletionChunk>> {
  let warnings: readonly TranslationWarning[] = [];
  const head = await openStreamHead(
    async () => {
      const stream = await adapter.stream(request, context);
      warnings = stream.warnings;
      return stream[Symbol.asyncIterator]();
    },
    chunkHasContent,
    controller,
    ttftTimeoutMs,
  );
  return { head: head.head, rest: head.rest, ended: head.ended, warnings };
}
