/**
 * The official Anthropic SDK against a running gateway (`@hono/node-server` on 127.0.0.1) whose
 * OpenAI and DeepSeek providers point at the fake upstream: the Messages door translating to
 * Chat Completions and back, over real HTTP both ways.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { reply } from "../../support/fake-upstream";
import { startGatewayFixture, type GatewayFixture } from "../../gateway/gateway-fixtures";

const OPENAI_KEY = "sk-openai-upstream-key-0000001";
const DEEPSEEK_KEY = "sk-deepseek-upstream-key-0003";

const weatherTool: Anthropic.Tool = {
  name: "get_weather",
  description: "Weather by city",
  input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe("the Anthropic SDK against the Messages door, translated to Chat", () => {
  let g: GatewayFixture;
  let client: Anthropic;
  let baseURL: string;

  beforeAll(async () => {
    g = await startGatewayFixture();
    await g.addKey("openai", OPENAI_KEY);
    await g.addKey("deepseek", DEEPSEEK_KEY);
    const clientKey = await g.addClient({ name: "claude-app" });
    baseURL = (await g.listen()).replace(/\/v1$/, "");
    client = new Anthropic({ apiKey: clientKey, baseURL, maxRetries: 0 });
  });
  afterAll(async () => {
    await g?.close();
  });
  beforeEach(() => {
    g.upstream.reset();
  });

  it("messages.create to an OpenAI model: the Message, usage, request-id, the Chat request upstream, warnings and one log row", async () => {
    g.upstream.script(OPENAI_KEY, reply.ok({ content: "Hello from GPT", usage: { promptTokens: 30, completionTokens: 5, cachedTokens: 10 } }));
    const { data, response, request_id } = await client.messages
      .create({
        model: "gpt-4o-mini",
        max_tokens: 256,
        system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
        messages: [{ role: "user", content: "Hi" }],
        stop_sequences: ["\n\nHuman:"],
        metadata: { user_id: "user-42" },
        top_k: 5,
      } as Anthropic.MessageCreateParamsNonStreaming)
      .withResponse();
    expect(data).toMatchObject({
      type: "message",
      role: "assistant",
      model: "gpt-4o-mini",
      content: [{ type: "text", text: "Hello from GPT" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 20, cache_read_input_tokens: 10, cache_creation_input_tokens: 0, output_tokens: 5 },
    });
    expect(data.id).toMatch(/^msg_/);
    expect(request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("x-request-id")).toBe(request_id);
    expect(response.headers.get("x-modelgate-warnings")).toBe("dropped=top_k");

    const [upstreamRequest] = g.upstream.requestsFor(OPENAI_KEY);
    expect(upstreamRequest.path).toBe("/v1/chat/completions");
    expect(upstreamRequest.body).toMatchObject({
      model: "gpt-4o-mini",
      max_completion_tokens: 256,
      stop: ["\n\nHuman:"],
      user: "user-42",
      stream: false,
    });
    expect(upstreamRequest.body.messages.at(-1)).toEqual({ role: "user", content: "Hi" });
    expect(upstreamRequest.body.top_k).toBeUndefined();

    const rows = await g.logRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ request_id, door: "messages", status: "success", prompt_tokens: 30, completion_tokens: 5, upstream_protocol: "canonical" });
    expect(rows[0].warnings).toContain("dropped top_k");
  });

  it("messages.stream to a DeepSeek model: the SDK assembles the text and the final usage", async () => {
    g.upstream.script(DEEPSEEK_KEY, reply.ok({ content: "one two three", usage: { promptTokens: 40, completionTokens: 3, cachedTokens: 32 } }));
    const stream = client.messages.stream({ model: "deepseek-chat", max_tokens: 100, messages: [{ role: "user", content: "count" }] });
    const texts: string[] = [];
    stream.on("text", (text) => texts.push(text));
    const final = await stream.finalMessage();
    expect(texts.join("")).toBe("one two three");
    expect(final.content).toEqual([{ type: "text", text: "one two three" }]);
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage).toMatchObject({ input_tokens: 8, cache_read_input_tokens: 32, output_tokens: 3 });
    const [upstreamRequest] = g.upstream.requestsFor(DEEPSEEK_KEY);
    expect(upstreamRequest.body).toMatchObject({ model: "deepseek-chat", stream: true, stream_options: { include_usage: true } });
    const rows = await g.logRows();
    expect(rows.at(-1)).toMatchObject({ door: "messages", is_stream: 1, status: "success", prompt_tokens: 40, completion_tokens: 3 });
  });

  it("the raw stream: named events in Messages order, gap-free indices, no [DONE]", async () => {
    g.upstream.script(OPENAI_KEY, reply.ok({ content: "Sure. ", toolCalls: [{ name: "get_weather", arguments: { city: "Oslo" } }] }));
    const response = await fetch(`${baseURL}/v1/messages?beta=true`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": client.apiKey!, "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "gpt-4o-mini", max_tokens: 50, stream: true, tools: [weatherTool], messages: [{ role: "user", content: "Weather?" }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(response.headers.get("request-id")).toBeTruthy();
    const text = await response.text();
    expect(text).not.toContain("[DONE]");
    const events = text
      .trim()
      .split("\n\n")
      .map((block) => {
        const [eventLine, dataLine] = block.split("\n");
        expect(eventLine).toMatch(/^event: /);
        const data = JSON.parse(dataLine.slice("data: ".length));
        expect(data.type).toBe(eventLine.slice("event: ".length));
        return data;
      });
    expect(events.map((event) => (event.index === undefined ? event.type : `${event.type}:${event.index}`))).toEqual([
      "message_start",
      "ping",
      "content_block_start:0",
      "content_block_delta:0",
      "content_block_stop:0",
      "content_block_start:1",
      "content_block_delta:1",
      "content_block_delta:1",
      "content_block_stop:1",
      "message_delta",
      "message_stop",
    ]);
    expect(events[5].content_block).toMatchObject({ type: "tool_use", id: "toolu_call_fake_1_0", name: "get_weather", input: {} });
    expect(events[9]).toMatchObject({ delta: { stop_reason: "tool_use" }, usage: { output_tokens: 7, input_tokens: 12 } });
  });

  it("a tool round trip on OpenAI: tool_use ids in Anthropic's alphabet map back to the upstream's call ids", async () => {
    // An id outside Anthropic's alphabet, as Kimi-style upstreams mint them.
    g.upstream.script(OPENAI_KEY, reply.ok({ toolCalls: [{ id: "functions.get_weather:0", name: "get_weather", arguments: { city: "Paris" } }] }));
    const first = await client.messages.create({ model: "gpt-4o-mini", max_tokens: 100, tools: [weatherTool], tool_choice: { type: "any" }, messages: [{ role: "user", content: "Weather in Paris?" }] });
    expect(first.stop_reason).toBe("tool_use");
    const toolUse = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === "tool_use")!;
    expect(toolUse.id).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(toolUse.input).toEqual({ city: "Paris" });
    expect(g.upstream.requestsFor(OPENAI_KEY)[0].body).toMatchObject({
      tools: [{ type: "function", function: { name: "get_weather", description: "Weather by city", parameters: weatherTool.input_schema } }],
      tool_choice: "required",
    });

    g.upstream.script(OPENAI_KEY, reply.ok({ content: "It is sunny in Paris." }));
    const second = await client.messages.create({
      model: "gpt-4o-mini",
      max_tokens: 100,
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: first.content },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: toolUse.id, content: "sunny, 21 °C" },
            { type: "text", text: "Summarize." },
          ],
        },
      ],
    });
    expect(second.content).toEqual([{ type: "text", text: "It is sunny in Paris." }]);
    const { messages } = g.upstream.requestsFor(OPENAI_KEY)[1].body;
    expect(messages).toEqual([
      { role: "user", content: "Weather in Paris?" },
      { role: "assistant", content: null, tool_calls: [{ id: "functions.get_weather:0", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
      { role: "tool", tool_call_id: "functions.get_weather:0", content: "sunny, 21 °C" },
      { role: "user", content: "Summarize." },
    ]);
  });

  it("a streamed tool call: the SDK's finalMessage has the parsed input", async () => {
    g.upstream.script(OPENAI_KEY, reply.toolCall("get_weather", { city: "Oslo" }));
    const final = await client.messages.stream({ model: "gpt-4o-mini", max_tokens: 100, tools: [weatherTool], messages: [{ role: "user", content: "Oslo?" }] }).finalMessage();
    expect(final.stop_reason).toBe("tool_use");
    expect(final.content).toMatchObject([{ type: "tool_use", name: "get_weather", input: { city: "Oslo" } }]);
  });

  it("DeepSeek reasoning: a signed thinking block, sent back, reaches DeepSeek as reasoning_content", async () => {
    g.upstream.script(DEEPSEEK_KEY, reply.toolCall("get_weather", { city: "Rome" }, { reasoning: "The user wants Rome's weather." }));
    const first = await client.messages.create({
      model: "deepseek-reasoner",
      max_tokens: 1000,
      thinking: { type: "adaptive" },
      output_config: { effort: "high" },
      tools: [weatherTool],
      messages: [{ role: "user", content: "Weather in Rome?" }],
    });
    const [thinking, toolUse] = first.content as [Anthropic.ThinkingBlock, Anthropic.ToolUseBlock];
    expect(thinking).toMatchObject({ type: "thinking", thinking: "The user wants Rome's weather." });
    expect(thinking.signature).toMatch(/^mg1\./);
    expect(toolUse.type).toBe("tool_use");
    // DeepSeek switches thinking on or off; an adaptive request turns it on.
    expect(g.upstream.requestsFor(DEEPSEEK_KEY)[0].body).toMatchObject({ thinking: { type: "enabled" }, reasoning_effort: "high" });

    g.upstream.script(DEEPSEEK_KEY, reply.ok({ content: "Rome: clear skies." }));
    await client.messages.create({
      model: "deepseek-reasoner",
      max_tokens: 1000,
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Weather in Rome?" },
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "clear" }] },
      ],
    });
    const assistant = g.upstream.requestsFor(DEEPSEEK_KEY)[1].body.messages[1];
    expect(assistant).toMatchObject({ role: "assistant", reasoning_content: "The user wants Rome's weather.", tool_calls: [{ function: { name: "get_weather" } }] });
    expect(assistant.thinking_blocks).toBeUndefined();

    // The same reasoning sent to another provider is dropped, and the header says so.
    g.upstream.script(OPENAI_KEY, reply.ok({ content: "ok" }));
    const { response } = await client.messages
      .create({
        model: "gpt-4o-mini",
        max_tokens: 100,
        tools: [weatherTool],
        messages: [
          { role: "user", content: "Weather in Rome?" },
          { role: "assistant", content: first.content },
          { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "clear" }] },
        ],
      })
      .withResponse();
    expect(g.upstream.requestsFor(OPENAI_KEY)[0].body.messages[1].reasoning_content).toBeUndefined();
    expect(response.headers.get("x-modelgate-warnings")).toContain("messages.content.thinking");
  });

  it("streamed DeepSeek reasoning: thinking deltas, then a signature before the block stops; display omitted keeps the text in the signature only", async () => {
    g.upstream.script(DEEPSEEK_KEY, reply.ok({ reasoning: "Six times seven.", content: "42" }));
    const stream = client.messages.stream({ model: "deepseek-reasoner", max_tokens: 1000, thinking: { type: "enabled", budget_tokens: 2048 }, messages: [{ role: "user", content: "Answer?" }] });
    const thinkingDeltas: string[] = [];
    stream.on("thinking", (delta) => thinkingDeltas.push(delta));
    const final = await stream.finalMessage();
    expect(thinkingDeltas.join("")).toBe("Six times seven.");
    expect(final.content).toMatchObject([
      { type: "thinking", thinking: "Six times seven.", signature: expect.stringMatching(/^mg1\./) },
      { type: "text", text: "42" },
    ]);
    expect(g.upstream.requestsFor(DEEPSEEK_KEY)[0].body).toMatchObject({ thinking: { type: "enabled" }, reasoning_effort: "medium" });

    g.upstream.script(DEEPSEEK_KEY, reply.ok({ reasoning: "Hidden steps.", content: "43" }));
    const omitted = await client.messages
      .stream({ model: "deepseek-reasoner", max_tokens: 1000, thinking: { type: "enabled", budget_tokens: 2048, display: "omitted" }, messages: [{ role: "user", content: "Again?" }] })
      .finalMessage();
    const [hidden] = omitted.content as [Anthropic.ThinkingBlock];
    expect(hidden).toMatchObject({ type: "thinking", thinking: "" });
    expect(hidden.signature).toMatch(/^mg1\./);

    g.upstream.script(DEEPSEEK_KEY, reply.toolCall("get_weather", { city: "Bern" }));
    await client.messages.create({
      model: "deepseek-reasoner",
      max_tokens: 1000,
      messages: [
        { role: "user", content: "Again?" },
        { role: "assistant", content: [hidden, { type: "tool_use", id: "toolu_x1", name: "get_weather", input: { city: "Bern" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_x1", content: "cold", is_error: true }] },
      ],
      tools: [weatherTool],
    });
    const sent = g.upstream.requestsFor(DEEPSEEK_KEY)[2].body.messages;
    expect(sent[1]).toMatchObject({ reasoning_content: "Hidden steps.", tool_calls: [{ id: "x1" }] });
    expect(sent[2]).toEqual({ role: "tool", tool_call_id: "x1", content: "Error: cold" });
  });

  it("countTokens: a local estimate, no upstream call and no log row", async () => {
    const before = (await g.logRows()).length;
    const counted = await client.messages.countTokens({
      model: "deepseek-chat",
      system: "You are terse.",
      messages: [{ role: "user", content: "How many tokens is this sentence, roughly speaking?" }],
      tools: [weatherTool],
    });
    expect(counted.input_tokens).toBeGreaterThan(20);
    expect(counted.input_tokens).toBeLessThan(200);
    expect(g.upstream.requests).toHaveLength(0);
    expect(await g.logRows()).toHaveLength(before);
    await expect(client.messages.countTokens({ model: "gpt-99", messages: [{ role: "user", content: "x" }] })).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });

  it("models.list and models.retrieve: Anthropic's shape, pages, Claude models listed", async () => {
    const page = await client.models.list({ limit: 1000 });
    const ids = page.data.map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining(["claude-sonnet-4-6", "claude-haiku-4-5", "gpt-4o-mini", "deepseek-chat"]));
    const sonnet = page.data.find((model) => model.id === "claude-sonnet-4-6")!;
    expect(sonnet).toMatchObject({ type: "model", display_name: "Claude Sonnet 4.6", max_tokens: 64_000, line: "sonnet" });
    expect(sonnet.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(page.has_more).toBe(false);

    const collected: string[] = [];
    for await (const model of client.models.list({ limit: 3 })) collected.push(model.id);
    expect(collected).toEqual(ids);
    const firstPage = await client.models.list({ limit: 3 });
    expect(firstPage).toMatchObject({ has_more: true, first_id: ids[0], last_id: ids[2] });

    expect(await client.models.retrieve("claude-haiku-4-5")).toMatchObject({ type: "model", id: "claude-haiku-4-5", display_name: "Claude Haiku 4.5" });
    expect(await client.models.retrieve("openai/gpt-4o-mini")).toMatchObject({ id: "openai/gpt-4o-mini", display_name: "GPT-4o mini" });
    await expect(client.models.retrieve("claude-none")).rejects.toBeInstanceOf(Anthropic.NotFoundError);

    // Claude Code's discovery call: both credential headers, no SDK.
    const discovery = await fetch(`${baseURL}/v1/models?limit=1000`, { headers: { authorization: `Bearer ${client.apiKey}`, "x-api-key": client.apiKey!, "anthropic-version": "2023-06-01" } });
    const listed = (await discovery.json()) as { data: Array<{ id: string }> };
    expect(listed.data.filter((model) => model.id.includes("claude")).map((model) => model.id).sort()).toEqual(["claude-haiku-4-5", "claude-opus-4-6", "claude-sonnet-4-6"]);
    // Without anthropic-version the list stays OpenAI's.
    const openAiShape = (await (await fetch(`${baseURL}/v1/models`, { headers: { authorization: `Bearer ${client.apiKey}` } })).json()) as Record<string, unknown>;
    expect(openAiShape.object).toBe("list");
    expect((openAiShape.data as Array<Record<string, unknown>>)[0]).toMatchObject({ object: "model", owned_by: expect.any(String), created: expect.any(Number) });
  });
});
