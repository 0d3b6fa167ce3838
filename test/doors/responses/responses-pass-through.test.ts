/**
 * The Responses door on OpenAI models: requests pass through to OpenAI's own Responses API (a
 * local stand-in), the gateway keeps a copy of each answer, and conversations move between
 * OpenAI and translated providers in both directions through `previous_response_id`.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { catalogueChanged } from "../../../lib/catalogue/catalogue-version";
import { ReasoningCarrier } from "../../../lib/gateway/reasoning-carrier";
import { reply } from "../../support/fake-upstream";
import { startGatewayFixture, type GatewayFixture } from "../../gateway/gateway-fixtures";
import { checkEventOrder, parseResponsesEvents } from "./responses-events";
import { startFakeOpenAiResponses, type FakeOpenAiResponses } from "./fake-openai-responses";

const OPENAI_KEY = "sk-openai-upstream-key-0000001";
const CLAUDE_KEY = "sk-ant-upstream-key-000000002";
const DEEPSEEK_KEY = "sk-deepseek-upstream-key-0003";

describe("the Responses door on OpenAI models (pass-through)", () => {
  let g: GatewayFixture;
  let openai: FakeOpenAiResponses;
  let clientKey: string;
  let client: OpenAI;

  beforeAll(async () => {
    g = await startGatewayFixture();
    openai = await startFakeOpenAiResponses();
    await g.database.handle.db.updateTable("t_ai_providers").set({ base_url: openai.baseUrl }).where("code", "=", "openai").execute();
    await catalogueChanged(g.deps);
    await g.addKey("openai", OPENAI_KEY);
    await g.addKey("anthropic", CLAUDE_KEY);
    await g.addKey("deepseek", DEEPSEEK_KEY);
    clientKey = await g.addClient({ name: "pass-app" });
    client = new OpenAI({ apiKey: clientKey, baseURL: await g.listen(), maxRetries: 0 });
  });
  afterAll(async () => {
    await openai?.close();
    await g?.close();
  });
  beforeEach(() => {
    g.upstream.reset();
    openai.requests.length = 0;
  });

  it("the client's body goes upstream as sent (model rewritten, unknown fields kept) and OpenAI's answer comes back", async () => {
    openai.script({ text: "Hello from OpenAI", usage: { input: 20, output: 6 } });
    const sent = { model: "openai/gpt-5-mini", input: "Hi", client_metadata: { origin: "codex" }, reasoning: { summary: "auto" } };
    const response = await g.chat(sent, { token: clientKey, path: "/v1/responses" });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as Record<string, any>;
    expect(answer.id).toMatch(/^resp_[0-9a-f]+$/);
    expect(answer.output[0].content[0].text).toBe("Hello from OpenAI");
    const [upstream] = openai.requests;
    expect(upstream.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(upstream.text).toBe(JSON.stringify({ ...sent, model: "gpt-5-mini" }));
    const log = (await g.logRows()).at(-1)!;
    expect(log).toMatchObject({ door: "responses", upstream_protocol: "responses", status: "success", prompt_tokens: 20, completion_tokens: 6 });
    expect(await client.responses.retrieve(answer.id)).toMatchObject({ id: answer.id, output: answer.output });
  });

  it("streams pass through event for event, and the final response is kept", async () => {
    openai.script({ text: "streamed", reasoning: { summary: "thought", encrypted: "gAAAAA-openai-secret" } });
    const response = await g.chat({ model: "gpt-5-mini", input: "Hi", stream: true }, { token: clientKey, path: "/v1/responses" });
    const events = parseResponsesEvents(await response.text());
    const final = checkEventOrder(events);
    expect(final.output.map((item: any) => item.type)).toEqual(["reasoning", "message"]);
    expect((await client.responses.retrieve(final.id)).output).toEqual(final.output);
    expect((await g.logRows()).at(-1)).toMatchObject({ door: "responses", upstream_protocol: "responses", is_stream: 1, status: "success" });
  });

  it("the SDK's stream helper works on the forwarded events", async () => {
    openai.script({ text: "sdk streamed" });
    const final = await client.responses.stream({ model: "gpt-5-mini", input: "Hi" }).finalResponse();
    expect(final.output_text).toBe("sdk streamed");
    expect(openai.requests[0].body).toMatchObject({ model: "gpt-5-mini", stream: true });
  });

  it("store: false keeps no copy", async () => {
    const created = await client.responses.create({ model: "gpt-5-mini", input: "Hi", store: false });
    await expect(client.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
  });

  it("GPT then Claude: an OpenAI-issued previous_response_id is resolved from the gateway's copy", async () => {
    openai.script({ text: "GPT says hi" });
    const first = await client.responses.create({ model: "gpt-5-mini", input: "Hello GPT" });
    g.upstream.script(CLAUDE_KEY, reply.ok({ content: "Claude continues" }));
    const second = await client.responses.create({ model: "claude-haiku-4-5", previous_response_id: first.id, input: "And now Claude?" });
    expect(second.output_text).toBe("Claude continues");
    const [upstream] = g.upstream.requestsFor(CLAUDE_KEY);
    expect(upstream.body.messages).toEqual([
      { role: "user", content: "Hello GPT" },
      { role: "assistant", content: "GPT says hi" },
      { role: "user", content: "And now Claude?" },
    ]);
  });

  it("Claude then GPT: the gateway's chain is expanded for OpenAI, without its ids or other providers' reasoning", async () => {
    g.upstream.script(DEEPSEEK_KEY, reply.ok({ content: "DeepSeek answer", reasoning: "secret chain of thought" }));
    const first = await client.responses.create({ model: "deepseek-reasoner", input: "Hello DeepSeek" });
    expect(first.output.map((item) => item.type)).toEqual(["reasoning", "message"]);
    openai.script({ text: "GPT continues" });
    const second = await client.responses.create({ model: "gpt-5-mini", previous_response_id: first.id, input: "And now GPT?" });
    expect(second.output_text).toBe("GPT continues");
    const [upstream] = openai.requests;
    expect(upstream.body.previous_response_id).toBeUndefined();
    expect(upstream.body.input).toEqual([
      { type: "message", role: "user", content: "Hello DeepSeek" },
      { type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", text: "DeepSeek answer", annotations: [], logprobs: [] }] },
      { type: "message", role: "user", content: "And now GPT?" },
    ]);
    expect(upstream.text).not.toContain("mg1.");
    expect((await g.logRows()).at(-1)!.warnings).toContain("reasoning produced by another provider");
    // And the chain goes on at OpenAI from OpenAI's own id, untouched.
    await client.responses.create({ model: "gpt-5-mini", previous_response_id: second.id, input: "More" });
    expect(openai.requests[1].body.previous_response_id).toBe(second.id);
  });

  it("an unknown gateway id is refused before anything goes upstream", async () => {
    const attempt = client.responses.create({ model: "gpt-5-mini", previous_response_id: "resp_mg0000", input: "x" });
    await expect(attempt).rejects.toMatchObject({ status: 400, code: "previous_response_not_found" });
    expect(openai.requests).toHaveLength(0);
  });

  it("a streamed forward says in its headers what the gateway took out of the body", async () => {
    const sealed = new ReasoningCarrier(g.deps.jwtSecret).seal({ kind: "deepseek_reasoning", text: "hidden", format: "deepseek", model: "deepseek-reasoner" });
    const { data: stream, response } = await client.responses
      .create({
        model: "gpt-5-mini",
        store: false,
        stream: true,
        input: [
          { role: "user", content: "q" },
          { type: "reasoning", id: "rs_mgabc_0", summary: [], encrypted_content: sealed },
          { role: "user", content: "q2" },
        ],
      })
      .withResponse();
    for await (const _event of stream) {
      // drain
    }
    expect(response.headers.get("x-modelgate-warnings")).toBe("dropped=input[1]");
  });

  it("store:false histories with this gateway's reasoning reach OpenAI without it", async () => {
    const carrier = new ReasoningCarrier(g.deps.jwtSecret);
    const sealed = carrier.seal({ kind: "deepseek_reasoning", text: "hidden", format: "deepseek", model: "deepseek-reasoner" });
    const { response } = await client.responses.create({
      model: "gpt-5-mini",
      store: false,
      input: [
        { role: "user", content: "q" },
        { type: "reasoning", id: "rs_mgabc_0", summary: [], encrypted_content: sealed },
        { type: "message", id: "msg_mgabc_1", role: "assistant", status: "completed", content: [{ type: "output_text", text: "a", annotations: [] }] },
        { role: "user", content: "q2" },
      ],
    }).withResponse();
    expect(response.headers.get("x-modelgate-warnings")).toBe("dropped=input[1]");
    expect(openai.requests[0].body.input).toEqual([
      { role: "user", content: "q" },
      { type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: "a", annotations: [] }] },
      { role: "user", content: "q2" },
    ]);
  });
});
