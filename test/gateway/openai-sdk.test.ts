/**
 * End to end with the official `openai` SDK as the client of a running gateway
 * (`@hono/node-server` on 127.0.0.1), the gateway calling the fake upstream over real HTTP.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { reply } from "../support/fake-upstream";
import { startGatewayFixture, type GatewayFixture } from "./gateway-fixtures";

const OPENAI_KEY = "sk-openai-upstream-key-0000001";
const CLAUDE_KEY = "sk-ant-upstream-key-000000002";
const DEEPSEEK_KEY = "sk-deepseek-upstream-key-0003";

describe("the openai SDK against a running gateway", () => {
  let g: GatewayFixture;
  let client: OpenAI;
  let clientKey: string;

  beforeAll(async () => {
    g = await startGatewayFixture();
    await g.addKey("openai", OPENAI_KEY);
    await g.addKey("anthropic", CLAUDE_KEY);
    await g.addKey("deepseek", DEEPSEEK_KEY);
    clientKey = await g.addClient({ name: "sdk-app" });
    client = new OpenAI({ apiKey: clientKey, baseURL: await g.listen(), maxRetries: 0 });
  });
  afterAll(async () => {
    await g?.close();
  });
  beforeEach(() => {
    g.upstream.reset();
  });

  it("non-streaming: the completion, usage, x-request-id and the overhead header", async () => {
    g.upstream.script(OPENAI_KEY, reply.ok({ content: "Hello from upstream", usage: { promptTokens: 21, completionTokens: 4 } }));
    const { data, response, request_id } = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }], temperature: 0.2 })
      .withResponse();
    expect(data.choices[0].message.content).toBe("Hello from upstream");
    expect(data.choices[0].finish_reason).toBe("stop");
    expect(data.usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 4, total_tokens: 25 });
    expect(request_id).toMatch(/^[0-9a-f-]{36}$/);
    // Present and a non-negative number of ms with two decimals (Number(null) would be 0).
    expect(response.headers.get("x-gateway-overhead-ms")).toMatch(/^\d+\.\d{2}$/);
    const [upstreamRequest] = g.upstream.requestsFor(OPENAI_KEY);
    // Same protocol: the SDK's body reaches OpenAI exactly as the client sent it.
    expect(upstreamRequest.rawBody).toBe(JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }], temperature: 0.2 }));
    expect(upstreamRequest.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    const log = (await g.logRows()).at(-1)!;
    expect(log).toMatchObject({ request_id: request_id, client_name: "sdk-app", status: "success", prompt_tokens: 21, completion_tokens: 4 });
  });

  it("streaming with include_usage: the SDK assembles the text and sees the usage chunk", async () => {
    g.upstream.script(OPENAI_KEY, reply.ok({ content: "one two three" }));
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "count" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("one two three");
    expect(usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 7 });
  });

  it("tools: non-streamed and streamed tool calls arrive intact", async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: "function", function: { name: "get_weather", description: "Weather by city", parameters: { type: "object", properties: { city: { type: "string" } } } } },
    ];
    g.upstream.script(OPENAI_KEY, reply.toolCall("get_weather", { city: "Paris" }));
    const completion = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Weather in Paris?" }], tools });
    const [call] = completion.choices[0].message.tool_calls! as OpenAI.ChatCompletionMessageFunctionToolCall[];
    expect(completion.choices[0].finish_reason).toBe("tool_calls");
    expect(call.function).toEqual({ name: "get_weather", arguments: JSON.stringify({ city: "Paris" }) });
    expect(g.upstream.requestsFor(OPENAI_KEY)[0].body.tools).toEqual(tools);

    g.upstream.script(OPENAI_KEY, reply.toolCall("get_weather", { city: "Oslo" }));
    const runner = client.chat.completions.stream({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Weather in Oslo?" }], tools });
    const final = await runner.finalChatCompletion();
    const streamed = final.choices[0].message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(JSON.parse(streamed.function.arguments)).toEqual({ city: "Oslo" });
  });

  it("a Claude model through the OpenAI format", async () => {
    g.upstream.script(CLAUDE_KEY, reply.ok({ content: "Bonjour", usage: { promptTokens: 15, completionTokens: 3 } }));
    const completion = await client.chat.completions.create({
      model: "claude-haiku-4-5",
      messages: [{ role: "system", content: "Answer in French." }, { role: "user", content: "Hello" }],
      max_tokens: 100,
    });
    expect(completion.choices[0].message.content).toBe("Bonjour");
    expect(completion.usage).toMatchObject({ prompt_tokens: 15, completion_tokens: 3 });
    const [upstreamRequest] = g.upstream.requestsFor(CLAUDE_KEY);
    expect(upstreamRequest.path).toBe("/v1/messages");
    expect(upstreamRequest.apiKey).toBe(CLAUDE_KEY);
    expect(upstreamRequest.body).toMatchObject({ model: "claude-haiku-4-5", system: "Answer in French.", max_tokens: 100 });

    g.upstream.script(CLAUDE_KEY, reply.ok({ content: "Salut tout le monde" }));
    const stream = await client.chat.completions.create({ model: "anthropic/claude-haiku-4-5", messages: [{ role: "user", content: "Hi" }], stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text).toBe("Salut tout le monde");
  });

  it("DeepSeek reasoning content passes through", async () => {
    g.upstream.script(DEEPSEEK_KEY, reply.ok({ content: "42", reasoning: "Six times seven." }));
    const completion = await client.chat.completions.create({ model: "deepseek-reasoner", messages: [{ role: "user", content: "Answer?" }] });
    expect(completion.choices[0].message.content).toBe("42");
    expect((completion.choices[0].message as { reasoning_content?: string }).reasoning_content).toBe("Six times seven.");
  });

  it("errors arrive as the SDK's own error classes with the right status", async () => {
    const unknownModel = client.chat.completions.create({ model: "gpt-99", messages: [{ role: "user", content: "x" }] });
    await expect(unknownModel).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(unknownModel).rejects.toMatchObject({ status: 404, code: "model_not_found", type: "invalid_request_error" });

    const invalid = client.chat.completions.create({ model: "gpt-4o-mini", messages: [] });
    await expect(invalid).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(invalid).rejects.toMatchObject({ param: "messages" });

    g.upstream.script(OPENAI_KEY, reply.badRequest("Invalid 'temperature': decimal above maximum value."));
    const upstreamBad = client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] });
    await expect(upstreamBad).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(upstreamBad).rejects.toThrow("Invalid 'temperature': decimal above maximum value.");

    g.upstream.script(OPENAI_KEY, reply.rateLimited({ retryAfterSeconds: 9 }));
    const busy = client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] });
    await expect(busy).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    const error = (await busy.catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error.headers.get("retry-after")).toBe("9");
    expect(error.headers.get("retry-after-ms")).toBe("9000");
    g.clock.advance(10_000);

    const unauthenticated = new OpenAI({ apiKey: "mg-not-a-real-key", baseURL: client.baseURL, maxRetries: 0 });
    await expect(unauthenticated.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it("an error after content reaches the SDK as an APIError mid-stream", async () => {
    g.upstream.script(OPENAI_KEY, reply.streamError({ content: "partial answer here", afterEvents: 3 }));
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }], stream: true });
    let text = "";
    const consume = async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    };
    await expect(consume()).rejects.toBeInstanceOf(OpenAI.APIError);
    expect(text).toBe("partial answer ");
  });

  it("models.list() and models.retrieve() show the active catalogue with the provider as owner", async () => {
    const ids: Array<[string, string]> = [];
    for await (const model of client.models.list()) ids.push([model.id, model.owned_by]);
    expect(ids).toContainEqual(["gpt-4o-mini", "openai"]);
    expect(ids).toContainEqual(["claude-haiku-4-5", "anthropic"]);
    expect(ids).toContainEqual(["deepseek-chat", "deepseek"]);
    expect(ids).toHaveLength(11);
    expect(await client.models.retrieve("gpt-4.1")).toMatchObject({ id: "gpt-4.1", object: "model", owned_by: "openai" });
  });
});
