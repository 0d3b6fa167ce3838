/**
 * The Responses -> canonical translation and the canonical -> Responses stream encoder, driven
 * directly with the shapes adapters produce: Anthropic signed and redacted thinking carried both
 * ways, reasoning kept from the wrong provider or model, history grouping, custom tools.
 */
import { describe, expect, it } from "vitest";
import { inputItemsOf } from "../../../lib/doors/responses/response-expansion";
import { toCanonicalRequest } from "../../../lib/doors/responses/responses-to-canonical";
import { responsesStreamEncoder } from "../../../lib/doors/responses/responses-stream-encoder";
import { responseIds, ToolNames } from "../../../lib/doors/responses/responses-ids";
import { responseShell } from "../../../lib/doors/responses/response-object";
import { responsesBodySchema, type ResponsesBody } from "../../../lib/doors/responses/responses-schemas";
import { ReasoningCarrier } from "../../../lib/gateway/reasoning-carrier";
import type { ChatCompletionChunk, ChatCompletionChunkDelta } from "../../../lib/providers/provider-spec";
import { checkEventOrder, parseResponsesEvents } from "./responses-events";

const carrier = new ReasoningCarrier("test-secret");
const claude = { format: "anthropic" as const, model: "claude-sonnet-4-6" };

const translate = (body: Record<string, unknown>, target = claude) => {
  const parsed = responsesBodySchema.parse({ model: target.model, ...body }) as ResponsesBody;
  return toCanonicalRequest(parsed, inputItemsOf(parsed.input), carrier, target);
};

