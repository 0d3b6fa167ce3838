import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headerOf } from "../../lib/providers/shared/response-head";
import { createUpstreamFetch, takesAbortWatch } from "../../lib/providers/shared/upstream-fetch";
import { AttemptController } from "../../lib/providers/shared/attempt-controller";

/** A server whose routes exercise the fetch; it counts the connections it accepted. */
let server: Server;
let origin = "";
let connections = 0;
let closedConnections = 0;
const received: Array<{ method: string; path: string; headers: IncomingMessage["headers"]; body: string }> = [];

function route(request: IncomingMessage, response: ServerResponse, body: string): void {
  received.push({ method: request.method ?? "", path: request.url ?? "", headers: request.headers, body });
  switch (request.url) {
    case "/json":
      response.writeHead(201, { "content-type": "application/json", "x-request-id": "req_1", "x-repeated": ["one", "two"] });
      return void response.end(JSON.stringify({ echo: body, method: request.method }));
    case "/gzip":
      response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      return void response.end(gzipSync(JSON.stringify({ compressed: true })));
    case "/empty":
      response.writeHead(204);
      return void response.end();
    case "/sse":
      response.writeHead(200, { "content-type": "text/event-stream" });
      return void response.end("data: one\n\ndata: [DONE]\n\n");
    case "/sse-slow":
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write("data: first\n\n");
      return;
    case "/hang":
      return;
    case "/slow-sse":
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write("data: one\n\n");
      setTimeout(() => response.end("data: [DONE]\n\n"), 250);
      return;
    case "/cut":
      response.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      response.write('{"partial":');
      setTimeout(() => response.socket?.destroy(), 20);
      return;
    case "/moved":
      response.writeHead(307, { location: "/json" });
      return void response.end();
    default:
      response.writeHead(404, { "content-type": "application/json" });
      return void response.end(JSON.stringify({ error: { message: "not found" } }));
  }
}

