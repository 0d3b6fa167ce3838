/**
 * Writes a committed upstream stream to the client as SSE and ends the request properly:
 * - pull-based, so a slow client slows the upstream read instead of buffering it;
 * - idle gaps between upstream chunks are bounded (only while we wait on the upstream; SSE
 *   comments such as DeepSeek's `: keep-alive` never reach this point, so they do not count as
 *   progress; deepseek-harness #6959);
 * - a failure after content ends with the encoder's in-band error event and no `[DONE]`;
 * - a client that goes away aborts the upstream, and the row is logged as `partial`;
 * - on the local server, a stream whose response another one replaced (an error thrown after
 *   the handler) stops its upstream, and the row logs what the client got instead;
 * - the log row (and the key bookkeeping) is written BEFORE the stream closes, so Lambda's
 *   response-streaming handler does not finish (and freeze) with the write still pending.
 */
import type { ServerResponse } from "node:http";
import type { Context } from "hono";
import { directResponse } from "../http/direct-node-response";
import { isUsageChunk, type ChatCompletionChunk, type ChatCompletionChunkDelta } from "../providers/provider-spec";
import { normalizeCompletionUsage, type ProviderCompletionUsage } from "../providers/shared/usage-normalize";
import type { KeyRouter, RoutedStream } from "../router/key-router";
import { asProviderError, clientGoneReason } from "../router/router-errors";
import { idleTimeoutError, isPushable, type PushableIterator } from "../router/stream-opening";
import type { PushControl } from "../providers/shared/push-stream";
import { outputCharacters } from "../router/token-estimate";
import { IdleWatch } from "./idle-watch";
import { outcomeOf } from "./api-log-middleware";
import type { ApiLogRecord, RequestOutcome } from "./api-log-record";
import type { ProviderError } from "../providers/provider-error";
import type { StreamEncoder, StreamErrorInfo } from "./stream-encoders";

/** How the items of a committed stream become the client's SSE text. */
export interface StreamRendering<Item> {
  /** Notes what an item tells the log and returns the text to send for it (`null`: nothing). */
  item(item: Item): string | null;
  /** The bytes to write instead of an item's text when it carries them (as received, say). */
  bytes?(item: Item): Uint8Array | undefined;
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

/** The stream's texts, one per step; `null` once it is over (the log row is written by then). */
interface StreamPump {
  next(): Promise<string | null>;
  /** The client went away. */
  cancel(): Promise<void>;
}

/** The response headers of a stream. */
function streamHeaders(headers: Record<string, string>): Record<string, string> {
  const all: Record<string, string> = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" };
  for (const name in headers) all[name] = headers[name];
  return all;
}

/**
 * The SSE response for a committed stream: on the local Node server written straight to its
 * response (lib/http/direct-node-response.ts), elsewhere a pull-based web stream.
 * @param c the request's context, for the direct write; without it, always the web stream
 */
export function streamingResponse<Item>(options: StreamingResponseOptions<Item>, c?: Context): Response {
  const headers = streamHeaders(options.headers ?? {});
  const { rest } = options.routed;
  const direct =
    c &&
    directResponse(c, {
      start: (outgoing) => (isPushable(rest) ? flowToNode(options, rest, outgoing, headers) : writeToNode(streamPump(options), outgoing, headers)),
      abandon: () => {
        stopUpstream(options.routed);
        void requestEnd(options)(outcomeOf(c.res.status, c.error));
      },
    });
  return direct ?? new Response(webStream(streamPump(options)), { status: 200, headers });
}

/** Pulls the pump as the client reads: a slow client slows the upstream read instead of buffering it. */
function webStream(pump: StreamPump): ReadableStream<Uint8Array> {
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const text = await pump.next();
      if (cancelled) return;
      if (text === null) controller.close();
      else controller.enqueue(encoder.encode(text));
    },
    cancel() {
      cancelled = true;
      return pump.cancel();
    },
  });
}