describe("Responses -> canonical", () => {
  it("Anthropic thinking and redacted thinking come back as thinking blocks on the next assistant turn, in order", () => {
    const thinking = carrier.seal({ kind: "anthropic_thinking", thinking: "Let me think.", signature: "sig-abc", ...claude });
    const redacted = carrier.seal({ kind: "anthropic_redacted", data: "opaque-data", ...claude });
    const { request, warnings } = translate({
      input: [
        { role: "user", content: "q" },
        { type: "reasoning", summary: [{ type: "summary_text", text: "Let me think." }], encrypted_content: thinking },
        { type: "reasoning", summary: [], encrypted_content: redacted },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "Calling." }] },
        { type: "function_call", call_id: "toolu_1", name: "lookup", arguments: "" },
        { type: "function_call_output", call_id: "toolu_1", output: [{ type: "input_text", text: "found" }, { type: "input_image", image_url: "https://example.com/a.png", detail: "high" }] },
      ],
    });
    expect(warnings).toEqual([]);
    expect(request.messages).toEqual([
      { role: "user", content: "q" },
      {
        role: "assistant",
        content: "Calling.",
        thinking_blocks: [
          { type: "thinking", thinking: "Let me think.", signature: "sig-abc" },
          { type: "redacted_thinking", data: "opaque-data" },
        ],
        tool_calls: [{ id: "toolu_1", type: "function", function: { name: "lookup", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "toolu_1", content: "found" },
      { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png", detail: "high" } }] },
    ]);
  });

  it("reasoning for another provider or another Claude model, and OpenAI's own, is dropped with a warning", () => {
    const otherModel = carrier.seal({ kind: "anthropic_thinking", thinking: "t", signature: "s", format: "anthropic", model: "claude-haiku-4-5" });
    const deepSeek = carrier.seal({ kind: "deepseek_reasoning", text: "r", format: "deepseek", model: "deepseek-reasoner" });
    const forged = `${carrier.seal({ kind: "deepseek_reasoning", text: "r", ...claude }).slice(0, -4)}AAAA`;
    const { request, warnings } = translate({
      input: [
        { role: "user", content: "q" },
        { type: "reasoning", summary: [], encrypted_content: otherModel },
        { type: "reasoning", summary: [], encrypted_content: deepSeek },
        { type: "reasoning", summary: [], encrypted_content: "gAAAA-openai" },
        { type: "reasoning", summary: [], encrypted_content: forged },
        { type: "message", role: "assistant", content: "a" },
      ],
    });
    expect(request.messages[1]).toEqual({ role: "assistant", content: "a" });
    expect(warnings.map((warning) => [warning.field, warning.action])).toEqual([
      ["input[1]", "dropped"],
      ["input[2]", "dropped"],
      ["input[3]", "dropped"],
      ["input[4]", "dropped"],
    ]);
  });

  it("options: instructions, effort, text.format, max_output_tokens, tool_choice, custom tools, prompt_cache_key for Anthropic", () => {
    const { request, warnings, toolNames } = translate({
      instructions: "sys",
      input: "hi",
      reasoning: { effort: "high" },
      text: { format: { type: "json_schema", name: "out", schema: { type: "object" }, strict: true } },
      max_output_tokens: 300,
      tools: [{ type: "custom", name: "apply_patch", description: "Patch files", format: { type: "grammar", syntax: "lark", definition: "start: /.+/" } }, { type: "file_search" }],
      tool_choice: { type: "custom", name: "apply_patch" },
      prompt_cache_key: "k",
      truncation: "auto",
    });
    expect(request).toMatchObject({
      messages: [{ role: "system", content: "sys" }, { role: "user", content: "hi" }],
      reasoning_effort: "high",
      response_format: { type: "json_schema", json_schema: { name: "out", schema: { type: "object" }, strict: true } },
      max_tokens: 300,
      tool_choice: { type: "function", function: { name: "apply_patch" } },
      cache_control: { type: "ephemeral" },
    });
    expect(request.tools).toEqual([
      {
        type: "function",
        function: { name: "apply_patch", description: expect.stringContaining("start: /.+/"), parameters: { type: "object", properties: { input: { type: "string", description: "The tool's input" } }, required: ["input"] } },
      },
    ]);
    expect(toolNames.resolve("apply_patch")).toEqual({ name: "apply_patch", custom: true });
    expect(warnings.map((warning) => `${warning.action} ${warning.field}`)).toEqual(["emulated tools[0]", "dropped tools[1]", "dropped truncation"]);
  });

  it("an input with nothing to answer is a 400 naming input", () => {
    expect(() => translate({ instructions: "sys", input: [] })).toThrow(/input: the conversation has no user or assistant message/);
  });

  it("a tool_choice left without tools: auto is not sent, required is a 400", () => {
    const { request } = translate({ input: "x", tools: [{ type: "web_search" }], tool_choice: "auto" });
    expect(request.tools).toBeUndefined();
    expect(request.tool_choice).toBeUndefined();
    expect(() => translate({ input: "x", tools: [{ type: "web_search" }], tool_choice: "required" })).toThrow(/tool_choice/);
  });

  it("long or odd namespaced names are flattened to valid names, distinct and stable", () => {
    const long = "n".repeat(40);
    const first = translate({ input: "x", tools: [{ type: "namespace", name: long, description: "d", tools: [{ type: "function", name: "t".repeat(40), parameters: null }, { type: "function", name: `${"t".repeat(39)}u`, parameters: null }] }] });
    const names = (first.request.tools as any[]).map((tool) => tool.function.name);
    expect(names[0]).not.toBe(names[1]);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    const again = translate({ input: "x", tools: [{ type: "namespace", name: long, description: "d", tools: [{ type: "function", name: "t".repeat(40), parameters: null }] }] });
    expect((again.request.tools as any[])[0].function.name).toBe(names[0]);
    expect(first.toolNames.resolve(names[1])).toEqual({ name: `${"t".repeat(39)}u`, namespace: long, custom: false });
  });
});

describe("canonical chunks -> Responses events", () => {
  const chunk = (delta: ChatCompletionChunkDelta, finishReason: string | null = null): ChatCompletionChunk =>
    ({ id: "c", object: "chat.completion.chunk", created: 0, model: "m", choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }] }) as ChatCompletionChunk;

  const encode = (chunks: ChatCompletionChunk[], toolNames = new ToolNames()) => {
    const ids = responseIds("k1");
    let finished: Record<string, any> | undefined;
    const encoder = responsesStreamEncoder({
      shell: responseShell({ model: "claude-sonnet-4-6" } as ResponsesBody, ids.response, 0),
      ids,
      toolNames,
      carrier,
      origin: claude,
      now: () => 1000,
      onFinished: (response) => (finished = response),
    });
    const text = chunks.map((piece) => encoder.chunk(piece) ?? "").join("") + encoder.end({ promptTokens: 5, completionTokens: 2, estimated: false });
    return { events: parseResponsesEvents(text), finished };
  };

  it("an Anthropic thinking block ends with its signature sealed, a redacted block becomes its own item", () => {
    const { events, finished } = encode([
      chunk({ role: "assistant", content: "" }),
      chunk({ reasoning_content: "Step one. " }),
      chunk({ reasoning_content: "Step two." }),
      chunk({ reasoning_signature: "sig-1" }),
      chunk({ reasoning_redacted: "blob" }),
      chunk({ content: "Answer" }),
      chunk({}, "stop"),
    ]);
    const response = checkEventOrder(events);
    expect(response).toBe(events.at(-1)!.data.response);
    expect(finished).toEqual(response);
    const [thinking, redacted, message] = response.output;
    expect(thinking.summary).toEqual([{ type: "summary_text", text: "Step one. Step two." }]);
    expect(carrier.open(thinking.encrypted_content)).toEqual({ kind: "anthropic_thinking", thinking: "Step one. Step two.", signature: "sig-1", ...claude });
    expect(redacted).toMatchObject({ type: "reasoning", summary: [] });
    expect(carrier.open(redacted.encrypted_content)).toEqual({ kind: "anthropic_redacted", data: "blob", ...claude });
    expect(message.content[0].text).toBe("Answer");
    expect(response.usage).toMatchObject({ input_tokens: 5, output_tokens: 2, total_tokens: 7 });
  });

  it("a custom tool's emulated call comes back as a custom_tool_call with its input", () => {
    const toolNames = new ToolNames();
    toolNames.declare("apply_patch", undefined, true);
    const { events } = encode(
      [
        chunk({ tool_calls: [{ index: 0, id: "toolu_9", type: "function", function: { name: "apply_patch", arguments: "" } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '{"input":"*** Begin' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: ' Patch"}' } }] }),
        chunk({}, "tool_calls"),
      ],
      toolNames,
    );
    const response = checkEventOrder(events);
    expect(response.output).toEqual([{ id: "ctc_mgk1_0", type: "custom_tool_call", status: "completed", call_id: "toolu_9", name: "apply_patch", input: "*** Begin Patch" }]);
    expect(events.map((event) => event.data.type)).toContain("response.custom_tool_call_input.done");
  });

  it("interleaved tool calls each keep their own item and arguments", () => {
    const { events } = encode([
      chunk({ tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "first", arguments: '{"a":' } }] }),
      chunk({ tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "second", arguments: '{"b":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: "1}" } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: "2}" } }] }),
      chunk({}, "tool_calls"),
    ]);
    const response = checkEventOrder(events);
    expect(response.output.map((item: any) => [item.id, item.call_id, item.name, item.arguments])).toEqual([
      ["fc_mgk1_0", "call_a", "first", '{"a":1}'],
      ["fc_mgk1_1", "call_b", "second", '{"b":2}'],
    ]);
  });

  it("an answer with nothing in it still has its message item", () => {
    const { events } = encode([chunk({}, "stop")]);
    expect(checkEventOrder(events).output).toEqual([expect.objectContaining({ type: "message", content: [expect.objectContaining({ text: "" })] })]);
  });
});
