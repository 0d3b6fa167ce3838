import { describe, expect, it } from "vitest";
import { anthropicMaxTokensCap, toAnthropicRequest } from "../../lib/providers/anthropic/anthropic-request-convert";
import { ProviderError } from "../../lib/providers/provider-error";
import type { ChatRequest } from "../../lib/providers/provider-spec";

const tinyPng = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

describe("toAnthropicRequest", () => {
  it("hoists system and developer messages and fills max_tokens", () => {
    const { params, warnings } = toAnthropicRequest({
      model: "claude-sonnet-5",
      messages: [
        { role: "system", content: "You are terse." },
        { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
        { role: "user", content: "Hello" },
      ],
    });
    expect(params).toEqual({
      model: "claude-sonnet-5",
      max_tokens: 4096,
      system: "You are terse.\n\nAnswer in French.",
      messages: [{ role: "user", content: "Hello" }],
    });
    expect(warnings.map((warning) => warning.message)).toEqual([]);
  });

  it("prefers max_completion_tokens, caps huge values and clamps temperature with warnings", () => {
    const base: ChatRequest = { model: "m", messages: [{ role: "user", content: "x" }] };
    expect(toAnthropicRequest({ ...base, max_tokens: 100, max_completion_tokens: 200 }).params.max_tokens).toBe(200);
    const capped = toAnthropicRequest({ ...base, max_tokens: 1_000_000, temperature: 1.6, top_p: 0.9 });
    expect(capped.params.max_tokens).toBe(anthropicMaxTokensCap);
    expect(capped.params.temperature).toBe(1);
    expect(capped.params.top_p).toBe(0.9);
    expect(capped.warnings.map((warning) => warning.message)).toEqual([`max_tokens 1000000 was capped to ${anthropicMaxTokensCap}`, "temperature 1.6 was clamped to 1 (Anthropic accepts 0 to 1)"]);
    expect(toAnthropicRequest({ ...base, temperature: 0.3 }).warnings.map((warning) => warning.message)).toEqual([]);
  });

  it("maps stop, user and reports unsupported options as warnings", () => {
    const { params, warnings } = toAnthropicRequest({
      model: "m",
      messages: [{ role: "user", content: "x" }],
      stop: "END",
      user: "user-42",
      n: 1,
      seed: 7,
      presence_penalty: 0.5,
      logprobs: false,
      response_format: { type: "json_object" },
    });
    expect(params.stop_sequences).toEqual(["END"]);
    expect(params.metadata).toEqual({ user_id: "user-42" });
    expect(warnings.map((warning) => `${warning.action} ${warning.field}`)).toEqual(["emulated response_format", "dropped seed", "dropped presence_penalty"]);
    expect(toAnthropicRequest({ model: "m", messages: [{ role: "user", content: "x" }], stop: ["a", "b"] }).params.stop_sequences).toEqual(["a", "b"]);
  });

  it("converts tools, tool_choice and parallel_tool_calls", () => {
    const tools: ChatRequest["tools"] = [
      { type: "function", function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } },
      { type: "function", function: { name: "now" } },
    ];
    const request = (toolChoice: ChatRequest["tool_choice"], parallel?: boolean): ChatRequest => ({
      model: "m",
      messages: [{ role: "user", content: "x" }],
      tools,
      tool_choice: toolChoice,
      ...(parallel === undefined ? {} : { parallel_tool_calls: parallel }),
    });
    const converted = toAnthropicRequest(request("required", false)).params;
    expect(converted.tools).toEqual([
      { name: "get_weather", description: "Weather", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
      { name: "now", input_schema: { type: "object" } },
    ]);
    expect(converted.tool_choice).toEqual({ type: "any", disable_parallel_tool_use: true });
    expect(toAnthropicRequest(request("auto")).params.tool_choice).toEqual({ type: "auto" });
    expect(toAnthropicRequest(request(undefined)).params.tool_choice).toEqual({ type: "auto" });
    expect(toAnthropicRequest(request("none", false)).params.tool_choice).toEqual({ type: "none" });
    expect(toAnthropicRequest(request({ type: "function", function: { name: "now" } })).params.tool_choice).toEqual({ type: "tool", name: "now" });
  });

  it("turns assistant tool_calls into tool_use and consecutive tool messages into one user turn", () => {
    const { params, warnings } = toAnthropicRequest({
      model: "m",
      messages: [
        { role: "user", content: "Weather in Paris and Rome?" },
        {
          role: "assistant",
          content: "Let me check.",
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
            { id: "call_2", type: "function", function: { name: "get_weather", arguments: "" } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "18C" },
        { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "21C" }] },
        { role: "user", content: "Thanks" },
      ],
    });
    expect(params.messages).toEqual([
      { role: "user", content: "Weather in Paris and Rome?" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Let me check." },
          { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "call_2", name: "get_weather", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "call_1", content: "18C" },
          { type: "tool_result", tool_use_id: "call_2", content: "21C" },
          { type: "text", text: "Thanks" },
        ],
      },
    ]);
    expect(warnings.map((warning) => warning.message)).toEqual([]);
  });

  it("warns about tool arguments that are not a JSON object", () => {
    const { params, warnings } = toAnthropicRequest({
      model: "m",
      messages: [
        { role: "user", content: "x" },
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "not json" } }] },
        { role: "tool", tool_call_id: "call_1", content: "ok" },
      ],
    });
    expect(params.messages[1]).toEqual({ role: "assistant", content: [{ type: "tool_use", id: "call_1", name: "f", input: {} }] });
    expect(warnings.map((warning) => warning.message)).toEqual(["tool call arguments that are not a JSON object were sent as {}"]);
  });

  it("converts images (data URI and URL) and PDFs, and drops what Anthropic cannot take", () => {
    const { params, warnings } = toAnthropicRequest({
      model: "m",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Compare" },
            { type: "image_url", image_url: { url: `data:image/png;base64,${tinyPng}`, detail: "high" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
            { type: "image_url", image_url: { url: "data:image/bmp;base64,Qk0=" } },
            { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" } },
            { type: "input_audio", input_audio: { data: "AAAA", format: "wav" } },
          ],
        },
      ],
    });
    expect(params.messages[0].content).toEqual([
      { type: "text", text: "Compare" },
      { type: "image", source: { type: "base64", media_type: "image/png", data: tinyPng } },
      { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
      { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" } },
    ]);
    expect(warnings.map((warning) => warning.message)).toEqual([
      "an image that is neither an http(s) URL nor a base64 JPEG, PNG, GIF or WebP data URI was dropped",
      'content parts of type "input_audio" are not supported by Anthropic and were dropped',
    ]);
  });

  it("merges consecutive turns of one role and drops empty ones with a warning", () => {
    const { params, warnings } = toAnthropicRequest({
      model: "m",
      messages: [
        { role: "user", content: "a" },
        { role: "user", content: "b" },
        { role: "assistant", content: "" },
        { role: "user", content: "c" },
      ],
    });
    expect(params.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }, { type: "text", text: "c" }] },
    ]);
    expect(warnings.map((warning) => warning.message)).toEqual(["an empty assistant message was dropped"]);
  });

  it("rejects parts too malformed to convert as a client error, not an adapter failure", () => {
    const base: ChatRequest = { model: "m", messages: [{ role: "user", content: "x" }] };
    const malformed = [
      { ...base, tools: [{ type: "function" }] },
      { ...base, messages: [{ role: "user", content: [{ type: "image_url" }] }] },
      { ...base, tools: [{ type: "function", function: { name: "f" } }], tool_choice: { type: "function" } },
    ] as unknown as ChatRequest[];
    for (const request of malformed) {
      let thrown: unknown;
      try {
        toAnthropicRequest(request);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ProviderError);
      expect(thrown).toMatchObject({ kind: "client_error", status: 400, code: "invalid_request", provider: "anthropic" });
    }
  });
});
