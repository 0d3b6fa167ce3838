import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream";
import { TOOL_OUTPUT_MISSING, TOOL_OUTPUT_PROOF, agentPrompt, newRunId, nonceFor, toolRoundResponder } from "./agent-tool-round";

const apiKey = "sk-agent-round-0000";
let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.respond(apiKey, toolRoundResponder);
});
afterAll(() => upstream.close());

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const response = await fetch(upstream.url + path, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

const bashTool = { type: "function", function: { name: "Bash", parameters: { type: "object", properties: { command: { type: "string" } } } } };

describe("the fake model's tool round", () => {
  it("asks for the shell tool the request offers, then quotes the nonce only when the tool result carries it", async () => {
    const runId = newRunId();
    const nonce = nonceFor(runId);
    expect(agentPrompt(runId)).not.toContain(nonce);
    const messages = [{ role: "user", content: agentPrompt(runId) }];

    const first = await post("/v1/chat/completions", { model: "gpt-4.1-mini", messages, tools: [bashTool] });
    const call = first.json.choices[0].message.tool_calls[0];
    expect(call.function).toEqual({ name: "Bash", arguments: JSON.stringify({ command: `echo ${nonce}`, description: "Print the task's nonce" }) });

    const history = [...messages, { role: "assistant", content: null, tool_calls: [call] }];
    const answered = await post("/v1/chat/completions", { model: "gpt-4.1-mini", messages: [...history, { role: "tool", tool_call_id: call.id, content: `${nonce}\n` }], tools: [bashTool] });
    expect(answered.json.choices[0].message.content).toBe(`${TOOL_OUTPUT_PROOF} ${nonce}`);
    const wrong = await post("/v1/chat/completions", { model: "gpt-4.1-mini", messages: [...history, { role: "tool", tool_call_id: call.id, content: "something else" }], tools: [bashTool] });
    expect(wrong.json.choices[0].message.content).toBe(`${TOOL_OUTPUT_MISSING} something else`);
  });

  it("reads Codex's exec_command and function_call_output items on the Responses API", async () => {
    const runId = newRunId();
    const nonce = nonceFor(runId);
    const input = [{ type: "message", role: "user", content: [{ type: "input_text", text: agentPrompt(runId) }] }];
    const tools = [{ type: "function", name: "exec_command", parameters: { type: "object" } }];
    const first = await post("/v1/responses", { model: "gpt-5-mini", input, tools, client_metadata: { a: "b" } });
    expect(first.json.output[0]).toMatchObject({ type: "function_call", name: "exec_command", arguments: JSON.stringify({ cmd: `echo ${nonce}` }) });
    const output = `Process exited with code 0\nOutput:\n${nonce}\n`;
    const second = await post("/v1/responses", { model: "gpt-5-mini", input: [...input, first.json.output[0], { type: "function_call_output", call_id: first.json.output[0].call_id, output }], tools });
    expect(second.json.output[0].content[0].text).toBe(`${TOOL_OUTPUT_PROOF} ${nonce}`);
  });

  it("sends the real providers' 400s for parameters they reject", async () => {
    const messages = [{ role: "user", content: "hi" }];
    const thinking = await post("/v1/chat/completions", { model: "gpt-4.1-mini", messages, thinking: { type: "adaptive" } });
    expect(thinking).toMatchObject({ status: 400, json: { error: { message: "Unrecognized request argument supplied: thinking" } } });
    const effort = await post("/v1/chat/completions", { model: "gpt-4.1-mini", messages, reasoning_effort: "high" });
    expect(effort).toMatchObject({ status: 400, json: { error: { param: "reasoning_effort", code: "unsupported_parameter" } } });
    expect((await post("/v1/chat/completions", { model: "gpt-5-mini", messages, reasoning_effort: "high", max_completion_tokens: 10 })).status).toBe(200);
    expect((await post("/v1/chat/completions", { model: "gpt-5-mini", messages, max_tokens: 10 })).status).toBe(400);
    expect((await post("/v1/responses", { model: "gpt-5-mini", input: "hi", messages })).status).toBe(400);

    const anthropic = { model: "claude-sonnet-4-6", max_tokens: 100, messages, context_management: { edits: [] } };
    const noBeta = await post("/v1/messages", anthropic, { "anthropic-version": "2023-06-01" });
    expect(noBeta).toMatchObject({ status: 400, json: { type: "error", error: { type: "invalid_request_error" } } });
    expect(noBeta.json.error.message).toContain("context_management");
    expect((await post("/v1/messages", anthropic, { "anthropic-version": "2023-06-01", "anthropic-beta": "claude-code-20250219,context-management-2025-06-27" })).status).toBe(200);
    expect((await post("/v1/messages", { ...anthropic, context_management: undefined, reasoning_effort: "high" }, { "anthropic-version": "2023-06-01" })).status).toBe(400);
    // DeepSeek ignores what it does not know.
    expect((await post("/chat/completions", { model: "deepseek-chat", messages, thinking: { type: "enabled" } })).status).toBe(200);
  });
});
