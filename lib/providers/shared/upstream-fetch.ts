/**
 * The `fetch` the provider SDKs are built with: HTTP/1.1 over keep-alive `node:http` /
 * `node:https` agents shared by every client of the process, so a key's calls reuse warm
 * connections and no call pays for the platform `fetch`'s machinery.
 *
 * Why not the platform `fetch`: on Node 20 each call through it builds WHATWG Request and
 * Response objects, web streams for both bodies (body tee included) and several AbortSignals;
 * measured on the benchmark machine that was ~0.45 ms of CPU per call, three times the gateway's
 * own work, against ~0.1 ms here (`npm run bench`, README). The SDKs stay the official ones;
 * only their transport changes, through their documented `fetch` option.
 *
 * What it handles itself: `http:`/`https:` URLs given as strings or `URL`s, any method, a body
 * that is a string or bytes, `headers` in any `HeadersInit` form, and `signal` (an `AbortSignal`,
 * or an attempt's controller itself: {@link takesAbortWatch}). A response whose body is an event
 * stream is handed on as a stream (backpressure preserved, cancel closes the connection); any
 * other body is read whole first, which is what the SDKs do next anyway, and answered as a
 * {@link BufferedResponse}.
 * A `Request` input or a streamed, blob or form body is read into bytes first (API calls are
 * small), so every call takes the same guarded path; other schemes are refused.
 *
 * Destinations: every call is held to a {@link DestinationPolicy}: an IP literal in the URL is
 * judged before connecting, and a name is judged on every address it resolves to (a `lookup`
 * that refuses), so neither `169.254.169.254` nor a name resolving to `127.0.0.1` gets a socket
 * unless the policy allows it. Redirects are followed only within the same origin (at most 5);
 * one to another origin is refused, since it would take the key to a host nobody configured.
 * Failures look like `fetch`'s: an abort rejects with the signal's reason, a network error or a
 * refused destination with `TypeError("fetch failed", { cause })`.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { urlToHttpOptions } from "node:url";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { guardedLookup, DestinationRefusedError, type Resolver } from "../../network/destination-lookup";
import type { AbortWatch } from "./attempt-controller";
import { PUBLIC_ONLY, urlRefusal, type DestinationPolicy } from "../../network/destination-policy";
import { BufferedResponse } from "./buffered-response";
import type { ResponseHeadInit } from "./response-head";
import type { PushControl, PushSink } from "./push-stream";
import { StreamedResponse } from "./streamed-response";

/** Options of {@link createUpstreamFetch}. */
export interface UpstreamFetchOptions {
  /**
   * How long an idle connection is kept for reuse, in ms; below the idle timeouts of the
   * providers' front ends, so we close first and never reuse a socket they are closing.
   * @default 4000 (undici's own default)
   */
  idleTimeoutMs?: number;
  /**
   * Which addresses may be called beyond public ones.
   * @default public addresses only (no loopback, no private ranges)
   */
  destinations?: DestinationPolicy;
  /**
   * Where host names are resolved (tests resolve a made-up name to a local address).
   * @default node:dns lookup
   */
  resolver?: Resolver;
}

/** Statuses whose responses never have a body (fetch spec "null body status"). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Host names whose destination judgement is remembered per fetch instance. */
const REFUSAL_CACHE_SIZE = 256;
/** Parsed URLs remembered per fetch instance. */
const URL_CACHE_SIZE = 256;
/** Same-origin redirects followed before giving up, as browsers cap them too. */
const MAX_REDIRECTS = 5;

// Captured at load: @hono/node-server later swaps the global Response for a lightweight
// stand-in that builds this one on first use, which would only add work here.
const PlatformResponse = globalThis.Response;

/** The error an aborted call rejects with: the signal's reason, as `fetch` does. */
function abortReason(signal: AbortWatch): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

/** What `node:http` needs of a URL. */
interface Target {
  hostname: string;
  port: number | undefined;
  path: string;
  /** `user:password` from the URL, sent as Basic credentials unless the call brings its own. */
  auth: string | undefined;
  /** The `Host` header: the host name, and the port when it is not the scheme's default. */
  host: string;
}

/** The parts of `url` a request needs, worked out once. */
function targetOf(url: URL): Target {
  const options = urlToHttpOptions(url);
  return { hostname: options.hostname ?? "", port: options.port === undefined ? undefined : Number(options.port), path: options.path ?? "/", auth: options.auth ?? undefined, host: url.host };
}