/** Writes the pump to a Node response, waiting for the socket to drain when it is full. */
function writeToNode(pump: StreamPump, outgoing: ServerResponse, headers: Record<string, string>): void {
  outgoing.once("close", () => {
    if (!outgoing.writableFinished) void pump.cancel();
  });
  // Gone already while the middleware chain finished: its close event has passed.
  if (outgoing.destroyed) {
    void pump.cancel();
    return;
  }
  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        outgoing.off("drain", done);
        outgoing.off("close", done);
        resolve();
      };
      outgoing.on("drain", done);
      outgoing.on("close", done);
    });
  outgoing.writeHead(200, headers);
  const run = async () => {
    for (;;) {
      const text = await pump.next();
      if (outgoing.destroyed) return;
      if (text === null) {
        outgoing.end();
        return;
      }
      if (!outgoing.write(text)) await drained();
    }
  };
  run().catch((error: unknown) => outgoing.destroy(error instanceof Error ? error : undefined));
}

/**
 * Writes a stream whose rest is pushed (the pass-through's forwarded events over the upstream
 * fetch) to a Node response: each event is rendered and written as it arrives, with no promise
 * per event; a full socket pauses the upstream connection until it drains. The same ends as
 * {@link streamPump}: the closing or in-band error text, the log row before the close, a client
 * that goes away aborting the upstream, the idle bound while we wait on the upstream.
 */
function flowToNode<Item>(options: StreamingResponseOptions<Item>, rest: PushableIterator<Item>, outgoing: ServerResponse, headers: Record<string, string>): void {
  const { routed, rendering, record, idleTimeoutMs } = options;
  const finish = requestEnd(options);
  let finished = false;
  /** Waiting for the socket to drain: the upstream is paused, and its silence is not idleness. */
  let held = false;
  let control: PushControl | undefined;
  const idle = new IdleWatch(
    idleTimeoutMs,
    () => {
      if (!finished) routed.controller.abort(idleTimeoutError(idleTimeoutMs));
    },
    () => held,
  );
  const resume = () => {
    held = false;
    idle.progress();
    control?.resume();
  };
  const write = (text: string | Uint8Array) => {
    if (text.length === 0 || outgoing.destroyed) return;
    if (!outgoing.write(text) && !held) {
      held = true;
      control?.pause();
      outgoing.once("drain", resume);
    }
  };
  /** Writes the last text, then the log row, then closes. */
  const close = (text: string, outcome: RequestOutcome, failure?: unknown) => {
    finished = true;
    idle.clear();
    write(text);
    void finish(outcome, failure).finally(() => {
      if (!outgoing.destroyed) outgoing.end();
    });
  };
  const succeed = (pending: string) => {
    const { text, outcome } = cleanEnd(rendering, record);
    close(pending + text, outcome);
  };
  const fail = (thrown: unknown, pending = "") => {
    const { text, outcome, error } = failedEnd(rendering, thrown);
    close(pending + text, outcome, error);
  };

  const clientGone = () => {
    // The client went away: stop the upstream and log what it got.
    if (finished || outgoing.writableFinished) return;
    finished = true;
    idle.clear();
    void finish(abandonUpstream(routed));
  };
  outgoing.once("close", clientGone);
  // Gone already while the middleware chain finished: its close event has passed.
  if (outgoing.destroyed) {
    clientGone();
    return;
  }
  outgoing.writeHead(200, headers);
  let pending = "";
  try {
    for (const item of routed.head) pending += rendering.item(item) ?? "";
  } catch (thrown) {
    fail(thrown, pending);
    return;
  }
  if (routed.ended) {
    succeed(pending);
    return;
  }
  write(pending);
  control = rest.flow({
    item(item) {
      if (finished) return;
      idle.progress();
      try {
        const text = rendering.item(item);
        if (text) write(rendering.bytes?.(item) ?? text);
      } catch (thrown) {
        routed.controller.abort(thrown);
        void rest.return?.().catch(() => undefined);
        fail(thrown);
      }
    },
    end() {
      if (!finished) succeed("");
    },
    fail(thrown) {
      if (!finished) fail(thrown);
    },
  });
  // Written full before the flow could be paused: pause it now.
  if (held) control.pause();
}

/** The closing text and outcome of a stream that ended cleanly. */
function cleanEnd<Item>(rendering: StreamRendering<Item>, record: ApiLogRecord): { text: string; outcome: RequestOutcome } {
  const tokens = record.tokens("success");
  const text = rendering.end({ promptTokens: tokens.prompt, completionTokens: tokens.completion, estimated: tokens.estimated });
  return { text, outcome: { status: "success", httpStatus: 200 } };
}

