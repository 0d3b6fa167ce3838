/**
 * Streamed answers written straight to the Node `ServerResponse`. Through @hono/node-server a
 * streamed `Response` body is a web `ReadableStream` that the server reads chunk by chunk and
 * writes out again: each SSE event crosses a web stream (several promises and a byte copy) on
 * its way to the socket, which was a fifth of the gateway's CPU on long streams. A handler
 * served through {@link withDirectResponses} may instead hand over a writer that receives the
 * `ServerResponse` once the middleware chain is done (so every late header is on it) and
 * writes the text itself. Elsewhere (Lambda, `app.request()` in tests) nothing changes: the
 * handler returns its web stream as before.
 */
import { ServerResponse, type IncomingMessage } from "node:http";
import type { Http2Bindings, HttpBindings } from "@hono/node-server";
import type { Context } from "hono";

/** Writes a whole answer to the Node response, head included; called once. */
export interface DirectWriter {
  start(outgoing: ServerResponse): void;
  /** Called instead of `start` when another response replaced this one (an error thrown after the handler). */
  abandon(): void;
}

/** @hono/node-server writes nothing for a bodiless response with this header (its X_ALREADY_SENT). */
const ALREADY_SENT = "x-hono-already-sent";

// Captured at load: @hono/node-server replaces the global Response with a lightweight one,
// which it writes out itself and without looking at the header above.
const PlatformResponse = globalThis.Response;

const SLOT = Symbol("direct response slot");

/** The per-request environment {@link withDirectResponses} gives the app. */
interface DirectEnv {
  incoming: IncomingMessage;
  outgoing: ServerResponse;
  [SLOT]: { writer?: DirectWriter };
}

type NodeFetch = (request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response>;

function directEnvOf(c: Context): DirectEnv | undefined {
  const env = c.env as Partial<DirectEnv> | undefined;
  return env?.[SLOT] && env.outgoing && !env.outgoing.headersSent ? (env as DirectEnv) : undefined;
}

/**
 * The response that hands `writer` the Node response, or `undefined` when this request is not
 * served through {@link withDirectResponses} (the caller then returns its web response).
 */
export function directResponse(c: Context, writer: DirectWriter): Response | undefined {
  const env = directEnvOf(c);
  if (!env || env[SLOT].writer) return undefined;
  env[SLOT].writer = writer;
  return new PlatformResponse(null, { status: 200, headers: { [ALREADY_SENT]: "1" } });
}

/**
 * True for the response {@link directResponse} made, or a copy of it. Hono copies a response's
 * headers onto the one that replaces it (`onError`'s answer to an error thrown after the
 * handler), this marker included, so the marker alone does not tell them apart.
 */
function isPlaceholder(response: Response): boolean {
  return response.status === 200 && response.body === null && response.headers.get(ALREADY_SENT) === "1";
}

/** `response` without the marker, which would make @hono/node-server write nothing for it. */
function withoutAlreadySent(response: Response): Response {
  if (!response.headers.has(ALREADY_SENT)) return response;
  const headers = new Headers(response.headers);
  headers.delete(ALREADY_SENT);
  return new PlatformResponse(response.body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * The app's `fetch` for @hono/node-server's `serve`, with direct responses: after the app
 * answered, a registered writer starts on the Node response, or is abandoned when another
 * response replaced its own, which then goes out instead (as it would on Lambda).
 */
export function withDirectResponses(fetch: NodeFetch): NodeFetch {
  return async (request, env) => {
    // HTTP/1 only: an HTTP/2 response is left to @hono/node-server.
    if (!(env.outgoing instanceof ServerResponse)) return fetch(request, env);
    const slot: DirectEnv[typeof SLOT] = {};
    const directEnv: DirectEnv = { incoming: env.incoming as IncomingMessage, outgoing: env.outgoing, [SLOT]: slot };
    const response = await fetch(request, directEnv);
    const { writer } = slot;
    if (!writer) return response;
    if (isPlaceholder(response)) {
      writer.start(directEnv.outgoing);
      return response;
    }
    writer.abandon();
    return withoutAlreadySent(response);
  };
}