/**
 * Request headers as the flat `[name, value, …]` list `node:http` writes as given (still
 * validating every name and value): given an object, it sets them one by one, adds `Host` and
 * the URL's credentials itself, and copies the options several times per call.
 * `Host` first; `content-length` from the body.
 */
function headerList(headers: Record<string, string>, target: Target, body: string | Uint8Array | null | undefined): string[] {
  const list = headers.host === undefined ? ["host", target.host] : [];
  if (target.auth && headers.authorization === undefined) list.push("authorization", `Basic ${Buffer.from(target.auth).toString("base64")}`);
  for (const name in headers) if (name !== "content-length") list.push(name, headers[name]);
  if (body !== null && body !== undefined) list.push("content-length", String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength));
  return list;
}

/** Request headers as a plain object, names in lower case. */
function headerRecord(headers: HeadersInit | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  if (headers === undefined) return record;
  if (headers instanceof Headers) headers.forEach((value, name) => (record[name] = value));
  else if (Array.isArray(headers)) for (const [name, value] of headers) record[name.toLowerCase()] = value;
  else for (const [name, value] of Object.entries(headers)) record[name.toLowerCase()] = value;
  return record;
}

/** The body as bytes or text, or `undefined` when it is of a kind left to the platform fetch. */
function simpleBody(body: BodyInit | null | undefined): string | Uint8Array | null | undefined {
  if (body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return undefined;
}

/** A connection error as `fetch` reports it. */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError("fetch failed", { cause });
}

/** One outgoing call, normalised. */
interface Outgoing {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array | null | undefined;
  signal: AbortWatch | undefined;
  redirect: RequestRedirect;
}

/** Reads a `Request` input or a streamed, blob or form body into bytes. */
async function readOutgoing(input: string | URL | Request, init: RequestInit): Promise<Outgoing> {
  const request = input instanceof Request ? input : undefined;
  const headers = headerRecord(init.headers ?? request?.headers);
  let body = simpleBody(init.body);
  if (body === undefined && init.body !== undefined && init.body !== null) {
    const wrapped = new PlatformResponse(init.body);
    const contentType = wrapped.headers.get("content-type");
    if (contentType && headers["content-type"] === undefined) headers["content-type"] = contentType;
    body = new Uint8Array(await wrapped.arrayBuffer());
  } else if (body === undefined && request?.body) {
    body = new Uint8Array(await request.arrayBuffer());
  }
  return {
    url: new URL(request ? request.url : input.toString()),
    method: (init.method ?? request?.method ?? "GET").toUpperCase(),
    headers,
    body,
    signal: init.signal ?? request?.signal ?? undefined,
    redirect: init.redirect ?? request?.redirect ?? "follow",
  };
}

/** The call a redirect leads to (fetch spec: 303, and 301/302 after POST, become a bodiless GET). */
function redirected(outgoing: Outgoing, status: number, location: URL): Outgoing {
  const toGet = status === 303 ? outgoing.method !== "HEAD" : (status === 301 || status === 302) && outgoing.method === "POST";
  if (!toGet) return { ...outgoing, url: location };
  const headers = { ...outgoing.headers };
  for (const name of ["content-type", "content-length", "content-encoding", "content-language", "content-location"]) delete headers[name];
  return { ...outgoing, url: location, method: "GET", headers, body: undefined };
}

/** The response body, decoded as `fetch` would for a `Content-Encoding` the server chose anyway. */
function decodedBody(message: IncomingMessage): NodeJS.ReadableStream & AsyncIterable<Buffer> {
  const encoding = String(message.headers["content-encoding"] ?? "").trim().toLowerCase();
  const decoder = encoding === "gzip" || encoding === "x-gzip" ? createGunzip() : encoding === "deflate" ? createInflate() : encoding === "br" ? createBrotliDecompress() : undefined;
  if (!decoder) return message;
  message.on("error", (error) => decoder.destroy(error));
  return message.pipe(decoder);
}

/** Reads a whole body; rejects when the connection breaks off before its end. */
function readWhole(source: NodeJS.ReadableStream, message: IncomingMessage): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = [];
    source.on("data", (part: Buffer) => parts.push(part));
    source.once("end", () => resolve(parts.length === 1 ? parts[0] : Buffer.concat(parts)));
    source.once("error", reject);
    // A connection that closes before the end of the body.
    message.once("close", () => {
      if (!message.complete) reject(new Error("the connection closed before the end of the body"));
    });
  });
}