/** The in-band error text and outcome of a stream that failed after it started. */
function failedEnd<Item>(rendering: StreamRendering<Item>, thrown: unknown): { text: string; outcome: RequestOutcome; error: ProviderError } {
  const error = asProviderError(thrown);
  const text = rendering.error({ message: `The upstream stream failed after it started: ${error.code}: ${error.message}`, type: "api_error", code: error.code }, error);
  return { text, outcome: { status: "error", httpStatus: 200, errorCode: error.code, errorMessage: error.message }, error };
}

/** Stops a committed stream's upstream (the caller is gone, so no key is blamed). */
function stopUpstream<Item>(routed: RoutedStream<Item>): void {
  routed.controller.abort(clientGoneReason());
  void routed.rest.return?.().catch(() => undefined);
}

/** Stops the upstream of a stream whose client went away; returns the outcome to log. */
function abandonUpstream<Item>(routed: RoutedStream<Item>): RequestOutcome {
  stopUpstream(routed);
  return { status: "partial", httpStatus: 499, errorCode: "client_closed_request", errorMessage: "The client closed the stream before it ended" };
}

/** The end of a committed stream's request: key bookkeeping, then the log row (the caller's `complete`). */
function requestEnd<Item>({ routed, record, router, complete }: StreamingResponseOptions<Item>): (outcome: RequestOutcome, failure?: unknown) => Promise<void> {
  return async (outcome, failure) => {
    routed.release();
    const tokens = record.tokens(outcome.status);
    record.defer(router.settleTokens(routed.key, routed.reservedTokens, tokens.prompt + tokens.completion, routed.reservedAt));
    if (outcome.status === "success") record.defer(router.recordSuccess(routed.key));
    else if (failure !== undefined && outcome.status === "error") record.defer(router.recordFailure(routed.key, asProviderError(failure)));
    await complete(outcome);
  };
}

/** The texts of a committed stream and the end of its request. */
function streamPump<Item>(options: StreamingResponseOptions<Item>): StreamPump {
  const { routed, rendering, record, idleTimeoutMs } = options;
  const end = requestEnd(options);
  let headSent = false;
  let finished = false;
  let waiting = false;
  /** The request's end (key bookkeeping, log row) once the last text is out: awaited before the close. */
  let closing: Promise<void> | undefined;
  // One watch for the whole stream; only time spent waiting on the upstream counts.
  const idle = new IdleWatch(idleTimeoutMs, () => routed.controller.abort(idleTimeoutError(idleTimeoutMs)), () => !waiting);

  /** Ends the request once: key bookkeeping, log row, then the caller's close. */
  const finish = (outcome: RequestOutcome, failure?: unknown): Promise<void> => {
    idle.clear();
    return end(outcome, failure);
  };

  /** The last text, with the request's end started behind it. */
  const last = async (text: string, outcome: RequestOutcome, failure?: unknown): Promise<string | null> => {
    closing = finish(outcome, failure);
    if (text !== "") return text;
    await closing;
    return null;
  };

  return {
    async next() {
      if (closing) {
        await closing;
        return null;
      }
      if (finished) return null;
      // Texts not sent yet: the held-back head goes out with what follows it when it renders to nothing.
      let pending = "";
      try {
        if (!headSent) {
          headSent = true;
          for (const item of routed.head) pending += rendering.item(item) ?? "";
          if (!routed.ended && pending !== "") return pending;
        }
        for (;;) {
          let step: IteratorResult<Item> = { done: true, value: undefined };
          if (!routed.ended) {
            waiting = true;
            idle.progress();
            step = await routed.rest.next();
            waiting = false;
          }
          if (finished) return null;
          if (step.done) {
            finished = true;
            const { text, outcome } = cleanEnd(rendering, record);
            return await last(pending + text, outcome);
          }
          const text = rendering.item(step.value);
          if (text) return pending + text;
        }
      } catch (thrown) {
        waiting = false;
        if (finished) return null;
        finished = true;
        const { text, outcome, error } = failedEnd(rendering, thrown);
        return await last(pending + text, outcome, error);
      }
    },
    async cancel() {
      // The client went away: stop the upstream and log what it got.
      if (finished) return;
      finished = true;
      await finish(abandonUpstream(routed));
    },
  };
}
