/**
 * `@ai-sdk/anthropic` pointed at the gateway (`createAnthropic({ baseURL: <gateway>/v1 })`) with
 * `generateText` and `streamText` from `ai`, against a model of every provider: translated for
 * OpenAI and DeepSeek, passed through for Anthropic. A two-step tool loop proves tool calls and
 * results survive each path.
 */
import { createAnthropic } from "@ai-sdk/anthropic";
import { generateText, jsonSchema, stepCountIs, streamText, tool } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { reply } from "../../support/fake-upstream";
import { startGatewayFixture, type GatewayFixture } from "../../gateway/gateway-fixtures";

const KEYS = {
  openai: "sk-openai-ai-sdk-key-000000001",
  deepseek: "sk-deepseek-ai-sdk-key-0000002",
  anthropic: "sk-ant-ai-sdk-key-00000000003",
} as const;

const models: Array<[keyof typeof KEYS, string, string]> = [
  ["openai", "gpt-4o-mini", "canonical"],
  ["deepseek", "deepseek-chat", "canonical"],
  ["anthropic", "claude-haiku-4-5", "messages"],
];

describe("@ai-sdk/anthropic against the Messages door", () => {
  let g: GatewayFixture;
  let anthropic: ReturnType<typeof createAnthropic>;

  beforeAll(async () => {
    g = await startGatewayFixture();
    for (const [provider, key] of Object.entries(KEYS)) await g.addKey(provider, key);
    const apiKey = await g.addClient({ name: "ai-sdk-app" });
    anthropic = createAnthropic({ baseURL: await g.listen(), apiKey });
  });
  afterAll(async () => {
    await g?.close();
  });
  beforeEach(() => g.upstream.reset());

  const weather = tool({
    description: "Weather by city",
    inputSchema: jsonSchema<{ city: string }>({ type: "object", properties: { city: { type: "string" } }, required: ["city"] }),
    execute: async ({ city }) => `sunny in ${city}`,
  });

  for (const [provider, model, upstreamProtocol] of models) {
    it(`generateText with a tool loop on ${model}`, async () => {
      const key = KEYS[provider];
      g.upstream.script(key, [reply.toolCall("weather", { city: "Lisbon" }), reply.ok({ content: "Lisbon is sunny.", usage: { promptTokens: 50, completionTokens: 6 } })]);
      const result = await generateText({ model: anthropic(model), prompt: "Weather in Lisbon?", tools: { weather }, stopWhen: stepCountIs(3), maxOutputTokens: 256, maxRetries: 0 });
      expect(result.text).toBe("Lisbon is sunny.");
      expect(result.steps).toHaveLength(2);
      expect(result.steps[0].toolCalls).toMatchObject([{ toolName: "weather", input: { city: "Lisbon" } }]);
      expect(result.usage.inputTokens).toBe(50);
      expect(result.usage.outputTokens).toBe(6);
      const [, second] = g.upstream.requestsFor(key);
      expect(JSON.stringify(second.body.messages)).toContain("sunny in Lisbon");
      const rows = (await g.logRows()).slice(-2);
      expect(rows.map((row) => [row.door, row.upstream_protocol, row.status])).toEqual([
        ["messages", upstreamProtocol, "success"],
        ["messages", upstreamProtocol, "success"],
      ]);
    });

    it(`streamText on ${model}`, async () => {
      const key = KEYS[provider];
      g.upstream.script(key, reply.ok({ content: "streamed words arrive", usage: { promptTokens: 20, completionTokens: 3 } }));
      const result = streamText({ model: anthropic(model), system: "Be brief.", prompt: "Say something.", maxOutputTokens: 256, maxRetries: 0 });
      let text = "";
      for await (const piece of result.textStream) text += piece;
      expect(text).toBe("streamed words arrive");
      expect(await result.finishReason).toBe("stop");
      expect((await result.usage).outputTokens).toBe(3);
      const [sent] = g.upstream.requestsFor(key);
      expect(sent.body.stream).toBe(true);
      expect(JSON.stringify(sent.body)).toContain("Be brief.");
    });
  }
});
