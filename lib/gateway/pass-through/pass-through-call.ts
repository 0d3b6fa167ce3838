/**
 * One forwarded attempt on one key: the client's body (model rewritten) to the provider's own
 * endpoint over the keep-alive upstream fetch, with the key's credentials. A non-2xx answer is
 * classified like an SDK error (status, error type and code, Retry-After) so the router fails
 * over exactly as on translated calls; a 200 that is not the protocol's answer is the
 * upstream's failure too, never forwarded as a success.
 */
import type { ProviderFormatEntry, UpstreamEndpoint } from "../../providers/provider-format";
import { ProviderError } from "../../providers/provider-error";
import { fetchCallFailure, openOwnedCallScope, timeoutError, truncatedStreamError, type CallScope } from "../../providers/shared/call-scope";
import { nodeBodyOf, takesAbortWatch, upstreamFetch } from "../../providers/shared/upstream-fetch";
import { headerOf } from "../../providers/shared/response-head";
import { providerErrorFromFacts } from "../../providers/shared/upstream-error-classify";
import type { RouteAttempt } from "../../router/key-router";
import { openStreamHead, type PushableIterator, type StreamHead } from "../../router/stream-opening";
import type { PushControl, PushSink } from "../../providers/shared/push-stream";
import { redactSecrets } from "../../logging/logger";
import { errorFactsOf, type EventRole, type PassThroughObserver } from "./pass-through-observer";
import { readerChunks, ServerSentEventParser, type BodyChunks } from "./sse-event-reader";

/** What one forwarded call sends. */
export interface ForwardedRequest {
  entry: ProviderFormatEntry;
  endpoint: UpstreamEndpoint;
  /** The body to send, as text. */
  text: string;
  clientHeaders: Headers;
  observer: PassThroughObserver;
}

/** A whole answer: its bytes as received and its content type. */
export interface ForwardedAnswer {
  text: string;
  contentType: string;
}

/** Sends the request, aborted with the attempt: the gateway's own fetch listens to its controller, any other to the controller's signal. */
function send(request: ForwardedRequest, attempt: RouteAttempt): Promise<Response> {
  const { entry, endpoint, text, clientHeaders } = request;
  const fetchImpl = attempt.context.fetch ?? upstreamFetch;
  return fetchImpl(entry.passThrough.url(endpoint, attempt.context.baseUrl), {
    method: "POST",
    headers: entry.passThrough.headers(attempt.context.apiKey, clientHeaders),
    body: text,
    signal: takesAbortWatch(fetchImpl) ? (attempt.controller as unknown as AbortSignal) : attempt.controller.signal,
  });
}

/** The `ProviderError` of a non-2xx answer, from its status, headers and error body. */
async function errorOfResponse(response: Response, scope: CallScope, entry: ProviderFormatEntry): Promise<ProviderError> {
  let body: unknown = null;
  const text = await response.text().catch(() => "");
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  const facts = typeof body === "object" && body !== null ? errorFactsOf(body as Record<string, unknown>) : { message: text.slice(0, 300) || null };
  return providerErrorFromFacts(
    { provider: entry.format, status: response.status, headers: response.headers, upstreamType: facts.type, upstreamCode: facts.code, message: facts.message, apiKey: scope.apiKey },
    entry.errorRule,
  );
}

/**
 * What a failed fetch or body read was, in router terms: a `ProviderError` when the upstream or
 * the network to it failed; anything thrown before the request left the process is passed on
 * as the gateway's own error, which never counts against a key.
 */
function failureOf(error: unknown, scope: CallScope, whileStreaming: boolean): unknown {
  return fetchCallFailure(scope, error, whileStreaming);
}

/**
 * Forwarded text with the key used for the call taken out. An upstream may echo the credential in
 * an error it streams (and the client must never see a provider key); error events also lose
 * anything key-shaped. Other text is only searched for the exact key, which costs one scan.
 */
function withoutSecret(text: string, apiKey: string, isError: boolean): string {
  return isError || text.includes(apiKey) ? redactSecrets(text, [apiKey]) : text;
}

/** A 2xx whose body is not the protocol's answer. */
function malformedAnswer(entry: ProviderFormatEntry, what: string): ProviderError {
  return new ProviderError({ kind: "transient", status: 502, code: "upstream_malformed", message: `upstream answered 200 with ${what}`, provider: entry.format });
}

/** Forwards a non-streamed request; resolves with the answer's bytes once the observer accepted them. */
export async function forwardWhole(request: ForwardedRequest, attempt: RouteAttempt): Promise<ForwardedAnswer> {
  const { entry, observer } = request;
  const scope = openOwnedCallScope(entry.format, attempt.context.apiKey, attempt.controller, attempt.context.timeoutMs);
  try {
    const response = await send(request, attempt);
    if (response.status < 200 || response.status >= 300) throw await errorOfResponse(response, scope, entry);
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw malformedAnswer(entry, "a body that is not JSON");
    }
    if (!observer.readBody(json)) throw malformedAnswer(entry, `JSON that is not a ${request.endpoint} answer`);
    return { text: withoutSecret(text, scope.apiKey, false), contentType: headerOf(response, "content-type") ?? "application/json" };
  } catch (error) {
    throw scope.timedOut() ? timeoutError(scope) : failureOf(error, scope, false);
  } finally {
    scope.close();
    attempt.release();
  }
}

/** One upstream event of a forwarded stream, with what the observer made of it. */
export interface ForwardedEvent {
  raw: string;
  role: EventRole;
  /** What `raw` was decoded from, when the event came as a body chunk of its own and goes out unchanged. */
  bytes?: Uint8Array;
}

