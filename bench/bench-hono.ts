/**
 * The benchmark's framework floor: Hono on `@hono/node-server` reading the request body and
 * answering a fixed, pre-encoded chat completion, with nothing else (no upstream call, auth,
 * limits or logging). Measured in the gateway's CPU slot, it shows what the framework alone
 * costs per request. Run as its own process; it prints `{"port":N}` on its first stdout line.
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const fixedBody = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: Math.floor(Date.now() / 1000),
  model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", content: "Hello! How can I help you today?", refusal: null }, logprobs: null, finish_reason: "stop" }],
  usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
});

const app = new Hono();
app.post("*", async (c) => {
  await c.req.arrayBuffer();
  return c.body(fixedBody, 200, { "content-type": "application/json" });
});

const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => process.stdout.write(`${JSON.stringify({ port: info.port })}\n`));
process.once("SIGTERM", () => server.close(() => process.exit(0)));
