/**
 * The official `openai` SDK's Responses client against a running gateway whose DeepSeek and
 * Anthropic models are translated: create, stream, tools with a round trip, structured output,
 * retrieve and delete, `previous_response_id` chains and the 400 for ids it may not use.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { reply } from "../../support/fake-upstream";
import { startGatewayFixture, type GatewayFixture } from "../../gateway/gateway-fixtures";

const CLAUDE_KEY = "sk-ant-upstream-key-000000002";
const DEEPSEEK_KEY = "sk-deepseek-upstream-key-0003";

const translatedModels = [
  { model: "deepseek-chat", key: DEEPSEEK_KEY, path: "/chat/completions" },
  { model: "claude-haiku-4-5", key: CLAUDE_KEY, path: "/v1/messages" },
] as const;

describe("the openai SDK's Responses client on translated models", () => {
  let g: GatewayFixture;
  let client: OpenAI;
  let other: OpenAI;

  beforeAll(async () => {
    g = await startGatewayFixture();
    await g.addKey("anthropic", CLAUDE_KEY);
    await g.addKey("deepseek", DEEPSEEK_KEY);
    const baseURL = await g.listen();
    client = new OpenAI({ apiKey: await g.addClient({ name: "responses-app" }), baseURL, maxRetries: 0 });
    other = new OpenAI({ apiKey: await g.addClient({ name: "someone-else" }), baseURL, maxRetries: 0 });
  });
  afterAll(async () => {
    await g?.close();
  });
  beforeEach(() => g.upstream.reset());

  describe.each(translatedModels)("$model", ({ model, key, path }) => {
    it("create: text, usage, our id, instructions as the system prompt, one log row", async () => {
      g.upstream.script(key, reply.ok({ content: "Hello from upstream", usage: { promptTokens: 21, completionTokens: 4 } }));
      const response = await client.responses.create({ model, instructions: "Be brief.", input: "Hi", max_output_tokens: 100 });
      expect(response.id).toMatch(/^resp_mg[0-9a-z]+$/);
      expect(response.object).toBe("response");
      expect(response.status).toBe("completed");
      expect(response.output_text).toBe("Hello from upstream");
      expect(response.output).toEqual([
        { id: expect.stringMatching(/^msg_mg/), type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", text: "Hello from upstream", annotations: [], logprobs: [] }] },
      ]);
      expect(response.usage).toEqual({ input_tokens: 21, input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 }, output_tokens: 4, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 25 });
      expect(response).toMatchObject({ instructions: "Be brief.", max_output_tokens: 100, store: true, error: null, incomplete_details: null, tools: [], tool_choice: "auto" });

      const [upstream] = g.upstream.requestsFor(key);
      expect(upstream.path).toBe(path);
      if (model.startsWith("deepseek")) {
        expect(upstream.body.messages).toEqual([{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }]);
        expect(upstream.body.max_tokens).toBe(100);
      } else {
        expect(upstream.body).toMatchObject({ system: "Be brief.", messages: [{ role: "user", content: "Hi" }], max_tokens: 100 });
      }
      const log = (await g.logRows()).at(-1)!;
      expect(log).toMatchObject({ door: "responses", upstream_protocol: "canonical", client_name: "responses-app", status: "success", prompt_tokens: 21, completion_tokens: 4, is_stream: 0 });
    });

    it("stream: finalResponse() assembles the text and the usage", async () => {
      g.upstream.script(key, reply.ok({ content: "one two three", usage: { promptTokens: 9, completionTokens: 3 } }));
      const stream = client.responses.stream({ model, input: [{ role: "user", content: "count" }] });
      const deltas: string[] = [];
      stream.on("response.output_text.delta", (event) => deltas.push(event.delta));
      const final = await stream.finalResponse();
      expect(deltas.join("")).toBe("one two three");
      expect(final.output_text).toBe("one two three");
      expect(final.status).toBe("completed");
      expect(final.usage).toMatchObject({ input_tokens: 9, output_tokens: 3, total_tokens: 12 });
      const log = (await g.logRows()).at(-1)!;
      expect(log).toMatchObject({ door: "responses", status: "success", is_stream: 1, prompt_tokens: 9, completion_tokens: 3 });
    });

    it("tools: a function call comes back as a function_call item, and its output goes back as a tool result", async () => {
      const tools: OpenAI.Responses.Tool[] = [
        { type: "function", name: "get_weather", description: "Weather by city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] }, strict: false },
      ];
      g.upstream.script(key, reply.toolCall("get_weather", { city: "Paris" }));
      const first = await client.responses.create({ model, input: "Weather in Paris?", tools, store: false });
      const call = first.output.find((item) => item.type === "function_call") as OpenAI.Responses.ResponseFunctionToolCall;
      expect(call).toMatchObject({ type: "function_call", name: "get_weather", arguments: JSON.stringify({ city: "Paris" }), status: "completed" });
      expect(call.id).toMatch(/^fc_mg/);
      expect(call.call_id).not.toBe(call.id);
      expect(call.call_id.length).toBeLessThanOrEqual(64);

      g.upstream.script(key, reply.ok({ content: "It is sunny in Paris." }));
      const second = await client.responses.create({
        model,
        tools,
        store: false,
        input: [
          { role: "user", content: "Weather in Paris?" },
          { type: "function_call", call_id: call.call_id, name: call.name, arguments: call.arguments },
          { type: "function_call_output", call_id: call.call_id, output: "sunny, 24 C" },
        ],
      });
      expect(second.output_text).toBe("It is sunny in Paris.");
      const [, upstream] = g.upstream.requestsFor(key);
      if (model.startsWith("deepseek")) {
        expect(upstream.body.messages).toEqual([
          { role: "user", content: "Weather in Paris?" },
          { role: "assistant", content: null, tool_calls: [{ id: call.call_id, type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
          { role: "tool", tool_call_id: call.call_id, content: "sunny, 24 C" },
        ]);
        expect(upstream.body.tools[0]).toMatchObject({ type: "function", function: { name: "get_weather", parameters: tools[0].type === "function" ? tools[0].parameters : null } });
      } else {
        expect(upstream.body.messages).toEqual([
          { role: "user", content: "Weather in Paris?" },
          { role: "assistant", content: [{ type: "tool_use", id: call.call_id, name: "get_weather", input: { city: "Paris" } }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: call.call_id, content: "sunny, 24 C" }] },
        ]);
        expect(upstream.body.tools[0]).toMatchObject({ name: "get_weather", input_schema: { type: "object" } });
      }
    });

    it("structured output: text.format reaches the translation, and what cannot be carried is named", async () => {
      g.upstream.script(key, reply.ok({ content: '{"answer":42}' }));
      const schema = { type: "object", properties: { answer: { type: "number" } }, required: ["answer"], additionalProperties: false };
      const { data, response } = await client.responses
        .create({ model, input: "Answer in json", text: { format: { type: "json_schema", name: "answer", schema, strict: true } } })
        .withResponse();
      expect(JSON.parse(data.output_text)).toEqual({ answer: 42 });
      expect(data.text?.format).toMatchObject({ type: "json_schema", name: "answer" });
      const [upstream] = g.upstream.requestsFor(key);
      const carried = upstream.body.response_format ?? upstream.body.output_config?.format;
      const warned = response.headers.get("x-modelgate-warnings") ?? "";
      expect(carried !== undefined || warned.includes("response_format")).toBe(true);
    });

    it("retrieve and delete a stored response; other clients get 404", async () => {
      const created = await client.responses.create({ model, input: [{ role: "user", content: "Remember me" }, { role: "user", content: "And me" }] });
      const retrieved = await client.responses.retrieve(created.id);
      expect(retrieved).toEqual(created);
      const listed: unknown[] = [];
      for await (const item of client.responses.inputItems.list(created.id, { limit: 1 })) listed.push(item);
      expect(listed).toEqual([expect.objectContaining({ role: "user", content: "And me", id: expect.any(String) }), expect.objectContaining({ role: "user", content: "Remember me" })]);
      const ascending = await client.responses.inputItems.list(created.id, { order: "asc" });
      expect(ascending.data.map((item: any) => item.content)).toEqual(["Remember me", "And me"]);
      await expect(other.responses.inputItems.list(created.id)).rejects.toMatchObject({ status: 404 });
      await expect(other.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
      await expect(other.responses.delete(created.id)).rejects.toMatchObject({ status: 404 });
      const deleted = await client.responses.delete(created.id);
      expect(deleted).toEqual({ id: created.id, object: "response", deleted: true });
      await expect(client.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
    });

    it("previous_response_id: the chain's input and output reach the upstream; instructions are not inherited", async () => {
      g.upstream.script(key, [reply.ok({ content: "First answer" }), reply.ok({ content: "Second answer" }), reply.ok({ content: "Third answer" })]);
      const first = await client.responses.create({ model, instructions: "Only for the first turn", input: "First question" });
      const second = await client.responses.create({ model, previous_response_id: first.id, input: "Second question" });
      const third = await client.responses.create({ model, previous_response_id: second.id, input: [{ role: "user", content: "Third question" }] });
      expect(third.output_text).toBe("Third answer");
      expect(third.previous_response_id).toBe(second.id);
      const upstream = g.upstream.requestsFor(key)[2].body;
      const turns = upstream.messages.map((message: any) => [message.role, typeof message.content === "string" ? message.content : message.content[0].text]);
      expect(turns).toEqual([
        ["user", "First question"],
        ["assistant", "First answer"],
        ["user", "Second question"],
        ["assistant", "Second answer"],
        ["user", "Third question"],
      ]);
      expect(JSON.stringify(upstream)).not.toContain("Only for the first turn");
    });

    it("an unknown, a foreign or another client's previous_response_id is a 400 previous_response_not_found", async () => {
      const mine = await client.responses.create({ model, input: "Mine" });
      for (const [caller, id] of [
        [client, "resp_mgdoesnotexist"],
        [client, "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b"],
        [other, mine.id],
      ] as const) {
        const attempt = caller.responses.create({ model, previous_response_id: id, input: "Next" });
        await expect(attempt).rejects.toBeInstanceOf(OpenAI.BadRequestError);
        await expect(attempt).rejects.toMatchObject({
          status: 400,
          code: "previous_response_not_found",
          param: "previous_response_id",
          error: { type: "invalid_request_error", message: `Previous response with id '${id}' not found.` },
        });
      }
      const reference = other.responses.create({ model, input: [{ type: "item_reference", id: mine.output[0].id! }] });
      await expect(reference).rejects.toMatchObject({ status: 400, code: "previous_response_not_found", param: "input" });
    });
  });

  it("admin JWT callers own their stored responses too", async () => {
    const admin = new OpenAI({ apiKey: await g.adminToken(), baseURL: client.baseURL, maxRetries: 0 });
    const created = await admin.responses.create({ model: "deepseek-chat", input: "as admin" });
    expect((await admin.responses.retrieve(created.id)).id).toBe(created.id);
    await expect(client.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
    await expect(client.responses.create({ model: "deepseek-chat", previous_response_id: created.id, input: "x" })).rejects.toMatchObject({ status: 400, code: "previous_response_not_found" });
  });

  it("response ids are fresh even when a client repeats its x-request-id", async () => {
    const token = (client as unknown as { apiKey: string }).apiKey;
    const send = () => g.chat({ model: "deepseek-chat", input: "same" }, { token, path: "/v1/responses", headers: { "x-request-id": "retry-1" } });
    const ids = [];
    for (const response of [await send(), await send()]) ids.push(((await response.json()) as { id: string }).id);
    expect(ids[0]).not.toBe(ids[1]);
    for (const id of ids) expect((await client.responses.retrieve(id)).id).toBe(id);
  });

  it("bad bodies are 400s naming the field; unknown fields pass", async () => {
    const missing = client.responses.create({ model: "deepseek-chat" } as never);
    await expect(missing).rejects.toMatchObject({ status: 400, param: "input" });
    const badItem = client.responses.create({ model: "deepseek-chat", input: [{ type: "function_call", name: "x" }] as never });
    await expect(badItem).rejects.toMatchObject({ status: 400, param: "input.0.call_id" });
    const fileId = client.responses.create({ model: "deepseek-chat", input: [{ role: "user", content: [{ type: "input_image", file_id: "file-abc", detail: "auto" }] }] });
    await expect(fileId).rejects.toMatchObject({ status: 400, param: "input[0].content[0].file_id" });
    const conversation = client.responses.create({ model: "deepseek-chat", input: "x", conversation: "conv_123" });
    await expect(conversation).rejects.toMatchObject({ status: 400, param: "conversation" });
    const forced = client.responses.create({ model: "deepseek-chat", input: "x", tools: [{ type: "web_search" }], tool_choice: { type: "web_search_preview" } });
    await expect(forced).rejects.toMatchObject({ status: 400, param: "tool_choice.type" });
    const open = await client.responses.create({ model: "deepseek-chat", input: "x", client_metadata: { origin: "codex" } } as never);
    expect(open.status).toBe("completed");
  });
});
