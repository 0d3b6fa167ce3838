/**
 * The benchmark's upstream: the fastest provider we can write on `node:http`, so that "direct"
 * measures the client and the network stack, not a fake provider's logic. Every body is
 * pre-encoded once; the route is chosen by the end of the path, so the same process serves each
 * provider format at the base URL that format expects:
 * - `…/chat/completions` (OpenAI, DeepSeek): one fixed completion, or a fixed SSE stream (role
 *   chunk, five content chunks, finish, usage, `[DONE]`) when the body says `"stream":true`; with
 *   `"bench_paced":true` as well (bench-stream-shape.ts), a paced stream of exactly {@link PACED_CHUNKS} content chunks
 *   {@link PACED_INTERVAL_MS} ms apart (the first one at once).
 * - `…/v1/messages` (Anthropic): one fixed Message, or its SSE event sequence when streamed.
 * - `…/responses` (OpenAI Responses): one fixed Response.
 * Run as its own process: `node --import tsx bench/bench-upstream.ts`; it prints `{"port":N}` on
 * its first stdout line.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { PACED_CHUNKS, PACED_FIELD, PACED_INTERVAL_MS } from "./bench-stream-shape";


const created = Math.floor(Date.now() / 1000);
const model = "gpt-4o-mini";
const usage = { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 };
const answerText = "Hello! How can I help you today?";

const completionBody = Buffer.from(
  JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: answerText, refusal: null }, logprobs: null, finish_reason: "stop" }],
    usage,
    system_fingerprint: "fp_bench",
  }),
);

const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
  `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created, model, system_fingerprint: "fp_bench", choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] })}\n\n`;
const streamTail = [chunk({}, "stop"), `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created, model, choices: [], usage })}\n\n`, "data: [DONE]\n\n"].join("");

const streamBody = Buffer.from([chunk({ role: "assistant", content: "" }), ...["Hello", "! How", " can I", " help you", " today?"].map((content) => chunk({ content })), streamTail].join(""));

const pacedContent = Buffer.from(chunk({ content: "tok " }));
const pacedHead = Buffer.concat([Buffer.from(chunk({ role: "assistant", content: "" })), pacedContent]);
const pacedLast = Buffer.concat([pacedContent, Buffer.from(streamTail)]);

const messageUsage = { input_tokens: 12, output_tokens: 9, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
const messageBody = Buffer.from(
  JSON.stringify({
    id: "msg_bench",
    type: "message",
    role: "assistant",
    model: "claude-haiku-4-5",
    content: [{ type: "text", text: answerText }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: messageUsage,
  }),
);
const event = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const messageStreamBody = Buffer.from(
  [
    event("message_start", { message: { id: "msg_bench", type: "message", role: "assistant", model: "claude-haiku-4-5", content: [], stop_reason: null, stop_sequence: null, usage: { ...messageUsage, output_tokens: 1 } } }),
    event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
    ...["Hello", "! How", " can I", " help you", " today?"].map((text) => event("content_block_delta", { index: 0, delta: { type: "text_delta", text } })),
    event("content_block_stop", { index: 0 }),
    event("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 9 } }),
    event("message_stop", {}),
  ].join(""),
);

const responseBody = Buffer.from(
  JSON.stringify({
    id: "resp_bench",
    object: "response",
    created_at: created,
    status: "completed",
    error: null,
    incomplete_details: null,
    model,
    output: [{ type: "message", id: "msg_bench", status: "completed", role: "assistant", content: [{ type: "output_text", text: answerText, annotations: [] }] }],
    parallel_tool_calls: true,
    tool_choice: "auto",
    tools: [],
    usage: { input_tokens: 12, input_tokens_details: { cached_tokens: 0 }, output_tokens: 9, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 21 },
  }),
);

const modelsBody = Buffer.from(JSON.stringify({ object: "list", data: [{ id: model, object: "model", created, owned_by: "bench" }] }));

/** Markers looked for in the raw body (the gateway and the load generator both write JSON compactly). */
const STREAM_MARKER = Buffer.from('"stream":true');
const PACED_BODY_MARKER = Buffer.from(`"${PACED_FIELD}":true`);

function send(response: ServerResponse, contentType: string, body: Buffer): void {
  response.writeHead(200, { "content-type": contentType, "content-length": body.length });
  response.end(body);
}

function sendStream(response: ServerResponse, body: Buffer): void {
  response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
  response.end(body);
}

/** The paced stream: one chunk at once, the others on their own timers, the tail with the last one. */
function sendPaced(response: ServerResponse): void {
  response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
  response.write(pacedHead);
  let sent = 1;
  let timer: NodeJS.Timeout | undefined;
  const next = () => {
    sent += 1;
    if (sent === PACED_CHUNKS) {
      response.end(pacedLast);
      return;
    }
    response.write(pacedContent);
    timer = setTimeout(next, PACED_INTERVAL_MS);
  };
  timer = setTimeout(next, PACED_INTERVAL_MS);
  response.once("close", () => clearTimeout(timer));
}

function answer(request: IncomingMessage, response: ServerResponse, body: Buffer): void {
  const path = request.url ?? "";
  if (request.method === "GET") return send(response, "application/json", modelsBody);
  const streamed = body.includes(STREAM_MARKER);
  if (path.endsWith("/messages")) return streamed ? sendStream(response, messageStreamBody) : send(response, "application/json", messageBody);
  if (path.endsWith("/responses")) return send(response, "application/json", responseBody);
  if (!streamed) return send(response, "application/json", completionBody);
  if (body.includes(PACED_BODY_MARKER)) return sendPaced(response);
  sendStream(response, streamBody);
}

const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
  const parts: Buffer[] = [];
  request.on("data", (part: Buffer) => parts.push(part));
  request.on("end", () => answer(request, response, parts.length === 1 ? parts[0] : Buffer.concat(parts)));
});
server.listen(Number(process.env.BENCH_UPSTREAM_PORT ?? 0), "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.once("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
