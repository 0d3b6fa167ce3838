import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fakeDefaultUsage, reply, startFakeUpstream, type FakeUpstream } from "../support/fake-upstream";

let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());

async function post(path: string, key: string | undefined, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(upstream.url + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const chat = { model: "gpt-4o-mini", messages: [{ role: "user", content: "ping" }] };

describe("fake upstream", () => {
  it("consumes a key's script in order, then falls back to the echo answer", async () => {
    upstream.script("sk-a", [{ kind: "error", status: 429, body: { error: { message: "slow down", type: "requests", code: "rate_limit_exceeded" } }, headers: { "retry-after": "7" } }, { kind: "ok", content: "fine" }]);
    expect(upstream.pending("sk-a")).toBe(2);

    const limited = await post("/v1/chat/completions", "sk-a", chat);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(limited.headers.get("x-request-id")).toBe("req_fake_1");
    expect(JSON.parse(limited.text).error.message).toBe("slow down");

    expect(JSON.parse((await post("/v1/chat/completions", "sk-a", chat)).text).choices[0].message.content).toBe("fine");
    const echo = JSON.parse((await post("/v1/chat/completions", "sk-a", chat)).text);
    expect(echo.choices[0].message.content).toBe("Echo: ping");
    expect(echo.usage.prompt_tokens).toBe(fakeDefaultUsage.promptTokens);
    expect(upstream.pending("sk-a")).toBe(0);
  });

  it("keeps scripts per key, repeats steps with times, and honours always()", async () => {
    upstream.script("sk-b", { ...reply.serverError(), times: 2 });
    upstream.always("sk-c", reply.invalidKey());
    expect((await post("/v1/chat/completions", "sk-c", chat)).status).toBe(401);
    expect((await post("/v1/chat/completions", "sk-b", chat)).status).toBe(500);
    expect((await post("/v1/chat/completions", "sk-b", chat)).status).toBe(500);
    expect((await post("/v1/chat/completions", "sk-b", chat)).status).toBe(200);
    expect((await post("/v1/chat/completions", "sk-c", chat)).status).toBe(401);
    expect(upstream.requestsFor("sk-b")).toHaveLength(3);
  });

  it("records requests with dialect, key and parsed body", async () => {
    await post("/v1/messages", undefined, { model: "claude-sonnet-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }, { "x-api-key": "sk-ant-x", "anthropic-version": "2023-06-01" });
    await post("/chat/completions", "sk-d", { ...chat, model: "deepseek-chat", stream: true });
    expect(upstream.requests.map(({ dialect, apiKey, path, stream }) => ({ dialect, apiKey, path, stream }))).toEqual([
      { dialect: "anthropic", apiKey: "sk-ant-x", path: "/v1/messages", stream: false },
      { dialect: "deepseek", apiKey: "sk-d", path: "/chat/completions", stream: true },
    ]);
    expect(upstream.requests[0].body.max_tokens).toBe(10);
  });

  it("answers like the real APIs for requests they would reject", async () => {
    expect((await post("/v1/chat/completions", undefined, chat)).status).toBe(401);
    const noMaxTokens = await post("/v1/messages", "sk-e", { model: "claude-sonnet-5", messages: [] }, { "anthropic-version": "2023-06-01" });
    expect(noMaxTokens.status).toBe(400);
    expect(JSON.parse(noMaxTokens.text)).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: "max_tokens: Field required" } });
    expect(noMaxTokens.headers.get("request-id")).toBeTruthy();
    expect((await post("/v1/chat/completions", "sk-e", { ...chat, stream_options: { include_usage: true } })).status).toBe(400);
    expect((await post("/v1/unknown", "sk-e", chat)).status).toBe(404);
  });

  it("streams OpenAI SSE with [DONE], and includes usage only when asked", async () => {
    const withUsage = await post("/v1/chat/completions", "sk-f", { ...chat, stream: true, stream_options: { include_usage: true } });
    expect(withUsage.headers.get("content-type")).toContain("text/event-stream");
    expect(withUsage.text.trim().endsWith("data: [DONE]")).toBe(true);
    expect(withUsage.text).toContain('"choices":[],"usage":{"prompt_tokens":12');
    const withoutUsage = await post("/v1/chat/completions", "sk-f", { ...chat, stream: true });
    expect(withoutUsage.text).not.toContain('"usage"');
  });

  it("frees hung requests on close", async () => {
    const other = await startFakeUpstream();
    other.always("sk-hang", reply.hang());
    const pending = fetch(other.url + "/v1/chat/completions", { method: "POST", headers: { authorization: "Bearer sk-hang" }, body: JSON.stringify(chat) }).catch((error: unknown) => error);
    await other.waitForRequests(1);
    await other.close();
    expect(await pending).toBeInstanceOf(Error);
  });

  it("lists models per dialect", async () => {
    const openai = await fetch(upstream.url + "/v1/models", { headers: { authorization: "Bearer sk-g" } });
    expect((await openai.json()).object).toBe("list");
    const anthropic = await fetch(upstream.url + "/v1/models", { headers: { "x-api-key": "sk-g", "anthropic-version": "2023-06-01" } });
    expect((await anthropic.json()).has_more).toBe(false);
    upstream.script("sk-g", reply.ok({ models: ["deepseek-chat"] }));
    const deepseek = await fetch(upstream.url + "/models", { headers: { authorization: "Bearer sk-g" } });
    expect((await deepseek.json()).data.map((model: { id: string }) => model.id)).toEqual(["deepseek-chat"]);
  });
});

describe("fake upstream as the real APIs refuse", () => {
  const claude = { model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "ping" }] };
  const anthropic = (version: string) => ({ "x-api-key": "sk-ant-fake", "anthropic-version": version });

  it("refuses sampling parameters from API version 2026-10-21 on (the 1.x SDK's default)", async () => {
    const newer = await post("/v1/messages", undefined, { ...claude, temperature: 0.5 }, anthropic("2026-10-21"));
    expect(newer.status).toBe(400);
    expect(JSON.parse(newer.text).error.message).toBe("temperature: Extra inputs are not permitted");
    expect((await post("/v1/messages", undefined, { ...claude, temperature: 0.5 }, anthropic("2023-06-01"))).status).toBe(200);
  });

  it("refuses a thinking budget at or above max_tokens, and thinking with a forced tool", async () => {
    expect((await post("/v1/messages", undefined, { ...claude, thinking: { type: "enabled", budget_tokens: 1024 } }, anthropic("2023-06-01"))).status).toBe(400);
    const forced = { ...claude, max_tokens: 4096, thinking: { type: "adaptive" }, tools: [{ name: "f", input_schema: { type: "object" } }], tool_choice: { type: "any" } };
    expect((await post("/v1/messages", undefined, forced, anthropic("2023-06-01"))).status).toBe(400);
  });

  it("refuses Anthropic-style fields on OpenAI, and developer messages and images on DeepSeek", async () => {
    expect((await post("/v1/chat/completions", "sk-o", { ...chat, thinking: { type: "enabled" } })).status).toBe(400);
    expect((await post("/v1/chat/completions", "sk-o", { ...chat, messages: [{ role: "user", content: "x", cache_control: { type: "ephemeral" } }] })).status).toBe(400);
    expect((await post("/chat/completions", "sk-d", { model: "deepseek-chat", messages: [{ role: "developer", content: "x" }] })).status).toBe(400);
    const image = { model: "deepseek-chat", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" } }] }] };
    expect((await post("/chat/completions", "sk-d", image)).status).toBe(400);
    expect((await post("/chat/completions", "sk-d", { model: "deepseek-chat", messages: chat.messages })).status).toBe(200);
  });
});
