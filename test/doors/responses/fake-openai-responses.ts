/**
 * A local stand-in for OpenAI's own Responses API (`POST /v1/responses`), for the pass-through
 * side of the Responses door: it answers a response object as JSON, or as OpenAI's named SSE
 * events numbered from 0, with OpenAI-style ids (hex after the prefix), and records what it got.
 * It resolves `previous_response_id` for responses it issued itself, as OpenAI does, and answers
 * 400 `previous_response_not_found` otherwise.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** A request the fake received. */
export interface FakeResponsesRequest {
  path: string;
  authorization: string;
  /** The raw body text, byte for byte. */
  text: string;
  body: Record<string, any>;
}

/** What the next answer says. */
export interface FakeResponsesAnswer {
  text?: string;
  reasoning?: { summary: string; encrypted: string };
  usage?: { input: number; output: number };
}

/** A running fake. */
export interface FakeOpenAiResponses {
  /** `http://127.0.0.1:<port>/v1`, the provider base URL to store. */
  baseUrl: string;
  requests: FakeResponsesRequest[];
  /** Queues the next answers (default: `"Echo"`). */
  script(...answers: FakeResponsesAnswer[]): void;
  close(): Promise<void>;
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

async function readText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Starts the fake on 127.0.0.1.
 * @param forwardOthersTo where requests for other paths (`/v1/chat/completions`) are proxied, e.g. the shared fake upstream
 */
export async function startFakeOpenAiResponses(forwardOthersTo?: string): Promise<FakeOpenAiResponses> {
  const requests: FakeResponsesRequest[] = [];
  const queue: FakeResponsesAnswer[] = [];
  const issued = new Set<string>();

  const server = createServer(async (request, response) => {
    const text = await readText(request);
    if (forwardOthersTo && request.url !== "/v1/responses") {
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== "host" && name !== "content-length") as [string, string][]);
      const forwarded = await fetch(`${forwardOthersTo}${request.url}`, { method: request.method, headers, body: request.method === "GET" ? undefined : text });
      response.writeHead(forwarded.status, { "content-type": forwarded.headers.get("content-type") ?? "application/json" });
      response.end(Buffer.from(await forwarded.arrayBuffer()));
      return;
    }
    const body = JSON.parse(text) as Record<string, any>;
    requests.push({ path: request.url ?? "", authorization: request.headers.authorization ?? "", text, body });
    if (request.method !== "POST" || request.url !== "/v1/responses") {
      response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "not found", type: "invalid_request_error", param: null, code: null } }));
      return;
    }
    if (body.previous_response_id && !issued.has(body.previous_response_id)) {
      response.writeHead(400, { "content-type": "application/json" }).end(
        JSON.stringify({ error: { message: `Previous response with id '${body.previous_response_id}' not found.`, type: "invalid_request_error", param: "previous_response_id", code: "previous_response_not_found" } }),
      );
      return;
    }
    const answer = queue.shift() ?? { text: "Echo" };
    const id = `resp_${hex(24)}`;
    issued.add(id);
    const output: Record<string, any>[] = [];
    if (answer.reasoning) output.push({ id: `rs_${hex(24)}`, type: "reasoning", summary: [{ type: "summary_text", text: answer.reasoning.summary }], encrypted_content: answer.reasoning.encrypted });
    const message = { id: `msg_${hex(24)}`, type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", text: answer.text ?? "Echo", annotations: [], logprobs: [] }] };
    output.push(message);
    const usage = { input_tokens: answer.usage?.input ?? 11, input_tokens_details: { cached_tokens: 0 }, output_tokens: answer.usage?.output ?? 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: (answer.usage?.input ?? 11) + (answer.usage?.output ?? 5) };
    const shell = { id, object: "response", created_at: 1_735_689_600, model: body.model, status: "in_progress", output: [], usage: null, error: null, incomplete_details: null, instructions: body.instructions ?? null, metadata: {}, parallel_tool_calls: true, temperature: 1, top_p: 1, tool_choice: "auto", tools: [], store: body.store !== false };
    const final = { ...shell, status: "completed", output, usage };
    if (body.stream !== true) {
      response.writeHead(200, { "content-type": "application/json", "x-request-id": `req_${hex(8)}` }).end(JSON.stringify(final));
      return;
    }
    response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
    let sequence = 0;
    const send = (type: string, payload: Record<string, unknown>) => response.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...payload })}\n\n`);
    send("response.created", { response: shell });
    send("response.in_progress", { response: shell });
    output.forEach((item, index) => {
      send("response.output_item.added", { output_index: index, item: item.type === "message" ? { ...item, status: "in_progress", content: [] } : { ...item, summary: [] } });
      if (item.type === "message") {
        const at = { item_id: item.id, output_index: index, content_index: 0 };
        send("response.content_part.added", { ...at, part: { type: "output_text", text: "", annotations: [] } });
        send("response.output_text.delta", { ...at, delta: item.content[0].text, logprobs: [] });
        send("response.output_text.done", { ...at, text: item.content[0].text, logprobs: [] });
        send("response.content_part.done", { ...at, part: item.content[0] });
      }
      send("response.output_item.done", { output_index: index, item });
    });
    send("response.completed", { response: final });
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    script: (...answers) => void queue.push(...answers),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
