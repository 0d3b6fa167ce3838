/**
 * The benchmark's upstream: the smallest fast OpenAI-format server we can write on `node:http`,
 * so that "direct" measures the client and the network stack, not a fake provider's logic.
 * `POST /v1/chat/completions` answers one fixed completion, or a fixed SSE stream (role chunk,
 * five content chunks, finish, usage, `[DONE]`) when the body says `"stream":true`; the bodies
 * are pre-encoded once. Run as its own process: `node --import tsx bench/bench-upstream.ts`;
 * it prints `{"port":N}` on its first stdout line.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const created = Math.floor(Date.now() / 1000);
const model = "gpt-4o-mini";
const usage = { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 };

const completionBody = Buffer.from(
  JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: "Hello! How can I help you today?", refusal: null }, logprobs: null, finish_reason: "stop" }],
    usage,
    system_fingerprint: "fp_bench",
  }),
);

const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
  `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created, model, system_fingerprint: "fp_bench", choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] })}\n\n`;

const streamBody = Buffer.from(
  [
    chunk({ role: "assistant", content: "" }),
    ...["Hello", "! How", " can I", " help you", " today?"].map((content) => chunk({ content })),
    chunk({}, "stop"),
    `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created, model, choices: [], usage })}\n\n`,
    "data: [DONE]\n\n",
  ].join(""),
);

const modelsBody = Buffer.from(JSON.stringify({ object: "list", data: [{ id: model, object: "model", created, owned_by: "bench" }] }));

/** `"stream":true` anywhere in the body (the gateway and the load generator both write it compactly). */
const STREAM_MARKER = Buffer.from('"stream":true');

function answer(request: IncomingMessage, response: ServerResponse, body: Buffer): void {
  if (request.method === "GET") {
    response.writeHead(200, { "content-type": "application/json", "content-length": modelsBody.length });
    response.end(modelsBody);
    return;
  }
  if (body.includes(STREAM_MARKER)) {
    response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
    response.end(streamBody);
    return;
  }
  response.writeHead(200, { "content-type": "application/json", "content-length": completionBody.length });
  response.end(completionBody);
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
