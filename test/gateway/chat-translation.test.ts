/**
 * Translated chat through the whole app: `/v1/chat/completions` to a Claude model (always
 * translated: the Chat door and Anthropic speak different protocols), and the envelope door
 * `/api/ai/chat/completions` (always translated) to OpenAI and DeepSeek. What each provider cannot
 * carry is a 400 naming the field and the provider, or a field listed in `x-modelgate-warnings`
 * and noted on the log row; what it can carry reaches the fake upstream as asserted.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { reply } from "../support/fake-upstream";
import { sseData, startGatewayFixture, type GatewayFixture } from "./gateway-fixtures";

const ANTHROPIC_KEY = "sk-ant-api03-gateway-translation-01";
const OPENAI_KEY = "sk-openai-gateway-translation-0001";
const DEEPSEEK_KEY = "sk-deepseek-gateway-translation-01";
const CLAUDE = "claude-sonnet-4-6";
const ENVELOPE = "/api/ai/chat/completions";
const ephemeral = { type: "ephemeral" } as const;

describe("translated chat", () => {
  let g: GatewayFixture;
  let anthropicKeyId: number;
  beforeEach(async () => {
    g = await startGatewayFixture();
    anthropicKeyId = await g.addKey("anthropic", ANTHROPIC_KEY);
    await g.addKey("openai", OPENAI_KEY);
    await g.addKey("deepseek", DEEPSEEK_KEY);
  });
  afterEach(async () => {
    await g?.close();
  });

  const lastBody = (key: string) => g.upstream.requestsFor(key).at(-1)!.body;

  it("carries structured output, prompt caching and reasoning_effort to Claude", async () => {
    const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const response = await g.chat({
      model: CLAUDE,
      cache_control: ephemeral,
      messages: [
        { role: "system", content: [{ type: "text", text: "You are a geographer.", cache_control: ephemeral }] },
        { role: "user", content: "Capital of France?", cache_control: ephemeral },
      ],
      response_format: { type: "json_schema", json_schema: { name: "answer", schema, strict: true } },
      reasoning_effort: "high",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-warnings")).toBeNull();
    const body = lastBody(ANTHROPIC_KEY);
    expect(body).toMatchObject({
      model: CLAUDE,
      cache_control: ephemeral,
      system: [{ type: "text", text: "You are a geographer.", cache_control: ephemeral }],
      messages: [{ role: "user", content: [{ type: "text", text: "Capital of France?", cache_control: ephemeral }] }],
      output_config: { effort: "high", format: { type: "json_schema", schema } },
      thinking: { type: "adaptive" },
    });
    expect(g.upstream.requestsFor(ANTHROPIC_KEY)[0].headers["anthropic-version"]).toBe("2023-06-01");
  });

  it("passes thinking and returns Claude's signed thinking, streamed and not", async () => {
    const thinkingBlocks = [{ type: "thinking" as const, thinking: "Paris, surely.", signature: "sig-gw" }];
    g.upstream.script(ANTHROPIC_KEY, [reply.ok({ content: "Paris", thinkingBlocks }), reply.ok({ content: "Paris", thinkingBlocks })]);
    const request = { model: CLAUDE, max_tokens: 4000, thinking: { type: "enabled", budget_tokens: 2048 }, messages: [{ role: "user", content: "Capital?" }] };

    const json = (await (await g.chat(request)).json()) as { choices: [{ message: Record<string, unknown> }] };
    expect(lastBody(ANTHROPIC_KEY).thinking).toEqual({ type: "enabled", budget_tokens: 2048 });
    expect(json.choices[0].message).toMatchObject({ content: "Paris", reasoning_content: "Paris, surely.", thinking_blocks: thinkingBlocks });

    const streamed = await g.chat({ ...request, stream: true });
    const deltas = sseData(await streamed.text()).flatMap((event) => (event === "[DONE]" ? [] : (event.choices ?? []).map((choice: { delta: object }) => choice.delta)));
    expect(deltas.map((delta: { reasoning_content?: string }) => delta.reasoning_content ?? "").join("")).toBe("Paris, surely.");
    expect(deltas.some((delta: { reasoning_signature?: string }) => delta.reasoning_signature === "sig-gw")).toBe(true);
  });

  it("answers n > 1 with a 400 naming the field and the provider, without blaming the key", async () => {
    const response = await g.chat({ model: CLAUDE, n: 2, messages: [{ role: "user", content: "Hi" }] });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { message: string; type: string } };
    expect(error.type).toBe("invalid_request_error");
    expect(error.message).toMatch(/^n: .*n = 2 is not supported by provider format "anthropic"$/);
    expect(g.upstream.requestsFor(ANTHROPIC_KEY)).toHaveLength(0);
    expect(await g.keyRow(anthropicKeyId)).toMatchObject({ status: "normal", consecutive_failures: 0 });
  });

  it("lists what Claude cannot take in x-modelgate-warnings and on the log row", async () => {
    const response = await g.chat({ model: CLAUDE, messages: [{ role: "user", content: "Hi" }], logprobs: true, seed: 7, frequency_penalty: 0.5 });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-warnings")).toBe("dropped=logprobs,seed,frequency_penalty");
    const body = lastBody(ANTHROPIC_KEY);
    for (const field of ["logprobs", "seed", "frequency_penalty"]) expect(body).not.toHaveProperty(field);
    const [row] = await g.logRows();
    expect(row.warnings).toContain("dropped seed: seed is not supported by Anthropic and was ignored");
  });

  it("sends temperature to Claude models that take it", async () => {
    const response = await g.chat({ model: CLAUDE, messages: [{ role: "user", content: "Hi" }], temperature: 0.4 });
    expect(response.status).toBe(200);
    expect(lastBody(ANTHROPIC_KEY).temperature).toBe(0.4);
    expect(response.headers.get("x-modelgate-warnings")).toBeNull();
  });

  it("strips the canonical extensions for OpenAI and maps thinking to reasoning_effort (envelope door)", async () => {
    const response = await g.chat(
      { model: "gpt-5-mini", thinking: { type: "enabled", budget_tokens: 5000 }, cache_control: ephemeral, messages: [{ role: "user", content: "Hi", cache_control: ephemeral }] },
      { path: ENVELOPE },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-warnings")).toBe("adjusted=thinking");
    const body = lastBody(OPENAI_KEY);
    expect(body).toMatchObject({ reasoning_effort: "high", messages: [{ role: "user", content: "Hi" }] });
    expect(JSON.stringify(body)).not.toMatch(/cache_control|"thinking"/);
  });

  it("sends developer as system and a JSON schema as JSON mode to DeepSeek (envelope door)", async () => {
    const response = await g.chat(
      {
        model: "deepseek-chat",
        messages: [{ role: "developer", content: "Answer in JSON." }, { role: "user", content: "1+1" }],
        responseFormat: { type: "json_schema", json_schema: { name: "sum", schema: { type: "object" } } },
      },
      { path: ENVELOPE },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-warnings")).toBe("emulated=response_format");
    const body = lastBody(DEEPSEEK_KEY);
    expect(body.response_format).toEqual({ type: "json_object" });
    expect(body.messages.map((message: { role: string }) => message.role)).toEqual(["system", "system", "user"]);
  });

  it("answers an image for DeepSeek with a 400 naming the field and the provider (envelope door)", async () => {
    const response = await g.chat(
      { model: "deepseek-chat", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" } }] }] },
      { path: ENVELOPE },
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: number; message: string };
    expect(body).toEqual({ code: 400, message: 'messages[0].content: "image_url" parts are not supported by provider format "deepseek", whose Chat API takes text only' });
    expect(g.upstream.requestsFor(DEEPSEEK_KEY)).toHaveLength(0);
  });

  it("serves an OpenAI-compatible server added through the admin API (envelope door)", async () => {
    const token = await g.adminToken();
    const created = async (path: string, body: object) => {
      const response = await g.request("POST", path, body, token);
      expect(response.status, path).toBe(200);
      return ((await response.json()) as { data: { id: number } }).data;
    };
    const provider = await created("/api/admin/ai-providers", { code: "ollama", name: "Ollama", baseUrl: g.upstream.baseUrlFor("openai"), apiFormat: "openai-compatible" });
    await created("/api/admin/ai-models", { providerId: provider.id, modelCode: "qwen2.5:7b", displayName: "Qwen 2.5 7B", contextWindow: 32768, maxOutputTokens: 4096, inputPricePerM: 0, outputPricePerM: 0 });
    await created(`/api/admin/ai-providers/${provider.id}/keys`, { keyName: "local", apiKey: "sk-ollama-local-key-000001" });

    const response = await g.chat({ model: "qwen2.5:7b", messages: [{ role: "user", content: "Hi", cache_control: ephemeral }] }, { path: ENVELOPE });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { content: string; provider: string } }).data).toMatchObject({ content: "Echo: Hi", provider: "ollama" });
    const [sent] = g.upstream.requestsFor("sk-ollama-local-key-000001");
    expect(sent.path).toBe("/v1/chat/completions");
    expect(sent.body.messages).toEqual([{ role: "user", content: "Hi" }]);
  });
});
