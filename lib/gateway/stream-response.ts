/**
 * Writes a committed upstream stream to the client as SSE and ends the request properly:
 * - pull-based, so a slow client slows the upstream read instead of buffering it;
 * - idle gaps between upstream chunks are bounded (only while we wait on the upstream; SSE
 *   comments such as DeepSeek's `: keep-alive` never reach this point, so they do not count as
 *   progress; deepseek-harness #6959);
 * - a failure after content ends with the encoder's in-band error event and no `[DONE]`;
 * - a client that goes away aborts the upstream, and the row is logged as `partial`;
 * - the log row (and the key bookkeeping) is written BEFORE the stream closes, so Lambda's
 *   response-streaming handler does not finish (and freeze) with the write still pending.
 */
import { isUsageChunk, type ChatCompletionChunk, type ChatCompletionChunkDelta } from "../providers/provider-spec";
import { normalizeCompletionUsage, type ProviderCompletionUsage } from "../providers/shared/usage-normalize";
import type { KeyRouter, RoutedStream } from "../router/key-router";
import { asProviderError, clientGoneReason } from "../router/router-errors";
import { idleTimeoutError } from "../router/stream-opening";
import { outputCharacters } from "../router/token-estimate";
import type { ApiLogRecord, RequestOutcome } from "./api-log-record";
import type { ProviderError } from "../providers/provider-error";
import type { StreamEncoder, StreamErrorInfo } from "./stream-encoders";

/** How the items of a committed stream become the client's SSE text. */
export interface StreamRendering<Item> {
  /** Notes what an item tells the log and returns the text to send for it (`null`: nothing). */
  item(item: Item): string | null;
  /** The closing text of a stream that ended cleanly. */
  end(tokens: { promptTokens: number; completionTokens: number; estimated: boolean }): string;
  /** The in-band text that ends a stream that failed after it started. */
  error(info: StreamErrorInfo, error: ProviderError): string;
}

/** Canonical chunks through a door's encoder. */
export function canonicalRendering(encoder: StreamEncoder, record: ApiLogRecord): StreamRendering<ChatCompletionChunk> {
  return {
    item(chunk) {
      observe(record, chunk);
      return encoder.chunk(chunk);
    },
    end: (tokens) => encoder.end(tokens),
    error: (info) => encoder.error(info),
  };
}

/** Inputs of {@link streamingResponse}. */
export interface StreamingResponseOptions<Item> {
  routed: RoutedStream<Item>;
  rendering: StreamRendering<Item>;
  record: ApiLogRecord;
  router: KeyRouter;
  /** Longest wait for the next upstream chunk, in ms. */
  idleTimeoutMs: number;
  /** Writes the request's log row (awaited before the stream closes). */
  complete(outcome: RequestOutcome): Promise<void>;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

const encoder = new TextEncoder();

/** Notes what a chunk tells the log (usage, output size). */
function observe(record: ApiLogRecord, chunk: ChatCompletionChunk): void {
  if (isUsageChunk(chunk)) record.usage = normalizeCompletionUsage(chunk.usage as ProviderCompletionUsage);
  else for (const choice of chunk.choices) record.outputCharacters += outputCharacters(choice.delta as ChatCompletionChunkDelta | undefined);
}

/** The SSE response for a committed stream. */
export function streamingResponse<Item>({ routed, rendering, record, router, idleTimeoutMs, complete, headers = {} }: StreamingResponseOptions<Item>): Response {
  let headSent = false;
  let finished = false;
  let waiting = false;
  // One timer for the whole stream, re-armed with refresh() while we wait on the upstream.
  const idleTimer = setTimeout(() => {
    if (waiting) routed.controller.abort(idleTimeoutError(idleTimeoutMs));
  }, idleTimeoutMs);

  const send = (controller: ReadableStreamDefaultController<Uint8Array>, text: string | null): boolean => {
    if (text === null || text === "") return false;
    controller.enqueue(encoder.encode(text));
    return true;
  };

  /** Ends the request once: key bookkeeping, log row, then the caller's close. */
  const finish = async (outcome: RequestOutcome, failure?: unknown): Promise<void> => {
    clearTimeout(idleTimer);
    routed.release();
    const tokens = record.tokens(outcome.status);
    record.defer(router.settleTokens(routed.key, routed.reservedTokens, tokens.prompt + tokens.completion, routed.reservedAt));
    if (outcome.status === "success") record.defer(router.recordSuccess(routed.key));
    else if (failure !== undefined && outcome.status === "error") record.defer(router.recordFailure(routed.key, asProviderError(failure)));
    await complete(outcome);
  };

  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (finished) return;
      try {
        if (!headSent) {
          headSent = true;
          let sent = false;
          for (const item of routed.head) sent = send(controller, rendering.item(item)) || sent;
          if (!routed.ended && sent) return;
        }
        for (;;) {
          let step: IteratorResult<Item> = { done: true, value: undefined };
          if (!routed.ended) {
            waiting = true;
            idleTimer.refresh();
            step = await routed.rest.next();
            waiting = false;
          }
          if (finished) return;
          if (step.done) {
            finished = true;
            const tokens = record.tokens("success");
            send(controller, rendering.end({ promptTokens: tokens.prompt, completionTokens: tokens.completion, estimated: tokens.estimated }));
            await finish({ status: "success", httpStatus: 200 });
            controller.close();
            return;
          }
          if (send(controller, rendering.item(step.value))) return;
        }
      } catch (thrown) {
        waiting = false;
        if (finished) return;
        finished = true;
        const error = asProviderError(thrown);
        send(
          controller,
          rendering.error({ message: `The upstream stream failed after it started: ${error.code}: ${error.message}`, type: "api_error", code: error.code }, error),
        );
        await finish({ status: "error", httpStatus: 200, errorCode: error.code, errorMessage: error.message }, error);
        controller.close();
      }
    },
    async cancel() {
      // The client went away: stop the upstream and log what it got.
      if (finished) return;
      finished = true;
      routed.controller.abort(clientGoneReason());
      void routed.rest.return?.().catch(() => undefined);
      await finish({ status: "partial", httpStatus: 499, errorCode: "client_closed_request", errorMessage: "The client closed the stream before it ended" });
    },
  });

  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
      ...headers,
    },
  });
}
