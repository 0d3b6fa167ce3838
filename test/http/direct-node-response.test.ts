/**
 * Direct responses on a real @hono/node-server: a handler's writer answers by itself once the
 * middleware chain is done, with the headers set after the handler; an error thrown after the
 * handler reaches the client instead (the writer is abandoned), as it would on Lambda.
 */
import { Hono } from "hono";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { directResponse } from "../../lib/http/direct-node-response";
import { setLateHeader } from "../../lib/http/late-header";
import { serveLocally, type LocalNodeServer } from "../support/local-node-server";

describe("direct responses on the Node server", () => {
  const calls: string[] = [];
  const app = new Hono();
  app.onError((error, c) => c.json({ error: error.message }, 500));
  app.use(async (c, next) => {
    await next();
    setLateHeader(c, "x-late", "set after the handler");
    if (c.req.header("x-fail-after")) throw new Error("failed after the handler");
  });
  app.get(
    "/stream",
    (c) =>
      directResponse(c, {
        start(outgoing) {
          calls.push("start");
          outgoing.writeHead(200, { "content-type": "text/event-stream" });
          outgoing.end("data: written by the writer\n\n");
        },
        abandon() {
          calls.push("abandon");
        },
      }) ?? c.text("the web response"),
  );
  let server: LocalNodeServer;

  beforeAll(async () => {
    server = await serveLocally(app);
  });
  afterAll(() => server.close());
  beforeEach(() => {
    calls.length = 0;
  });

  it("lets the writer answer, with the headers set after the handler", async () => {
    const response = await fetch(`${server.origin}/stream`, { signal: AbortSignal.timeout(5000) });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("data: written by the writer\n\n");
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(response.headers.get("x-late")).toBe("set after the handler");
    expect(response.headers.has("x-hono-already-sent")).toBe(false);
    expect(calls).toEqual(["start"]);
  });

  it("sends the error thrown after the handler instead of the writer's answer, and abandons the writer", async () => {
    const response = await fetch(`${server.origin}/stream`, { headers: { "x-fail-after": "1" }, signal: AbortSignal.timeout(5000) });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: "failed after the handler" });
    expect(response.headers.get("x-late")).toBe("set after the handler");
    expect(response.headers.has("x-hono-already-sent")).toBe(false);
    expect(calls).toEqual(["abandon"]);
  });

  it("leaves a request served elsewhere (no Node response) to the handler's web response", async () => {
    const response = await app.request("/stream");
    expect(await response.text()).toBe("the web response");
    expect(calls).toEqual([]);
  });
});
