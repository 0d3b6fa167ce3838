/**
 * A local HTTP server that replays recorded provider responses byte for byte, at the provider's
 * real paths, scripted per API key, and records every request it received.
 *
 * ```ts
 * const upstream = await startRecordedUpstream();
 * upstream.serve("sk-anthropic", loadRecording("messages/anthropic-text.chunks.txt"));
 * upstream.baseUrlFor("anthropic"); // http://127.0.0.1:PORT (the SDK appends /v1/messages)
 * // … call the gateway …
 * upstream.requestsFor("sk-anthropic")[0].body.model;
 * ```
 *
 * A chat recording is served at `POST /v1/chat/completions` (OpenAI) and `POST /chat/completions`
 * (DeepSeek), a messages recording at `POST /v1/messages` (query string ignored), a responses
 * recording at `POST /v1/responses`. A request at another path, with no recording queued for
 * its key, or whose `stream` flag does not match the recording gets a 4xx whose body says so, so
 * a misrouted gateway call fails loudly instead of receiving the wrong bytes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { RecordedProtocol, Recording } from "./recorded-fixtures";

/** A request as the replay server received it. */
export interface ReplayedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** The query string without `?` ("" when absent). */
  query: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** The key from `Authorization: Bearer …` or `x-api-key`. */
  apiKey: string | undefined;
  /** The body exactly as received. */
  rawBody: string;
  /** The parsed JSON body (undefined when empty or not JSON). */
  body: any;
  /** The recording that answered it (undefined when it was refused). */
  servedFile: string | undefined;
}

/** How a queued recording is served. */
export interface ServeOptions {
  /** Milliseconds between SSE events. @default 0 */
  eventDelayMs?: number;
  /**
   * Write the body in pieces of this many bytes instead of event by event, cutting through
   * events, lines and multi-byte characters the way a network may deliver them.
   */
  pieceBytes?: number;
  /** Destroy the connection after this many SSE events (an upstream that dies mid-answer). */
  cutAfterEvents?: number;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

/** A running replay server. */
export interface RecordedUpstream {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Every request received, in arrival order. */
  readonly requests: ReplayedRequest[];
  /** The provider base URL to store for a format: `<url>/v1` for OpenAI, `<url>` otherwise. */
  baseUrlFor(format: "openai" | "anthropic" | "deepseek"): string;
  /** Queues a recording for a key; each request with that key consumes one. */
  serve(apiKey: string, recording: Recording, options?: ServeOptions): void;
  /** Recordings still queued for a key. */
  pending(apiKey: string): number;
  /** Requests made with a key. */
  requestsFor(apiKey: string): ReplayedRequest[];
  /** Stops the server. */
  close(): Promise<void>;
}

/** The provider paths each recorded protocol is served at. */
export const replayPaths: Readonly<Record<RecordedProtocol, readonly string[]>> = {
  chat: ["/v1/chat/completions", "/chat/completions"],
  messages: ["/v1/messages"],
  responses: ["/v1/responses"],
};

interface QueuedReply {
  recording: Recording;
  options: ServeOptions;
}

/** Starts a replay server on 127.0.0.1 with a free port. */
export async function startRecordedUpstream(): Promise<RecordedUpstream> {
  const queues = new Map<string, QueuedReply[]>();
  const requests: ReplayedRequest[] = [];

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawBody = await readBody(request);
    const [path, query = ""] = (request.url ?? "/").split("?", 2) as [string, string?];
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(", ") : (value ?? "")]));
    let body: any;
    try {
      body = rawBody === "" ? undefined : JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
    const recorded: ReplayedRequest = { method: request.method ?? "GET", path, query, headers, apiKey: apiKeyOf(headers), rawBody, body, servedFile: undefined };
    requests.push(recorded);

    const queued = recorded.apiKey ? queues.get(recorded.apiKey)?.shift() : undefined;
    if (!queued) return refuse(response, 401, `no recording queued for key ${recorded.apiKey ?? "(none)"}`);
    const { recording, options } = queued;
    if (recorded.method !== "POST" || !replayPaths[recording.protocol].includes(path)) {
      return refuse(response, 404, `${recording.file} is a ${recording.protocol} recording, not an answer to ${recorded.method} ${path}`);
    }
    if ((body?.stream === true) !== recording.stream) {
      return refuse(response, 400, `${recording.file} is ${recording.stream ? "a stream" : "a JSON body"}, the request asked stream=${String(body?.stream)}`);
    }
    recorded.servedFile = recording.file;
    const requestIdHeader = recording.protocol === "messages" ? "request-id" : "x-request-id";
    response.writeHead(recording.status, {
      "content-type": recording.contentType,
      [requestIdHeader]: `req_replay_${requests.length}`,
      ...(recording.stream ? { "cache-control": "no-cache", connection: "keep-alive" } : {}),
      ...options.headers,
    });
    if (!recording.stream && !options.pieceBytes) return void response.end(recording.body);
    response.flushHeaders();
    if (options.pieceBytes) return writePieces(response, Buffer.from(recording.body, "utf8"), options.pieceBytes);
    for (const [index, event] of recording.events.entries()) {
      if (response.destroyed) return;
      if (index === options.cutAfterEvents) {
        // Let what was written reach the client before the connection dies.
        await new Promise<void>((resolve) => response.write("", () => resolve()));
        return void response.socket?.destroy();
      }
      response.write(event);
      if (options.eventDelayMs) await new Promise((resolve) => setTimeout(resolve, options.eventDelayMs));
    }
    response.end();
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    baseUrlFor: (format) => (format === "openai" ? `${url}/v1` : url),
    serve(apiKey, recording, options = {}) {
      const queue = queues.get(apiKey) ?? [];
      queue.push({ recording, options });
      queues.set(apiKey, queue);
    },
    pending: (apiKey) => queues.get(apiKey)?.length ?? 0,
    requestsFor: (apiKey) => requests.filter((request) => request.apiKey === apiKey),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function writePieces(response: ServerResponse, bytes: Buffer, pieceBytes: number): Promise<void> {
  for (let offset = 0; offset < bytes.length; offset += pieceBytes) {
    if (response.destroyed) return;
    response.write(bytes.subarray(offset, offset + pieceBytes));
    // Yield so each piece leaves as its own write.
    await new Promise((resolve) => setImmediate(resolve));
  }
  response.end();
}

function refuse(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify({ error: { type: "recorded_upstream_error", message } }));
}

function apiKeyOf(headers: Record<string, string>): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? "");
  return bearer?.[1] ?? (headers["x-api-key"] || undefined);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
