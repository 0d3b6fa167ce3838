/**
 * Response headers that are only known after the handler ran (the request id echo, the
 * gateway's overhead, rate-limit counters). Hono's `c.header()` at that point rebuilds the
 * finished response around its body, and on @hono/node-server that turns its lightweight
 * response into a full web `Response` whose body is then streamed back out: several times the
 * cost of the rest of a small request. On the Node server the header goes onto the outgoing
 * `ServerResponse` instead, which Node merges into the head it writes; on other front doors
 * (Lambda, `app.request()` in tests) `c.header()` does as before.
 */
import type { ServerResponse } from "node:http";
import type { Context } from "hono";

/** The Node response of a request served by @hono/node-server (`c.env.outgoing`), if any. */
function nodeResponseOf(c: Context): ServerResponse | undefined {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  return outgoing && typeof outgoing.setHeader === "function" && !outgoing.headersSent ? outgoing : undefined;
}

/** Sets a header on the response `c` is about to send, after `next()` returned. */
export function setLateHeader(c: Context, name: string, value: string): void {
  const outgoing = nodeResponseOf(c);
  if (outgoing) outgoing.setHeader(name, value);
  else c.header(name, value);
}
