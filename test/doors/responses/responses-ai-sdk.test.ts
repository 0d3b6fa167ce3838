/**
 * `@ai-sdk/openai` against the gateway, on every provider: its default model speaks Responses
 * with `store: true`, so a second turn sends the first answer back as `item_reference`s that the
 * gateway must resolve from its store; `.chat()` speaks Chat Completions. A tool round trip with
 * `generateText` runs the whole loop through the gateway.
 */
import { createOpenAI } from "@ai-sdk/openai";
import { generateText, jsonSchema, stepCountIs, streamText, tool, type ModelMessage } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { catalogueChanged } from "../../../lib/catalogue/catalogue-version";
import { reply } from "../../support/fake-upstream";
import { startGatewayFixture, type GatewayFixture } from "../../gateway/gateway-fixtures";
import { startFakeOpenAiResponses, type FakeOpenAiResponses } from "./fake-openai-responses";

const OPENAI_KEY = "sk-openai-upstream-key-0000001";
const CLAUDE_KEY = "sk-ant-upstream-key-000000002";
const DEEPSEEK_KEY = "sk-deepseek-upstream-key-0003";

const translated = [
  { model: "deepseek-chat", key: DEEPSEEK_KEY },
  { model: "claude-haiku-4-5", key: CLAUDE_KEY },
] as const;

