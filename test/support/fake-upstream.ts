/**
 * A real local HTTP server that speaks the OpenAI, DeepSeek and Anthropic wire formats, scripted
 * per API key, for tests that drive adapters, the router and the whole gateway over real HTTP.
 *
 * ```ts
 * const upstream = await startFakeUpstream();
 * upstream.script("sk-primary", [reply.rateLimited({ retryAfterSeconds: 7 }), reply.ok({ content: "hi" })]);
 * upstream.always("sk-revoked", reply.invalidKey());
 * // base URLs as stored in t_ai_providers:
 * upstream.baseUrlFor("openai");    // http://127.0.0.1:PORT/v1
 * upstream.baseUrlFor("deepseek");  // http://127.0.0.1:PORT
 * upstream.baseUrlFor("anthropic"); // http://127.0.0.1:PORT
 * // … call the gateway …
 * expect(upstream.requestsFor("sk-primary")).toHaveLength(2);
 * await upstream.close();
 * ```
 *
 * Routes: `POST /v1/chat/completions` (OpenAI; DeepSeek when the model starts with `deepseek`),
 * `POST /chat/completions` (DeepSeek), `POST /v1/messages` and `POST /v1/messages/count_tokens`
 * (Anthropic), `POST /v1/responses` (OpenAI Responses), `GET /v1/models`
 * (Anthropic when an `anthropic-version` header is present, else OpenAI), `GET /models` (DeepSeek).
 * A key with nothing scripted gets an echo answer (`Echo: <last user text>`) with
 * {@link fakeDefaultUsage}. Malformed requests get the 400 the real API would send (Anthropic
 * without `max_tokens` or with a `system` role, OpenAI `stream_options` without `stream`, …).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { anthropicRenderer } from "./fake-upstream-anthropic";
import type { DialectRenderer, FakeUpstreamDialect, RecordedUpstreamRequest, RenderedError } from "./fake-upstream-answer";
import { openAIRenderer } from "./fake-upstream-openai";
import { responsesRenderer } from "./fake-upstream-responses";
import type { AnswerStep, FakeUpstreamStep, HangStep, RawStep } from "./fake-upstream-steps";

export { fakeDefaultUsage, reply } from "./fake-upstream-steps";
export type * from "./fake-upstream-steps";
export type { FakeUpstreamDialect, RecordedUpstreamRequest } from "./fake-upstream-answer";

/** A running fake upstream. */
export interface FakeUpstream {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Every request received since start or the last `reset()`, in arrival order. */
  readonly requests: RecordedUpstreamRequest[];
  /** The provider base URL to store for a format: `<url>/v1` for OpenAI (both APIs), `<url>` otherwise. */
  baseUrlFor(format: FakeUpstreamDialect): string;
  /** Appends steps to the key's queue; each request with that key consumes one. */
  script(apiKey: string, steps: FakeUpstreamStep | FakeUpstreamStep[]): void;
  /** What the key gets whenever its queue is empty (instead of the echo answer). */
  always(apiKey: string, step: FakeUpstreamStep): void;
  /** Like `always`, but the step is chosen per request (e.g. "a tool result came back: answer with it"). */
  respond(apiKey: string, choose: (request: RecordedUpstreamRequest) => FakeUpstreamStep): void;
  /** Steps still queued for a key. */
  pending(apiKey: string): number;
  /** Requests made with a key. */
  requestsFor(apiKey: string): RecordedUpstreamRequest[];
  /** Resolves once `count` requests have arrived (all keys), e.g. to know a hung call is in flight. */
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  /** Clears queues, defaults and recorded requests. */
  reset(): void;
  /** Stops the server, dropping hung and in-flight connections. */
  close(): Promise<void>;
}

const renderers: Record<FakeUpstreamDialect, DialectRenderer> = {
  openai: openAIRenderer("openai"),
  deepseek: openAIRenderer("deepseek"),
  anthropic: anthropicRenderer,
  responses: responsesRenderer,
};