/** A streamed body, chunk by chunk, straight from the connection. */
export interface NodeBodyChunks {
  /** The next chunk; rejects when the connection breaks off. */
  next(): Promise<IteratorResult<Buffer, undefined>>;
  /** Stops reading: the connection goes back to the pool when the body had in fact fully arrived, else it is closed. */
  cancel(): void;
  /**
   * Stops reading a body whose protocol-level end was read: what still arrives is dropped and
   * the connection goes back to the pool, unless the body goes on for longer than a moment.
   */
  finish(): void;
  /**
   * Hands every later chunk to `sink` as it comes off the connection, with no promise per chunk
   * (what is queued goes first); `next` must not be called again.
   */
  flow(sink: PushSink<Buffer>): PushControl;
}

/** How long a finished body may still take to end before its connection is closed, in ms. */
const FINISH_GRACE_MS = 1000;

/** Chunks queued before the connection is paused (backpressure on a reader that falls behind). */
const QUEUED_CHUNKS = 16;

/**
 * The chunks of an event-stream body as they come off the connection; `done` runs once reading
 * ends. Read with `data` events into a small queue: the stream's own async iterator is a
 * generator over `readable` events, which cost several promises per chunk.
 */
function bodyChunks(source: NodeJS.ReadableStream, message: IncomingMessage, done: () => void): NodeBodyChunks {
  const queue: Buffer[] = [];
  let ended = false;
  let failure: unknown;
  let waiting: { resolve(step: IteratorResult<Buffer, undefined>): void; reject(error: unknown): void } | undefined;
  let sink: PushSink<Buffer> | undefined;
  /** Reading is over (cancelled or finished): what still arrives is dropped. */
  let dropping = false;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    done();
  };
  const wake = () => {
    if (sink) {
      const flowing = sink;
      if (failure !== undefined) {
        sink = undefined;
        release();
        flowing.fail(failure);
      } else if (ended) {
        sink = undefined;
        release();
        flowing.end();
      }
      return;
    }
    const waiter = waiting;
    if (!waiter) return;
    if (queue.length > 0) waiter.resolve({ done: false, value: queue.shift()! });
    else if (failure !== undefined) waiter.reject(failure);
    else if (ended) waiter.resolve({ done: true, value: undefined });
    else return;
    waiting = undefined;
  };
  source.on("data", (chunk: Buffer) => {
    if (dropping) return;
    if (sink) {
      sink.item(chunk);
      return;
    }
    queue.push(chunk);
    if (queue.length >= QUEUED_CHUNKS) source.pause();
    wake();
  });
  source.once("end", () => {
    ended = true;
    wake();
  });
  source.once("error", (error) => {
    failure ??= error;
    wake();
  });
  // A connection that closes before the end of the body, without an error of its own.
  message.once("close", () => {
    if (!message.complete) failure ??= new Error("the connection closed before the end of the body");
    wake();
  });
  return {
    next() {
      if (queue.length > 0) {
        const value = queue.shift()!;
        if (queue.length < QUEUED_CHUNKS / 2 && source.isPaused()) source.resume();
        return Promise.resolve({ done: false, value });
      }
      if (failure !== undefined || ended) {
        release();
        return failure !== undefined ? Promise.reject(failure) : Promise.resolve({ done: true, value: undefined });
      }
      return new Promise((resolve, reject) => {
        waiting = {
          resolve: (step) => {
            if (step.done) release();
            resolve(step);
          },
          reject: (error) => {
            release();
            reject(error);
          },
        };
      });
    },
    cancel() {
      sink = undefined;
      dropping = true;
      release();
      // A reader that stops at the terminal event (`[DONE]`) cancels a body that has in fact
      // fully arrived: drain it so the connection goes back to the pool instead of closing.
      if (message.complete) message.resume();
      else message.destroy();
    },
    finish() {
      sink = undefined;
      dropping = true;
      release();
      if (message.complete) {
        message.resume();
        return;
      }
      // The terminal event usually arrives a moment before the end of the chunked body: read
      // the rest and drop it, so the connection is reused rather than closed and opened again.
      const stop = setTimeout(() => message.destroy(), FINISH_GRACE_MS);
      stop.unref();
      message.once("end", () => clearTimeout(stop));
      message.once("close", () => clearTimeout(stop));
      source.resume();
    },
    flow(flowing) {
      sink = flowing;
      // A sink may stop the flow from inside `item` (cancel), which clears `sink`.
      while (queue.length > 0 && sink === flowing) flowing.item(queue.shift()!);
      if (sink === flowing) wake();
      // Paused by a full queue: flowing from now on (the sink has no control before this returns).
      if (sink === flowing && source.isPaused()) source.resume();
      return { pause: () => source.pause(), resume: () => source.resume() };
    },
  };
}