describe("@ai-sdk/openai through the gateway", () => {
  let g: GatewayFixture;
  let openaiUpstream: FakeOpenAiResponses;
  let provider: ReturnType<typeof createOpenAI>;

  beforeAll(async () => {
    g = await startGatewayFixture();
    openaiUpstream = await startFakeOpenAiResponses(g.upstream.url);
    await g.database.handle.db.updateTable("t_ai_providers").set({ base_url: openaiUpstream.baseUrl }).where("code", "=", "openai").execute();
    await catalogueChanged(g.deps);
    await g.addKey("openai", OPENAI_KEY);
    await g.addKey("anthropic", CLAUDE_KEY);
    await g.addKey("deepseek", DEEPSEEK_KEY);
    provider = createOpenAI({ baseURL: await g.listen(), apiKey: await g.addClient({ name: "ai-sdk-app" }) });
  });
  afterAll(async () => {
    await openaiUpstream?.close();
    await g?.close();
  });
  beforeEach(() => {
    g.upstream.reset();
    openaiUpstream.requests.length = 0;
  });

  describe.each(translated)("$model", ({ model, key }) => {
    it("the default (Responses, store: true) model: a second turn's item_reference is resolved from the store", async () => {
      g.upstream.script(key, [reply.ok({ content: "Paris is the capital." }), reply.ok({ content: "About 2.1 million." })]);
      const messages: ModelMessage[] = [{ role: "user", content: "Capital of France?" }];
      const first = await generateText({ model: provider(model), messages });
      expect(first.text).toBe("Paris is the capital.");
      messages.push(...first.response.messages, { role: "user", content: "Population?" });
      const second = await generateText({ model: provider(model), messages });
      expect(second.text).toBe("About 2.1 million.");

      const sent = (await g.logRows()).slice(-2);
      expect(sent.map((row) => [row.door, row.status])).toEqual([["responses", "success"], ["responses", "success"]]);
      const upstream = g.upstream.requestsFor(key)[1].body;
      const texts = upstream.messages.map((message: any) => [message.role, typeof message.content === "string" ? message.content : message.content.map((part: any) => part.text).join("")]);
      expect(texts).toEqual([
        ["user", "Capital of France?"],
        ["assistant", "Paris is the capital."],
        ["user", "Population?"],
      ]);
    });

    it("a tool round trip with generateText: the call and its result come back through the gateway", async () => {
      g.upstream.script(key, [reply.toolCall("get_weather", { city: "Oslo" }), reply.ok({ content: "Oslo: 3 C and rain." })]);
      const result = await generateText({
        model: provider(model),
        prompt: "Weather in Oslo?",
        stopWhen: stepCountIs(3),
        tools: {
          get_weather: tool({
            description: "Weather by city",
            inputSchema: jsonSchema<{ city: string }>({ type: "object", properties: { city: { type: "string" } }, required: ["city"] }),
            execute: async ({ city }) => `${city}: 3 C, rain`,
          }),
        },
      });
      expect(result.text).toBe("Oslo: 3 C and rain.");
      expect(result.steps[0].toolCalls[0]).toMatchObject({ toolName: "get_weather", input: { city: "Oslo" } });
      const second = JSON.stringify(g.upstream.requestsFor(key)[1].body.messages);
      expect(second).toContain("Oslo: 3 C, rain");
    });

    it("streamText on the default model", async () => {
      g.upstream.script(key, reply.ok({ content: "streamed words here" }));
      const result = streamText({ model: provider(model), prompt: "Stream please" });
      expect(await result.text).toBe("streamed words here");
      expect((await result.usage).inputTokens).toBe(12);
    });

    it(".chat(): the Chat Completions door", async () => {
      g.upstream.script(key, reply.ok({ content: "chat answer" }));
      const result = await generateText({ model: provider.chat(model), prompt: "Hi" });
      expect(result.text).toBe("chat answer");
      expect((await g.logRows()).at(-1)).toMatchObject({ door: "chat", status: "success" });
    });
  });

  it("deepseek-reasoner in a tool loop: the reasoning item comes back by reference and reaches DeepSeek on the tool-call turn", async () => {
    g.upstream.script(DEEPSEEK_KEY, [reply.ok({ reasoning: "Look it up first.", toolCalls: [{ name: "lookup", arguments: { q: "x" } }] }), reply.ok({ content: "Found it." })]);
    const result = await generateText({
      model: provider("deepseek-reasoner"),
      prompt: "Find x",
      stopWhen: stepCountIs(3),
      tools: { lookup: tool({ inputSchema: jsonSchema<{ q: string }>({ type: "object", properties: { q: { type: "string" } } }), execute: async () => "x is 1" }) },
    });
    expect(result.text).toBe("Found it.");
    expect(result.steps[0].reasoningText).toBe("Look it up first.");
    const assistant = g.upstream.requestsFor(DEEPSEEK_KEY)[1].body.messages.find((message: any) => message.role === "assistant");
    expect(assistant).toMatchObject({ reasoning_content: "Look it up first.", tool_calls: [{ function: { name: "lookup", arguments: '{"q":"x"}' } }] });
  });

  it("OpenAI models: the default model passes through (item references left to OpenAI), .chat() too", async () => {
    openaiUpstream.script({ text: "GPT one" }, { text: "GPT two" });
    const messages: ModelMessage[] = [{ role: "user", content: "One?" }];
    const first = await generateText({ model: provider("gpt-4o-mini"), messages });
    expect(first.text).toBe("GPT one");
    messages.push(...first.response.messages, { role: "user", content: "Two?" });
    const second = await generateText({ model: provider("gpt-4o-mini"), messages });
    expect(second.text).toBe("GPT two");
    const input = openaiUpstream.requests[1].body.input;
    expect(input[1]).toEqual({ type: "item_reference", id: expect.stringMatching(/^msg_[0-9a-f]+$/) });
    expect((await g.logRows()).at(-1)).toMatchObject({ door: "responses", upstream_protocol: "responses" });

    g.upstream.script(OPENAI_KEY, reply.ok({ content: "chat GPT" }));
    const chat = await generateText({ model: provider.chat("gpt-4o-mini"), prompt: "Hi" });
    expect(chat.text).toBe("chat GPT");
  });

  it("moving from GPT to Claude: the OpenAI item ids in the history resolve from the gateway's copy", async () => {
    openaiUpstream.script({ text: "GPT first" });
    const messages: ModelMessage[] = [{ role: "user", content: "Start" }];
    const first = await generateText({ model: provider("gpt-4o-mini"), messages });
    messages.push(...first.response.messages, { role: "user", content: "Continue on Claude" });
    g.upstream.script(CLAUDE_KEY, reply.ok({ content: "Claude second" }));
    const second = await generateText({ model: provider("claude-haiku-4-5"), messages });
    expect(second.text).toBe("Claude second");
    expect(g.upstream.requestsFor(CLAUDE_KEY)[0].body.messages).toEqual([
      { role: "user", content: "Start" },
      { role: "assistant", content: "GPT first" },
      { role: "user", content: "Continue on Claude" },
    ]);
  });
});
