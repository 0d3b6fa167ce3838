import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { reply, startFakeUpstream, type FakeUpstream } from "../support/fake-upstream";

let upstream: FakeUpstream;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  client = new OpenAI({ apiKey: "sk-responses-test", baseURL: upstream.baseUrlFor("responses"), maxRetries: 0 });
});
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());

/** Parsed `event:`/`data:` pairs of an SSE body. */
function sseEvents(text: string): { event: string; data: any }[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const event = /^event: (.+)$/m.exec(block)?.[1] ?? "";
      return { event, data: JSON.parse(/^data: (.+)$/m.exec(block)![1]) };
    });
}

describe("fake upstream: OpenAI Responses dialect", () => {
  it("answers responses.create with an output_text message and usage, and echoes string input", async () => {
    const response = await client.responses.create({ model: "gpt-5-mini", input: "ping" });
    expect(response.status).toBe("completed");
    expect(response.output_text).toBe("Echo: ping");
    expect(response.usage).toMatchObject({ input_tokens: 12, output_tokens: 7, total_tokens: 19 });
    expect(upstream.requests[0]).toMatchObject({ dialect: "responses", path: "/v1/responses", apiKey: "sk-responses-test" });
  });

  it("streams a tool call the SDK assembles, with type and consecutive sequence numbers on every event", async () => {
    upstream.script("sk-responses-test", reply.toolCall("exec_command", { cmd: "echo hi" }, { reasoning: "think first" }));
    const stream = client.responses.stream({ model: "gpt-5-mini", input: [{ role: "user", content: "run it" }] });
    const types: string[] = [];
    const numbers: number[] = [];
    for await (const event of stream) {
      types.push(event.type);
      numbers.push(event.sequence_number);
    }
    const final = await stream.finalResponse();
    expect(final.output.map((item) => item.type)).toEqual(["reasoning", "function_call"]);
    expect(final.output[1]).toMatchObject({ type: "function_call", name: "exec_command", arguments: '{"cmd":"echo hi"}', call_id: "call_fake_1_0" });
    expect((final.output[1] as { id: string }).id).toMatch(/^fc/);
    expect(numbers).toEqual(numbers.map((_, index) => index));
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    expect(types).toContain("response.function_call_arguments.delta");
    expect(types).toContain("response.reasoning_summary_text.delta");
  });

  it("streams text in the documented event order, named on the event: line", async () => {
    upstream.script("sk-responses-test", reply.ok({ content: "a b" }));
    const response = await fetch(`${upstream.baseUrlFor("responses")}/responses`, {
      method: "POST",
      headers: { authorization: "Bearer sk-responses-test", "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-5-mini", input: "x", stream: true }),
    });
    const events = sseEvents(await response.text());
    expect(events.every(({ event, data }) => event === data.type)).toBe(true);
    expect(events.map(({ event }) => event)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events.at(-1)!.data.response.output[0].content[0].text).toBe("a b");
  });

  it("ends a length-limited stream with response.incomplete, and an error step with an error event", async () => {
    upstream.script("sk-responses-test", [reply.ok({ content: "cut", finishReason: "length" }), reply.streamError({ afterEvents: 3, message: "boom" })]);
    const body = JSON.stringify({ model: "gpt-5-mini", input: "x", stream: true });
    const post = () => fetch(`${upstream.baseUrlFor("responses")}/responses`, { method: "POST", headers: { authorization: "Bearer sk-responses-test" }, body });
    const incomplete = sseEvents(await (await post()).text()).at(-1)!;
    expect(incomplete.data).toMatchObject({ type: "response.incomplete", response: { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } } });
    const failed = sseEvents(await (await post()).text());
    expect(failed).toHaveLength(4);
    expect(failed[3].data).toMatchObject({ type: "error", sequence_number: 3, message: "boom" });
  });

  it("chooses steps per request with respond(), after scripted steps run out", async () => {
    upstream.script("sk-responses-test", reply.ok({ content: "scripted" }));
    upstream.respond("sk-responses-test", (request) => reply.ok({ content: `saw ${request.body.input}` }));
    expect((await client.responses.create({ model: "gpt-5-mini", input: "one" })).output_text).toBe("scripted");
    expect((await client.responses.create({ model: "gpt-5-mini", input: "two" })).output_text).toBe("saw two");
  });

  it("rejects what the real API rejects, in OpenAI's error shape", async () => {
    await expect(client.responses.create({ model: "gpt-5-mini", messages: [] } as never)).rejects.toMatchObject({ status: 400, error: { param: "messages" } });
    upstream.script("sk-responses-test", reply.rateLimited({ retryAfterSeconds: 3 }));
    await expect(client.responses.create({ model: "gpt-5-mini", input: "x" })).rejects.toMatchObject({ status: 429, code: "rate_limit_exceeded" });
  });
});