/** A pull-based web stream over the chunks; cancelling it closes the connection. */
function webStream(chunks: NodeBodyChunks): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const step = await chunks.next();
          if (step.done) controller.close();
          else controller.enqueue(step.value);
        } catch (error) {
          controller.error(error);
        }
      },
      cancel: () => chunks.cancel(),
    },
    { highWaterMark: 0 },
  );
}

/**
 * Event-stream bodies of this module's responses, for readers that take the chunks without the
 * web stream around them (the pass-through reads every event of every stream; the web stream
 * cost a promise chain and a copy per chunk). Whoever takes the chunks must not read the body.
 */
const nodeBodies = new WeakMap<Response, NodeBodyChunks>();

/** The chunks behind an event-stream response of an upstream fetch; `undefined` for any other response. */
export function nodeBodyOf(response: Response): NodeBodyChunks | undefined {
  return nodeBodies.get(response);
}

/** A header of Node's parsed head as `Headers.get` would give it (repeated values joined). */
function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}

/** Response headers in arrival order, repeated names kept. */
function responseHeaders(message: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = message.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) headers.append(raw[index], raw[index + 1]);
  return headers;
}

/**
 * The agent's `timeout` as a bound on sockets idle in its pool only, which is all it is for: a
 * busy socket's 'timeout' event has no listener that acts. Node otherwise gives every socket the
 * timer for its whole life and re-arms it on every read and write of a call (each chunk of a
 * stream). Here a socket is created without it, gets it as it goes into the pool (Node's own
 * `keepSocketAlive` sets it, shortened by the server's Keep-Alive hint) and drops it when a
 * call takes it out again.
 */
function poolIdleOnly<Pool extends HttpAgent>(agent: Pool): Pool {
  const createConnection = agent.createConnection;
  agent.createConnection = function (options, callback) {
    return createConnection.call(this, { ...options, timeout: undefined }, callback);
  };
  const reuseSocket = agent.reuseSocket;
  agent.reuseSocket = function (socket, request) {
    (socket as import("node:net").Socket).setTimeout(0);
    reuseSocket.call(this, socket, request);
  };
  return agent;
}

/** The fetches built here: their `signal` may be any {@link AbortWatch}, such as an attempt's controller. */
const watchingFetches = new WeakSet<typeof fetch>();

/** True when `fetch` was built here and so takes an {@link AbortWatch} as its `signal`. */
export function takesAbortWatch(fetch: typeof globalThis.fetch): boolean {
  return watchingFetches.has(fetch);
}

