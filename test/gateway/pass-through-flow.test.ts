/**
 * Forwarded streams on the Node server, where the upstream's events are pushed to the client's
 * socket as they arrive: every byte arrives in order however slowly the client reads (a full
 * socket pauses the upstream, a drained one resumes it), an idle upstream still ends the stream
 * with the in-band error, and a client that goes away (mid-stream, or while a non-streamed answer
 * is still on its way) stops the upstream and is logged as such,
 * as does a stream whose response an error thrown after the handler replaced.
 */
import { request, type IncomingMessage } from "node:http";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { reply } from "../support/fake-upstream";
import { serveLocally } from "../support/local-node-server";
import { chatBody, sseData, startGatewayFixture, type GatewayFixture } from "./gateway-fixtures";

const KEY = "sk-flow-primary-0000000000001";

function chunk(content: string, extra: Record<string, unknown> = {}) {
  return `data: ${JSON.stringify({ id: "chatcmpl-flow", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, delta: { content }, finish_reason: null }], ...extra })}\n\n`;
}
const usageChunk = `data: ${JSON.stringify({ id: "chatcmpl-flow", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [], usage: { prompt_tokens: 4, completion_tokens: 400, total_tokens: 404 } })}\n\n`;

/** POSTs a streamed chat to the listening gateway; resolves with the response once its head arrived. */
function postStream(baseUrl: string, token: string, onRequest?: (abort: () => void) => void): Promise<IncomingMessage> {
  const url = new URL(`${baseUrl}/chat/completions`);
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` } }, resolve);
    outgoing.once("error", reject);
    onRequest?.(() => outgoing.destroy());
    outgoing.end(JSON.stringify(chatBody("gpt-4o-mini", "Hi", { stream: true })));
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("forwarded streams on the Node server", () => {
  let g: GatewayFixture;
  afterEach(async () => {
    await g?.close();
  });

  it("a client that stops reading gets every byte in order once it reads again", async () => {
    g = await startGatewayFixture();
    await g.addKey("openai", KEY);
    // About 8 MB: more than the sockets between the upstream, the gateway and the client buffer.
    const pieces = Array.from({ length: 400 }, (_, index) => chunk(`${String(index).padStart(4, "0")}:${"x".repeat(20_000)}`));
    const sent = [...pieces, usageChunk, "data: [DONE]\n\n"];
    g.upstream.script(KEY, reply.raw({ body: sent }));
    const response = await postStream(await g.listen(), await g.adminToken());
    expect(response.statusCode).toBe(200);
    const parts: Buffer[] = [];
    response.on("data", (part: Buffer) => parts.push(part));
    response.pause();
    await pause(400);
    response.resume();
    await new Promise((resolve) => response.once("end", resolve));
    // The usage chunk the client did not ask for is left out; everything else is as sent.
    expect(Buffer.concat(parts).toString()).toBe([...pieces, "data: [DONE]\n\n"].join(""));
    expect((await g.logRows()).at(-1)).toMatchObject({ status: "success", is_stream: 1, prompt_tokens: 4, completion_tokens: 400, tokens_estimated: 0 });
  });

  it("a stream read to its end leaves its upstream connection for the next request", async () => {
    g = await startGatewayFixture();
    await g.addKey("openai", KEY);
    const baseUrl = await g.listen();
    for (let round = 0; round < 3; round++) {
      // The body's end comes 20 ms after its terminal event, as a separate write.
      g.upstream.script(KEY, reply.raw({ body: [chunk(`answer ${round}`), usageChunk, "data: [DONE]\n\n"], chunkDelayMs: 20 }));
      const response = await postStream(baseUrl, await g.adminToken());
      response.resume();
      await new Promise((resolve) => response.once("end", resolve));
      // Time for the body's end to arrive, which frees the connection.
      await pause(80);
    }
    const ports = g.upstream.requestsFor(KEY).map((request) => request.clientPort);
    expect(ports).toHaveLength(3);
    expect(new Set(ports).size).toBe(1);
  });

  it("an error event after content reaches the client as the upstream sent it, and ends the stream", async () => {
    g = await startGatewayFixture();
    await g.addKey("openai", KEY);
    const errorEvent = `data: ${JSON.stringify({ error: { message: "The server had an error while processing your request", type: "server_error", code: "server_error" } })}\n\n`;
    // What follows the error event is never read.
    const sent = [chunk("partial "), chunk("answer"), errorEvent, chunk("never"), "data: [DONE]\n\n"];
    g.upstream.script(KEY, reply.raw({ body: sent, chunkDelayMs: 10 }));
    const response = await postStream(await g.listen(), await g.adminToken());
    const parts: Buffer[] = [];
    for await (const part of response) parts.push(part as Buffer);
    expect(Buffer.concat(parts).toString()).toBe(sent.slice(0, 3).join(""));
    expect((await g.logRows()).at(-1)).toMatchObject({ status: "error", is_stream: 1, error_message: "The server had an error while processing your request" });
  });

  it("an idle gap after content ends the stream with the in-band idle_timeout error", async () => {
    g = await startGatewayFixture({ gateway: { ttftTimeoutMs: 5000, idleTimeoutMs: 300 } });
    await g.addKey("openai", KEY);
    g.upstream.script(KEY, reply.ok({ content: "slow words here", chunkDelayMs: 500 }));
    const started = performance.now();
    const response = await fetch(`${await g.listen()}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await g.adminToken()}` },
      body: JSON.stringify(chatBody("gpt-4o-mini", "Hi", { stream: true })),
    });
    const events = sseData(await response.text());
    expect(events).not.toContain("[DONE]");
    expect((events.at(-1) as { error: { code: string } }).error.code).toBe("idle_timeout");
    // Ended by the idle bound, long before the upstream's last word (6 events × 500 ms).
    expect(performance.now() - started).toBeLessThan(2500);
    expect((await g.logRows()).at(-1)).toMatchObject({ status: "error", error_code: "idle_timeout", is_stream: 1 });
  });

  it("a client that goes away stops the upstream and is logged as a partial answer", async () => {
    g = await startGatewayFixture();
    await g.addKey("openai", KEY);
    // 200 events 50 ms apart: ten seconds, had the stream gone on.
    const pieces = Array.from({ length: 200 }, (_, index) => chunk(`word ${index} `));
    g.upstream.script(KEY, reply.raw({ body: [...pieces, usageChunk, "data: [DONE]\n\n"], chunkDelayMs: 50 }));
    let abort = () => {};
    const started = performance.now();
    const response = await postStream(await g.listen(), await g.adminToken(), (stop) => (abort = stop));
    await new Promise((resolve) => response.once("data", resolve));
    abort();
    await expect.poll(async () => (await g.logRows()).at(-1)?.status, { timeout: 3000 }).toBe("partial");
    expect((await g.logRows()).at(-1)).toMatchObject({ http_status: 499, error_code: "client_closed_request" });
    expect(performance.now() - started).toBeLessThan(3000);
    // The gateway closed its upstream connection instead of reading the rest.
    await expect.poll(() => g.upstream.requestsFor(KEY)[0].clientClosed, { timeout: 3000 }).toBe(true);
  });

  it("a client that leaves a non-streamed request stops the call in flight, tries no other key, and is logged as gone", async () => {
    g = await startGatewayFixture();
    await g.addKey("openai", KEY, { priority: 10 });
    const backup = "sk-flow-backup-00000000000002";
    await g.addKey("openai", backup, { priority: 1 });
    g.upstream.script(KEY, reply.hang());
    const url = new URL(`${await g.listen()}/chat/completions`);
    const outgoing = request(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${await g.adminToken()}` } });
    outgoing.once("error", () => undefined);
    outgoing.end(JSON.stringify(chatBody("gpt-4o-mini", "Hi")));
    await expect.poll(() => g.upstream.requestsFor(KEY).length, { timeout: 3000 }).toBe(1);
    outgoing.destroy();
    await expect.poll(async () => (await g.logRows()).at(-1)?.http_status, { timeout: 3000 }).toBe(499);
    expect((await g.logRows()).at(-1)).toMatchObject({ error_code: "client_closed_request", attempts: 1 });
    await expect.poll(() => g.upstream.requestsFor(KEY)[0].clientClosed, { timeout: 3000 }).toBe(true);
    expect(g.upstream.requestsFor(backup)).toHaveLength(0);
  });

  it("an error thrown after the handler reaches the client instead of the stream, which stops its upstream and logs what the client got", async () => {
    g = await startGatewayFixture();
    await g.addKey("openai", KEY);
    const pieces = Array.from({ length: 200 }, (_, index) => chunk(`word ${index} `));
    g.upstream.script(KEY, reply.raw({ body: [...pieces, usageChunk, "data: [DONE]\n\n"], chunkDelayMs: 50 }));
    // The gateway inside an app whose middleware fails once the gateway has answered.
    const outer = new Hono();
    outer.onError((_error, c) => c.json({ code: "internal_error", message: "Internal server error" }, 500));
    outer.use(async (_c, next) => {
      await next();
      throw new Error("failed after the handler");
    });
    outer.route("/", g.app);
    const server = await serveLocally(outer);
    try {
      const started = performance.now();
      const response = await fetch(`${server.origin}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${await g.adminToken()}` },
        body: JSON.stringify(chatBody("gpt-4o-mini", "Hi", { stream: true })),
        signal: AbortSignal.timeout(5000),
      });
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ code: "internal_error", message: "Internal server error" });
      expect(performance.now() - started).toBeLessThan(3000);
      await expect.poll(async () => (await g.logRows()).at(-1)?.status, { timeout: 3000 }).toBe("error");
      expect((await g.logRows()).at(-1)).toMatchObject({ http_status: 500, error_code: "internal_error", is_stream: 1 });
      await expect.poll(() => g.upstream.requestsFor(KEY)[0].clientClosed, { timeout: 3000 }).toBe(true);
    } finally {
      await server.close();
    }
  });
});
