/**
 * Same protocol, bytes through: what the client sends reaches the provider unchanged but for the
 * model id (and a streamed chat's usage request), and what the provider answers reaches the
 * client unchanged but for the usage chunk the client did not ask for. A 200 that is not the
 * protocol's answer fails over like any upstream failure.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { catalogueChanged } from "../../lib/catalogue/catalogue-version";
import { reply } from "../support/fake-upstream";
import { startGatewayFixture, type GatewayFixture } from "./gateway-fixtures";

const PRIMARY = "sk-pass-primary-000000000001";
const BACKUP = "sk-pass-backup-0000000000002";

function chunk(delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) {
  return `data: ${JSON.stringify({ id: "chatcmpl-raw", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
}
const usageChunk = `data: ${JSON.stringify({ id: "chatcmpl-raw", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [], usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } })}\n\n`;
const streamPieces = [chunk({ role: "assistant", content: "" }), chunk({ content: "Hel" }), chunk({ content: "lo" }), chunk({}, "stop"), usageChunk, "data: [DONE]\n\n"];

describe("pass-through", () => {
  let g: GatewayFixture;
  beforeAll(async () => {
    g = await startGatewayFixture();
    await g.addKey("openai", PRIMARY, { priority: 10 });
    await g.addKey("openai", BACKUP, { priority: 1 });
  });
  afterAll(async () => {
    await g?.close();
  });
  beforeEach(() => g.upstream.reset());

  it("sends the client's body byte for byte, with only the model id rewritten", async () => {
    const sent = '{ "zeta" : 1,"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Hi \\u00e9"}],"x_unknown":{"nested":[1,2.50,"x"]},"temperature":0.20 }';
    const response = await g.chat(sent);
    expect(response.status).toBe(200);
    const [upstream] = g.upstream.requestsFor(PRIMARY);
    expect(upstream.rawBody).toBe(sent.replace('"openai/gpt-4o-mini"', '"gpt-4o-mini"'));
  });

  it("answers with the upstream's bytes and logs its usage", async () => {
    const body = '{"id":"chatcmpl-x","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"exact  bytes"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7},"vendor_field":{"kept":true}}';
    g.upstream.script(PRIMARY, reply.raw({ body }));
    const response = await g.chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });
    expect(await response.text()).toBe(body);
    const log = (await g.logRows()).at(-1)!;
    expect(log).toMatchObject({ status: "success", prompt_tokens: 5, completion_tokens: 2, tokens_estimated: 0, door: "chat", upstream_protocol: "chat" });
  });

  it("streams asks upstream for usage and drops the usage chunk the client did not ask for", async () => {
    g.upstream.script(PRIMARY, reply.raw({ body: streamPieces }));
    const response = await g.chat({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "Hi" }] });
    expect(await response.text()).toBe(streamPieces.filter((piece) => piece !== usageChunk).join(""));
    const [upstream] = g.upstream.requestsFor(PRIMARY);
    expect(upstream.body.stream_options).toEqual({ include_usage: true });
    const log = (await g.logRows()).at(-1)!;
    expect(log).toMatchObject({ status: "success", is_stream: 1, prompt_tokens: 9, completion_tokens: 3, tokens_estimated: 0 });
  });

  it("streams keep the usage chunk for a client that asked, and send its body unchanged", async () => {
    g.upstream.script(PRIMARY, reply.raw({ body: streamPieces }));
    const sent = JSON.stringify({ model: "gpt-4o-mini", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "Hi" }] });
    const response = await g.chat(sent);
    expect(await response.text()).toBe(streamPieces.join(""));
    expect(g.upstream.requestsFor(PRIMARY)[0].rawBody).toBe(sent);
  });

  it("streams pieces that arrive apart as they came, but for an echoed key and the usage chunk not asked for", async () => {
    // Pieces 20 ms apart arrive one by one, after the held-back head: forwarded as received.
    const echo = (key: string) => chunk({ content: `key ${key} é` });
    const pieces = (key: string) => [chunk({ role: "assistant", content: "" }), chunk({ content: "Hel" }), chunk({ content: "lo ✓" }), echo(key), chunk({}, "stop"), usageChunk, "data: [DONE]\n\n"];
    for (const key of [PRIMARY, BACKUP]) g.upstream.script(key, reply.raw({ body: pieces(key), chunkDelayMs: 20 }));
    // Over a real server: the local Node server writes forwarded events straight to the socket.
    const client = await g.addClient();
    const response = await fetch(`${await g.listen()}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${client}` },
      body: JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "Hi" }] }),
    });
    const text = await response.text();
    const key = g.upstream.requests[0].apiKey!;
    expect(text).toBe(pieces(key).filter((piece) => piece !== usageChunk).join("").replace(key, "[redacted]"));
    expect(text).not.toContain(key);
  });

  it.each([
    ["a body that is not JSON", "<html>502 Bad Gateway</html>"],
    ["JSON that is not a completion", '{"status":"ok"}'],
  ])("a 200 with %s fails over to the next key and is never forwarded", async (_what, body) => {
    g.upstream.script(PRIMARY, reply.raw({ body, contentType: "text/html" }));
    const response = await g.chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0].message.content).toBe("Echo: Hi");
    expect(g.upstream.requests.map((request) => request.apiKey)).toEqual([PRIMARY, BACKUP]);
    const log = (await g.logRows()).at(-1)!;
    expect(JSON.parse(log.attempt_errors!)).toEqual([expect.objectContaining({ keyId: 1, code: "upstream_malformed" })]);
  });

  it("a streamed request answered with JSON instead of an event stream fails over", async () => {
    g.upstream.script(PRIMARY, reply.raw({ body: '{"not":"a stream"}' }));
    const response = await g.chat({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "Hi" }] });
    expect(await response.text()).toContain("[DONE]");
    expect(g.upstream.requests.map((request) => request.apiKey)).toEqual([PRIMARY, BACKUP]);
  });

  it("an upstream error that echoes the key reaches the client without it", async () => {
    // Earlier failures may have cooled the primary down: whichever key answers echoes itself.
    for (const key of [PRIMARY, BACKUP]) g.upstream.script(key, reply.error(400, { message: `Invalid request for key ${key}` }));
    const response = await g.chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toContain(PRIMARY);
    expect(text).not.toContain(BACKUP);
    expect(text).toContain("Invalid request for key");
  });
});

describe("pass-through attempt timeout", () => {
  let g: GatewayFixture;
  beforeAll(async () => {
    g = await startGatewayFixture();
    await g.addKey("openai", PRIMARY, { priority: 10 });
    await g.addKey("openai", BACKUP, { priority: 1 });
    await g.database.handle.db.updateTable("t_ai_providers").set({ timeout_ms: 300 }).where("api_format", "=", "openai").execute();
    await catalogueChanged(g.deps);
  });
  afterAll(async () => {
    await g?.close();
  });

  it("a non-streamed attempt that outlives the provider's timeout fails over, blamed on the key as a timeout", async () => {
    g.upstream.script(PRIMARY, reply.hang());
    const response = await g.chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0].message.content).toBe("Echo: Hi");
    expect(g.upstream.requests.map((request) => request.apiKey)).toEqual([PRIMARY, BACKUP]);
    const log = (await g.logRows()).at(-1)!;
    expect(log).toMatchObject({ status: "success", attempts: 2 });
    expect(JSON.parse(log.attempt_errors!)).toEqual([expect.objectContaining({ keyId: 1, kind: "transient", code: "upstream_timeout", status: 0 })]);
    await expect.poll(() => g.upstream.requestsFor(PRIMARY)[0].clientClosed, { timeout: 3000 }).toBe(true);
  });
});

describe("embeddings", () => {
  let g: GatewayFixture;
  beforeAll(async () => {
    g = await startGatewayFixture();
    await g.addKey("openai", PRIMARY);
    await g.addKey("anthropic", "sk-ant-embeddings-000000001");
    const token = await g.adminToken();
    const model = { providerId: 1, modelCode: "text-embedding-3-small", displayName: "Embedding 3 small", contextWindow: 8191, maxOutputTokens: 1, inputPricePerM: 0.02, outputPricePerM: 0 };
    expect((await g.request("POST", "/api/admin/ai-models", model, token)).status).toBe(200);
  });
  afterAll(async () => {
    await g?.close();
  });

  it("passes through to OpenAI and logs tokens and cost", async () => {
    g.upstream.script(PRIMARY, reply.ok({ usage: { promptTokens: 50_000 } }));
    const sent = JSON.stringify({ model: "text-embedding-3-small", input: ["one", "two"], encoding_format: "float" });
    const response = await g.chat(sent, { path: "/v1/embeddings" });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { data: Array<{ embedding: number[] }>; usage: { prompt_tokens: number } };
    expect(answer.data).toHaveLength(2);
    expect(g.upstream.requestsFor(PRIMARY)[0]).toMatchObject({ path: "/v1/embeddings", rawBody: sent });
    const log = (await g.logRows()).at(-1)!;
    expect(log).toMatchObject({ status: "success", door: "embeddings", prompt_tokens: 50_000, completion_tokens: 0, tokens_estimated: 0 });
    expect(Number(log.cost)).toBeCloseTo(0.001, 10);
  });

  it("answers the openai SDK's embeddings.create", async () => {
    const { default: OpenAI } = await import("openai");
    const client = new OpenAI({ baseURL: await g.listen(), apiKey: await g.addClient(), maxRetries: 0 });
    const answer = await client.embeddings.create({ model: "text-embedding-3-small", input: "hello" });
    expect(answer.data[0].embedding).toHaveLength(3);
    expect(answer.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it("refuses a model whose provider serves no embeddings, naming it", async () => {
    const response = await g.chat({ model: "claude-haiku-4-5", input: "hello" }, { path: "/v1/embeddings" });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { message: string; param: string } };
    expect(error.message).toContain("provider 'anthropic' serves no embeddings API");
    expect(error.param).toBe("model");
  });

  it("refuses a body without input with a 400 naming the field", async () => {
    const response = await g.chat({ model: "text-embedding-3-small" }, { path: "/v1/embeddings" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain("input");
  });
});