/** Starts a fake upstream on 127.0.0.1 with a free port. */
export async function startFakeUpstream(): Promise<FakeUpstream> {
  const queues = new Map<string, FakeUpstreamStep[]>();
  const defaults = new Map<string, FakeUpstreamStep>();
  const responders = new Map<string, (request: RecordedUpstreamRequest) => FakeUpstreamStep>();
  const requests: RecordedUpstreamRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const arrivalWaiters = new Set<() => void>();
  /** Responses a `cut` step destroyed on purpose (not a client disconnect). */
  const cutResponses = new WeakSet<ServerResponse>();
  const cut = (response: ServerResponse) => {
    cutResponses.add(response);
    response.socket?.destroy();
  };
  let sequence = 0;

  const sleep = (milliseconds: number, response: ServerResponse) =>
    new Promise<void>((resolve) => {
      if (milliseconds <= 0 || response.destroyed) return resolve();
      const finish = () => {
        clearTimeout(timer);
        timers.delete(timer);
        response.off("close", finish);
        resolve();
      };
      const timer = setTimeout(finish, milliseconds);
      timers.add(timer);
      response.once("close", finish);
    });

  const nextStep = (apiKey: string | undefined, request: RecordedUpstreamRequest): FakeUpstreamStep => {
    const queue = apiKey ? queues.get(apiKey) : undefined;
    const responder = apiKey ? responders.get(apiKey) : undefined;
    return queue?.shift() ?? responder?.(request) ?? (apiKey ? defaults.get(apiKey) : undefined) ?? { kind: "ok" };
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawBody = await readBody(request);
    const path = (request.url ?? "/").split("?")[0];
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(", ") : (value ?? "")]));
    let body: any;
    let bodyIsJson = true;
    try {
      body = rawBody === "" ? undefined : JSON.parse(rawBody);
    } catch {
      bodyIsJson = false;
    }
    const recorded: RecordedUpstreamRequest = {
      sequence: ++sequence,
      method: request.method ?? "GET",
      path,
      dialect: dialectOf(path, headers, body),
      apiKey: apiKeyOf(headers),
      headers,
      body,
      rawBody,
      stream: body?.stream === true,
      receivedAt: Date.now(),
      clientClosed: false,
      clientPort: request.socket.remotePort ?? 0,
    };
    requests.push(recorded);
    for (const waiter of arrivalWaiters) waiter();
    response.once("close", () => {
      if (!response.writableFinished && !cutResponses.has(response)) recorded.clientClosed = true;
    });

    const renderer = renderers[recorded.dialect];
    const requestId = `req_fake_${recorded.sequence}`;
    const sendError = (error: RenderedError, extraHeaders: Record<string, string> = {}) =>
      sendJson(response, error.status, error.body, { [renderer.requestIdHeader]: requestId, ...error.headers, ...extraHeaders });

    const route = routeOf(recorded);
    if (!bodyIsJson) return sendError(renderer.error({ kind: "error", status: 400, message: "request body is not valid JSON" }, recorded));
    if (!route) return sendError(renderer.error({ kind: "error", status: 404, message: `unknown route ${recorded.method} ${path}` }, recorded));
    if (!recorded.apiKey) return sendError(renderer.error({ kind: "error", preset: "invalid_key" }, recorded));

    const step = nextStep(recorded.apiKey, recorded);
    await sleep(step.delayMs ?? 0, response);
    if (response.destroyed) return;
    const stepHeaders = { [renderer.requestIdHeader]: requestId, ...step.headers };

    if (step.kind === "error") return sendError(renderer.error(step, recorded), step.headers);
    if (step.kind === "hang") return hang(step, response, stepHeaders);
    if (step.kind === "raw") return sendRaw(step, response, stepHeaders);
    if (route === "models") return sendJson(response, 200, renderer.models(step), stepHeaders);
    if (route === "embeddings") return sendJson(response, 200, embeddingsAnswer(recorded, step), stepHeaders);
    if (route === "count_tokens") return sendJson(response, 200, countTokensAnswer(recorded, step), stepHeaders);

    const invalid = renderer.validate(recorded);
    if (invalid) return sendError(invalid);
    if (recorded.stream) return sendStream(step, recorded, renderer, response, stepHeaders);
    return sendAnswerJson(step, recorded, renderer, response, stepHeaders);
  }

  async function sendStream(step: AnswerStep, recorded: RecordedUpstreamRequest, renderer: DialectRenderer, response: ServerResponse, headers: Record<string, string>) {
    const { events, terminalEvents } = renderer.answer(step, recorded);
    response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive", ...headers });
    response.flushHeaders();
    for (let index = 0; index < (step.keepAlives ?? 0); index++) {
      write(response, ": keep-alive\n\n");
      await sleep(step.keepAliveIntervalMs ?? 5, response);
    }
    const count =
      step.kind === "ok" ? events.length : step.kind === "truncate" ? (step.afterEvents ?? events.length - terminalEvents) : (step.afterEvents ?? 2);
    for (const event of events.slice(0, count)) {
      if (response.destroyed) return;
      write(response, event);
      await sleep(step.chunkDelayMs ?? 0, response);
    }
    if (step.kind === "cut") return cut(response);
    if (step.kind === "stream-error") write(response, renderer.streamErrorEvent(step));
    response.end();
  }

  async function sendAnswerJson(step: AnswerStep, recorded: RecordedUpstreamRequest, renderer: DialectRenderer, response: ServerResponse, headers: Record<string, string>) {
    if (step.kind === "stream-error") {
      const error = renderer.streamErrorAsHttp(step);
      return sendJson(response, error.status, error.body, { ...headers, ...error.headers });
    }
    const text = JSON.stringify(renderer.answer(step, recorded).json);
    response.writeHead(200, { "content-type": "application/json", ...headers });
    // DeepSeek keeps a queued non-streaming request alive with blank lines.
    for (let index = 0; index < (step.keepAlives ?? 0); index++) {
      write(response, "\n");
      await sleep(step.keepAliveIntervalMs ?? 5, response);
    }
    if (step.kind === "ok") return void response.end(text);
    write(response, text.slice(0, Math.floor(text.length / 2)));
    if (step.kind === "cut") return cut(response);
    response.end();
  }

  async function hang(step: HangStep, response: ServerResponse, headers: Record<string, string>) {
    if (!step.sendHeaders) return;
    response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", ...headers });
    response.flushHeaders();
    while (step.keepAliveIntervalMs && !response.destroyed) {
      await sleep(step.keepAliveIntervalMs, response);
      write(response, ": keep-alive\n\n");
    }
  }

  async function sendRaw(step: RawStep, response: ServerResponse, headers: Record<string, string>) {
    const pieces = typeof step.body === "string" ? [step.body] : step.body;
    const contentType = step.contentType ?? (typeof step.body === "string" ? "application/json" : "text/event-stream; charset=utf-8");
    response.writeHead(step.status ?? 200, { "content-type": contentType, ...headers });
    for (const piece of pieces) {
      if (response.destroyed) return;
      write(response, piece);
      await sleep(step.chunkDelayMs ?? 0, response);
    }
    response.end();
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    baseUrlFor: (format) => (format === "openai" || format === "responses" ? `${url}/v1` : url),
    script(apiKey, steps) {
      const queue = queues.get(apiKey) ?? [];
      for (const step of Array.isArray(steps) ? steps : [steps]) {
        for (let time = 0; time < (step.times ?? 1); time++) queue.push(step);
      }
      queues.set(apiKey, queue);
    },
    always: (apiKey, step) => void defaults.set(apiKey, step),
    respond: (apiKey, choose) => void responders.set(apiKey, choose),
    pending: (apiKey) => queues.get(apiKey)?.length ?? 0,
    requestsFor: (apiKey) => requests.filter((request) => request.apiKey === apiKey),
    waitForRequests(count, timeoutMs = 5000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (requests.length < count) return;
          arrivalWaiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          arrivalWaiters.delete(check);
          reject(new Error(`expected ${count} upstream requests within ${timeoutMs} ms, got ${requests.length}`));
        }, timeoutMs);
        arrivalWaiters.add(check);
        check();
      });
    },
    reset() {
      queues.clear();
      defaults.clear();
      responders.clear();
      requests.length = 0;
      sequence = 0;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function dialectOf(path: string, headers: Record<string, string>, body: any): FakeUpstreamDialect {
  if (path.startsWith("/v1/messages") || (path === "/v1/models" && headers["anthropic-version"])) return "anthropic";
  if (path === "/v1/responses") return "responses";
  if (!path.startsWith("/v1/")) return "deepseek";
  return typeof body?.model === "string" && body.model.startsWith("deepseek") ? "deepseek" : "openai";
}

function apiKeyOf(headers: Record<string, string>): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? "");
  return bearer?.[1] ?? (headers["x-api-key"] || undefined);
}