beforeAll(async () => {
  server = createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on("data", (part: Buffer) => parts.push(part));
    request.on("end", () => route(request, response, Buffer.concat(parts).toString("utf8")));
  });
  server.on("connection", (socket) => {
    connections += 1;
    socket.on("close", () => (closedConnections += 1));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("upstream fetch", () => {
  const loopback = { allowPrivate: false, allowLoopback: true };
  const upstreamFetch = createUpstreamFetch({ destinations: loopback });

  it("sends method, headers and body, and answers with status, headers and a JSON body read once", async () => {
    const response = await upstreamFetch(`${origin}/json`, {
      method: "post",
      headers: new Headers({ "content-type": "application/json", authorization: "Bearer sk-test" }),
      body: '{"hello":"wörld"}',
    });
    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    // Read one by one first (no Headers built), then as Headers: the same values.
    expect(headerOf(response, "x-request-id")).toBe("req_1");
    expect(headerOf(response, "x-repeated")).toBe("one, two");
    expect(headerOf(response, "x-absent")).toBeUndefined();
    expect(response.headers.get("x-request-id")).toBe("req_1");
    expect(response.headers.get("x-repeated")).toBe("one, two");
    expect(headerOf(response, "x-repeated")).toBe("one, two");
    expect(await response.json()).toEqual({ echo: '{"hello":"wörld"}', method: "POST" });
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    const last = received.at(-1)!;
    expect(last.headers.authorization).toBe("Bearer sk-test");
    expect(last.headers["content-length"]).toBe(String(Buffer.byteLength('{"hello":"wörld"}')));
    expect(last.headers.host).toBe(new URL(origin).host);
  });

  it("sends a URL's credentials as Basic authorization unless the call brings its own, and one Host", async () => {
    const withCredentials = origin.replace("http://", "http://user:s%40cret@");
    await (await upstreamFetch(`${withCredentials}/json`, { method: "POST", body: "{}" })).text();
    expect(received.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from("user:s@cret").toString("base64")}`);
    await (await upstreamFetch(`${withCredentials}/json`, { method: "POST", headers: { Authorization: "Bearer sk-own" }, body: "{}" })).text();
    expect(received.at(-1)!.headers.authorization).toBe("Bearer sk-own");
    await (await upstreamFetch(`${origin}/json`, { headers: { Host: "upstream.example" } })).text();
    const last = received.at(-1)!;
    expect(last.headers.host).toBe("upstream.example");
    expect(last.method).toBe("GET");
    expect(last.headers["content-length"]).toBeUndefined();
  });

  it("gives a whole answer's body as a web stream: read by reader, by iteration or through a pipe, used once", async () => {
    const call = () => upstreamFetch(`${origin}/json`, { method: "POST", body: "s" });
    const expected = JSON.stringify({ echo: "s", method: "POST" });
    const decode = (chunks: Uint8Array[]) => Buffer.concat(chunks).toString();
    // Web streams are async iterable on Node; the DOM typings here do not say so.
    const iterable = <T>(stream: ReadableStream<T>) => stream as unknown as AsyncIterable<T>;

    const byReader = await call();
    expect(byReader.body).toBeInstanceOf(ReadableStream);
    expect([byReader.bodyUsed, byReader.body!.locked]).toEqual([false, false]);
    const reader = byReader.body!.getReader();
    expect([byReader.bodyUsed, byReader.body!.locked]).toEqual([true, true]);
    const chunks: Uint8Array[] = [];
    for (let step = await reader.read(); !step.done; step = await reader.read()) chunks.push(step.value);
    expect(decode(chunks)).toBe(expected);
    await expect(byReader.text()).rejects.toThrow(TypeError);

    const iterated: Uint8Array[] = [];
    for await (const chunk of iterable((await call()).body!)) iterated.push(chunk);
    expect(decode(iterated)).toBe(expected);

    const piped = (await call()).body!.pipeThrough(new TextDecoderStream());
    let text = "";
    for await (const part of iterable(piped)) text += part;
    expect(text).toBe(expected);

    // Read as text first: the stream is empty, whether it was asked for after the text was read
    // or before it (and read from only after).
    const askedAfter = await call();
    expect(await askedAfter.text()).toBe(expected);
    const askedBefore = await call();
    const early = askedBefore.body!;
    expect(await askedBefore.text()).toBe(expected);
    for (const stream of [askedAfter.body!, early]) {
      const after: Uint8Array[] = [];
      for await (const chunk of iterable(stream)) after.push(chunk);
      expect(after).toEqual([]);
    }
  });

  it("reuses one keep-alive connection for calls in sequence", async () => {
    await (await upstreamFetch(`${origin}/json`, { method: "POST", body: "a" })).text();
    const before = connections;
    for (let index = 0; index < 5; index++) await (await upstreamFetch(`${origin}/json`, { method: "POST", body: "b" })).text();
    expect(connections).toBe(before);
  });

  it("closes a connection idle in the pool after idleTimeoutMs, and never one a slower call is still using", async () => {
    const shortIdle = createUpstreamFetch({ destinations: loopback, idleTimeoutMs: 100 });
    const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const opened = connections;
    const closed = closedConnections;
    await (await shortIdle(`${origin}/json`, { method: "POST", body: "a" })).text();
    // Taken from the pool again at once, then busy for longer than the idle bound.
    expect(await (await shortIdle(`${origin}/slow-sse`, { method: "POST", body: "{}" })).text()).toBe("data: one\n\ndata: [DONE]\n\n");
    expect([connections - opened, closedConnections - closed]).toEqual([1, 0]);
    await settle(300);
    expect(closedConnections - closed).toBe(1);
    await (await shortIdle(`${origin}/json`, { method: "POST", body: "b" })).text();
    expect(connections - opened).toBe(2);
  });

  it("decodes a gzip body, gives a 204 no body, and a 404 its error body", async () => {
    expect(await (await upstreamFetch(`${origin}/gzip`)).json()).toEqual({ compressed: true });
    const empty = await upstreamFetch(`${origin}/empty`, { method: "DELETE" });
    expect([empty.status, empty.body]).toEqual([204, null]);
    const missing = await upstreamFetch(`${origin}/nowhere`);
    expect([missing.status, missing.ok]).toEqual([404, false]);
    expect(await missing.json()).toEqual({ error: { message: "not found" } });
  });

  it("streams an event stream, and a reader that stops at [DONE] leaves the connection reusable", async () => {
    await (await upstreamFetch(`${origin}/json`)).text();
    const before = connections;
    const response = await upstreamFetch(`${origin}/sse`, { method: "POST", body: "{}" });
    const reader = response.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toContain("data: [DONE]");
    await reader.cancel();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await (await upstreamFetch(`${origin}/json`)).text();
    expect(connections).toBe(before);
  });

  it("an event stream read whole reads once, like a platform response's body", async () => {
    const response = await upstreamFetch(`${origin}/sse`, { method: "POST", body: "{}" });
    expect([response.ok, response.status, response.headers.get("content-type"), response.bodyUsed]).toEqual([true, 200, "text/event-stream", false]);
    const copy = response.clone();
    expect(await response.text()).toBe("data: one\n\ndata: [DONE]\n\n");
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(await copy.text()).toBe("data: one\n\ndata: [DONE]\n\n");
  });

  it("rejects with the signal's reason when aborted before or while waiting, and errors a stream aborted mid-way", async () => {
    const aborted = new AbortController();
    aborted.abort(new Error("gone already"));
    await expect(upstreamFetch(`${origin}/json`, { signal: aborted.signal })).rejects.toThrow("gone already");

    const waiting = new AbortController();
    const pending = upstreamFetch(`${origin}/hang`, { signal: waiting.signal });
    setTimeout(() => waiting.abort(), 30);
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });

    const streaming = new AbortController();
    const response = await upstreamFetch(`${origin}/sse-slow`, { signal: streaming.signal });
    const reader = response.body!.getReader();
    await reader.read();
    streaming.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: "AbortError" });
  });

  it("takes an attempt's controller itself as the signal, and only fetches built here say they do", async () => {
    expect([takesAbortWatch(upstreamFetch), takesAbortWatch(fetch)]).toEqual([true, false]);
    const attempt = new AttemptController();
    const pending = upstreamFetch(`${origin}/hang`, { signal: attempt as unknown as AbortSignal });
    const reason = new Error("client gone");
    setTimeout(() => attempt.abort(reason), 30);
    await expect(pending).rejects.toBe(reason);
    const before = new AttemptController();
    before.abort();
    await expect(upstreamFetch(`${origin}/json`, { signal: before as unknown as AbortSignal })).rejects.toMatchObject({ name: "AbortError" });
  });

  it("fails like fetch on a refused connection and on a body cut short", async () => {
    const refused = createUpstreamFetch({ destinations: loopback });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(refused(`http://127.0.0.1:${port}/`)).rejects.toMatchObject({ name: "TypeError", message: "fetch failed" });
    await expect(upstreamFetch(`${origin}/cut`)).rejects.toBeInstanceOf(TypeError);
  });

  it("sends Request inputs and streamed bodies itself, and follows a same-origin redirect with its body", async () => {
    received.length = 0;
    expect(await (await upstreamFetch(`${origin}/moved`, { method: "POST", body: "x" })).json()).toMatchObject({ method: "POST", echo: "x" });
    expect(await (await upstreamFetch(new Request(`${origin}/json`, { method: "PUT", body: "from a request" }))).json()).toMatchObject({ method: "PUT", echo: "from a request" });
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("streamed"));
        controller.close();
      },
    });
    const streamed = await upstreamFetch(`${origin}/json`, { method: "POST", body: stream, duplex: "half" } as RequestInit);
    expect(await streamed.json()).toMatchObject({ echo: "streamed" });
    expect(received.map((call) => call.path)).toEqual(["/moved", "/json", "/json", "/json"]);
  });
});