/**
 * The events of a forwarded stream, read and judged one by one: a plain iterator over the
 * parser rather than generators stacked on the body, so an event costs one promise, not one per
 * layer. Ends after the protocol's terminal event; throws a `ProviderError` after yielding an
 * in-stream error event, for a stream that ends without its terminal event, or when reading fails.
 * Over the upstream fetch's own chunks it can also be pushed (`flow`): the same events and
 * failures, handed on as the bytes arrive, with no promise per event.
 */
function forwardedEvents(body: BodyChunks, request: ForwardedRequest, scope: CallScope): AsyncIterator<ForwardedEvent> | PushableIterator<ForwardedEvent> {
  const { entry, observer } = request;
  const parser = new ServerSentEventParser();
  let closed = false;
  let terminal = false;
  let failure: ProviderError | undefined;
  /** Stops reading; a body that has not ended is cancelled (or, after the terminal event, finished), which releases the connection. */
  const close = () => {
    if (closed) return;
    closed = true;
    if (parser.ended) return;
    if (terminal && !failure && body.finish) body.finish();
    else void body.cancel();
  };
  /** The next complete event the client gets, judged by the observer; `undefined` until more bytes come. */
  const take = (): ForwardedEvent | undefined => {
    for (;;) {
      const event = parser.take();
      if (!event) return undefined;
      const role = observer.readEvent(event);
      if (role === "drop") continue;
      if (role === "terminal") terminal = true;
      if (role === "error") {
        const facts = observer.streamError() ?? {};
        failure = providerErrorFromFacts(
          { provider: entry.format, status: 0, upstreamType: facts.type, upstreamCode: facts.code, message: facts.message, apiKey: scope.apiKey },
          entry.errorRule,
        );
      }
      const raw = withoutSecret(event.raw, scope.apiKey, role === "error");
      return { raw, role, bytes: raw === event.raw ? event.bytes : undefined };
    }
  };
  const read = async (): Promise<IteratorResult<ForwardedEvent, undefined>> => {
    for (;;) {
      const event = take();
      if (event) return { done: false, value: event };
      if (parser.ended) throw truncatedStreamError(scope);
      const step = await body.next();
      if (step.done) parser.end();
      else parser.push(step.value);
    }
  };
  const iterator: AsyncIterator<ForwardedEvent> = {
    async next() {
      if (closed) return { done: true, value: undefined };
      // What follows the terminal event (or an error event) is not read.
      if (terminal || failure) {
        close();
        if (failure) throw failure;
        return { done: true, value: undefined };
      }
      try {
        return await read();
      } catch (error) {
        close();
        throw failureOf(error, scope, true);
      }
    },
    async return() {
      close();
      return { done: true, value: undefined };
    },
  };
  const chunks = body.flow?.bind(body);
  if (!chunks) return iterator;
  return {
    next: iterator.next,
    return: iterator.return,
    flow(sink: PushSink<ForwardedEvent>): PushControl {
      let over = false;
      const stop = (error?: unknown) => {
        if (over) return;
        over = true;
        close();
        if (error === undefined) sink.end();
        else sink.fail(error);
      };
      /** Hands on every complete event; true once the stream is over. */
      const pass = (): boolean => {
        for (;;) {
          if (over) return true;
          if (terminal || failure) {
            stop(failure);
            return true;
          }
          const event = take();
          if (!event) return false;
          sink.item(event);
        }
      };
      if (closed) {
        over = true;
        sink.end();
        return { pause() {}, resume() {} };
      }
      if (pass()) return { pause() {}, resume() {} };
      return chunks({
        item(bytes) {
          if (over) return;
          parser.push(bytes);
          pass();
        },
        end() {
          if (over) return;
          parser.end();
          if (!pass()) stop(failureOf(truncatedStreamError(scope), scope, true));
        },
        fail(error) {
          stop(failureOf(error, scope, true));
        },
      });
    },
  };
}

/**
 * Forwards a streamed request and reads it up to its first content event (held back with the
 * preamble so a failure up to there can still fail over), within `ttftTimeoutMs`. The rest is
 * read by the caller; it ends after the protocol's terminal event and throws a `ProviderError`
 * for an in-stream error (after yielding the upstream's own error event) or for a stream that
 * ends without its terminal event.
 */
export async function forwardStream(request: ForwardedRequest, attempt: RouteAttempt, ttftTimeoutMs: number): Promise<StreamHead<ForwardedEvent>> {
  const { entry } = request;
  const { controller } = attempt;
  const scope = openOwnedCallScope(entry.format, attempt.context.apiKey, controller);

  const open = async (): Promise<AsyncIterator<ForwardedEvent>> => {
    let response: Response;
    try {
      response = await send(request, attempt);
    } catch (error) {
      throw failureOf(error, scope, false);
    }
    if (response.status < 200 || response.status >= 300) throw await errorOfResponse(response, scope, entry);
    // The upstream fetch's own chunks when it has them: asking for `body` would build a web stream.
    const chunks = nodeBodyOf(response);
    if ((!chunks && !response.body) || !(headerOf(response, "content-type") ?? "").includes("text/event-stream")) {
      if (chunks) chunks.cancel();
      else await response.body?.cancel().catch(() => undefined);
      throw malformedAnswer(entry, "a body that is not an event stream");
    }
    return forwardedEvents(chunks ?? readerChunks(response.body!), request, scope);
  };

  const head = await openStreamHead(open, (event) => event.role === "content", controller, ttftTimeoutMs);
  return { head: head.head, rest: head.rest, ended: head.ended, warnings: [] };
}