/** OpenAI's embeddings answer: one 3-dimensional vector per input, usage from the step or a quarter of the input's length. */
function embeddingsAnswer(recorded: RecordedUpstreamRequest, step: FakeUpstreamStep) {
  const inputs: unknown[] = Array.isArray(recorded.body?.input) ? recorded.body.input : [recorded.body?.input];
  const promptTokens = (step as AnswerStep).usage?.promptTokens ?? Math.ceil(JSON.stringify(recorded.body?.input ?? "").length / 4);
  return {
    object: "list",
    data: inputs.map((_input, index) => {
      const vector = [0.1 * (index + 1), -0.2, 0.3];
      // The openai SDK asks for base64 (little-endian float32s) and decodes it itself.
      const embedding = recorded.body?.encoding_format === "base64" ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector;
      return { object: "embedding", index, embedding };
    }),
    model: recorded.body?.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

/** Anthropic's count_tokens answer: the step's prompt tokens, or a quarter of the messages' JSON length. */
function countTokensAnswer(recorded: RecordedUpstreamRequest, step: FakeUpstreamStep) {
  return { input_tokens: (step as AnswerStep).usage?.promptTokens ?? Math.ceil(JSON.stringify(recorded.body?.messages ?? []).length / 4) };
}

function routeOf(request: RecordedUpstreamRequest): "chat" | "models" | "embeddings" | "count_tokens" | undefined {
  const { method, path, dialect } = request;
  if (method === "POST" && path === "/v1/messages/count_tokens" && dialect === "anthropic") return "count_tokens";
  if (method === "POST" && path === "/v1/embeddings" && dialect === "openai") return "embeddings";
  if (method === "POST" && (path === "/v1/chat/completions" || path === "/chat/completions" || (dialect === "anthropic" && path === "/v1/messages") || path === "/v1/responses")) return "chat";
  if (method === "GET" && (path === "/v1/models" || path === "/models")) return "models";
  return undefined;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function write(response: ServerResponse, text: string): void {
  if (!response.destroyed && !response.writableEnded) response.write(text);
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  if (response.destroyed) return;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(text);
}