/** Builds a keep-alive `fetch` with its own connection pools, held to a destination policy. */
export function createUpstreamFetch({ idleTimeoutMs = 4000, destinations = PUBLIC_ONLY, resolver }: UpstreamFetchOptions = {}): typeof fetch {
  if (!(idleTimeoutMs > 0)) throw new RangeError(`idleTimeoutMs must be > 0, got ${idleTimeoutMs}`);
  // The agents hand `lookup` to every connection they open, so requests need not carry it.
  const agentOptions = { keepAlive: true, scheduling: "lifo" as const, timeout: idleTimeoutMs, lookup: guardedLookup(destinations, resolver) };
  const httpAgent = poolIdleOnly(new HttpAgent(agentOptions));
  const httpsAgent = poolIdleOnly(new HttpsAgent(agentOptions));
  // The judgement depends on the host name alone; classifying the same address on every call
  // was a few percent of a pass-through request.
  const refusals = new Map<string, string | null>();
  const refusalOfHost = (url: URL): string | null => {
    let refusal = refusals.get(url.hostname);
    if (refusal === undefined) {
      refusal = urlRefusal(url, destinations);
      if (refusals.size >= REFUSAL_CACHE_SIZE) refusals.clear();
      refusals.set(url.hostname, refusal);
    }
    return refusal;
  };

  // The same few endpoint URLs are called over and over; node:http only reads the URL it is
  // given. Each is parsed once, and turned once into what node:http needs of it.
  const urls = new Map<string, URL>();
  const targets = new WeakMap<URL, Target>();
  const parsedUrl = (text: string): URL => {
    let url = urls.get(text);
    if (url === undefined) {
      url = new URL(text);
      if (urls.size >= URL_CACHE_SIZE) urls.clear();
      urls.set(text, url);
      targets.set(url, targetOf(url));
    }
    return url;
  };

  function send(outgoing: Outgoing, redirectsLeft: number): Promise<Response> {
    const { url, method, body, signal } = outgoing;
    const secure = url.protocol === "https:";
    if (!secure && url.protocol !== "http:") return Promise.reject(fetchFailed(new Error(`unsupported scheme ${url.protocol}`)));
    // IP literals never reach `lookup`, so they are judged here.
    const refusal = refusalOfHost(url);
    if (refusal) return Promise.reject(fetchFailed(new DestinationRefusedError(url.hostname, refusal.replace(/^points at/, "it is"))));
    if (signal?.aborted) return Promise.reject(abortReason(signal));

    return new Promise<Response>((resolve, reject) => {
      const target = targets.get(url) ?? targetOf(url);
      const request = (secure ? httpsRequest : httpRequest)({
        hostname: target.hostname,
        port: target.port,
        path: target.path,
        method,
        headers: headerList(outgoing.headers, target, body),
        agent: secure ? httpsAgent : httpAgent,
      });
      let message: IncomingMessage | undefined;
      let settled = false;
      const onAbort = () => {
        const reason = abortReason(signal!);
        request.destroy(reason instanceof Error ? reason : undefined);
        message?.destroy(reason instanceof Error ? reason : undefined);
        fail(reason);
      };
      const release = () => signal?.removeEventListener("abort", onAbort);
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        release();
        reject(error);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      request.once("error", (error) => fail(signal?.aborted ? abortReason(signal) : fetchFailed(error)));
      request.once("response", (response) => {
        message = response;
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        if (REDIRECT_STATUSES.has(status) && location && outgoing.redirect !== "manual") {
          response.resume();
          settled = true;
          release();
          let target: URL | undefined;
          try {
            target = new URL(location, url);
          } catch {
            target = undefined;
          }
          if (outgoing.redirect === "error") reject(fetchFailed(new Error("the upstream answered with a redirect")));
          else if (!target || target.origin !== url.origin) reject(fetchFailed(new Error(`redirect to another origin not followed (${status})`)));
          else if (redirectsLeft === 0) reject(fetchFailed(new Error("too many redirects")));
          else resolve(send(redirected(outgoing, status, target), redirectsLeft - 1));
          return;
        }
        if (NULL_BODY_STATUSES.has(status) || method === "HEAD") {
          response.resume();
          settled = true;
          release();
          resolve(new PlatformResponse(null, { status, statusText: response.statusMessage ?? "", headers: responseHeaders(response) }));
          return;
        }
        const responseInit: ResponseHeadInit = {
          status,
          statusText: response.statusMessage ?? "",
          headers: () => responseHeaders(response),
          header: (name) => headerValue(response.headers[name]),
        };
        const source = decodedBody(response);
        if (String(response.headers["content-type"] ?? "").startsWith("text/event-stream")) {
          settled = true;
          const chunks = bodyChunks(source, response, release);
          const streamed = new StreamedResponse(() => webStream(chunks), responseInit, url.href) as unknown as Response;
          nodeBodies.set(streamed, chunks);
          resolve(streamed);
          return;
        }
        readWhole(source, response).then(
          (whole) => {
            if (settled) return;
            settled = true;
            release();
            resolve(new BufferedResponse(whole, responseInit, url.href) as unknown as Response);
          },
          (error: unknown) => fail(signal?.aborted ? abortReason(signal) : new TypeError("terminated", { cause: error })),
        );
      });
      request.end(body ?? undefined);
    });
  }

  const fetchFunction = function upstreamFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const body = simpleBody(init.body);
    if (input instanceof Request || (body === undefined && init.body !== undefined && init.body !== null)) {
      return readOutgoing(input, init).then((outgoing) => send(outgoing, MAX_REDIRECTS));
    }
    let url: URL;
    try {
      url = typeof input === "string" ? parsedUrl(input) : input;
    } catch (error) {
      return Promise.reject(new TypeError("Invalid URL", { cause: error }));
    }
    const outgoing: Outgoing = { url, method: (init.method ?? "GET").toUpperCase(), headers: headerRecord(init.headers), body, signal: init.signal ?? undefined, redirect: init.redirect ?? "follow" };
    return send(outgoing, MAX_REDIRECTS);
  } as typeof fetch;
  watchingFetches.add(fetchFunction);
  return fetchFunction;
}

/**
 * The process-wide instance provider clients use when a call context brings no `fetch`: public
 * destinations only. The gateway hands every call its own instance built from the settings.
 */
export const upstreamFetch: typeof fetch = createUpstreamFetch();
