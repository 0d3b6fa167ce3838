/**
 * Codex-style traffic (`store: false`, the full history re-sent each turn, reasoning items with
 * `encrypted_content` replayed) on a translated model: the gateway's sealed reasoning comes back
 * and reaches DeepSeek as `reasoning_content` on the tool-call turn, and nothing is stored.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { reply } from "../../support/fake-upstream";
import { startGatewayFixture, type GatewayFixture } from "../../gateway/gateway-fixtures";
import { checkEventOrder, parseResponsesEvents } from "./responses-events";

const DEEPSEEK_KEY = "sk-deepseek-upstream-key-0003";

const codexTools = [
  { type: "function", name: "shell", description: "Runs a command", strict: false, parameters: { type: "object", properties: { command: { type: "array", items: { type: "string" } } }, required: ["command"] } },
  { type: "namespace", name: "files", description: "File tools", tools: [{ type: "function", name: "read", parameters: { type: "object", properties: { path: { type: "string" } } } }] },
  { type: "web_search" },
];

describe("Codex-style requests on DeepSeek", () => {
  let g: GatewayFixture;
  let clientKey: string;

  const turn = async (input: unknown[]) => {
    const body = {
      model: "deepseek-reasoner",
      stream: true,
      store: false,
      input,
      tools: codexTools,
      tool_choice: "auto",
      parallel_tool_calls: false,
      reasoning: { summary: "auto" },
      include: ["reasoning.encrypted_content"],
      prompt_cache_key: "thread-1",
      client_metadata: { "x-codex-turn": "1" },
    };
    const response = await g.chat(body, { token: clientKey, path: "/v1/responses" });
    expect(response.status).toBe(200);
    return { response: checkEventOrder(parseResponsesEvents(await response.text())), warnings: response.headers.get("x-modelgate-warnings") ?? "" };
  };

  beforeAll(async () => {
    g = await startGatewayFixture();
    await g.addKey("deepseek", DEEPSEEK_KEY);
    clientKey = await g.addClient({ name: "codex" });
  });
  afterAll(async () => {
    await g?.close();
  });
  beforeEach(() => g.upstream.reset());

  it("two turns with a tool round: reasoning returns as reasoning_content, namespaced tools split back, hosted tools dropped by name", async () => {
    const history: unknown[] = [
      { type: "message", role: "developer", content: [{ type: "input_text", text: "You are Codex." }] },
      { type: "message", role: "user", content: [{ type: "input_text", text: "List the files" }] },
    ];
    g.upstream.script(DEEPSEEK_KEY, reply.ok({ reasoning: "I should run ls.", toolCalls: [{ name: "shell", arguments: { command: ["ls"] } }, { name: "files__read", arguments: { path: "a.txt" } }] }));
    const first = await turn(history);
    const [reasoning, shellCall, readCall] = first.response.output;
    expect(reasoning).toMatchObject({ type: "reasoning", summary: [{ text: "I should run ls." }], encrypted_content: expect.stringMatching(/^mg1\./) });
    expect(shellCall).toMatchObject({ type: "function_call", name: "shell", arguments: '{"command":["ls"]}' });
    expect(readCall).toMatchObject({ type: "function_call", name: "read", namespace: "files" });
    expect(first.warnings).toContain("tools[2]");

    const upstreamFirst = g.upstream.requestsFor(DEEPSEEK_KEY)[0].body;
    expect(upstreamFirst.tools.map((tool: any) => tool.function.name)).toEqual(["shell", "files__read"]);
    expect(upstreamFirst.stream).toBe(true);

    g.upstream.script(DEEPSEEK_KEY, reply.ok({ content: "a.txt b.txt" }));
    const second = await turn([
      ...history,
      // Codex replays reasoning without its id.
      { type: "reasoning", summary: reasoning.summary, encrypted_content: reasoning.encrypted_content },
      { type: "function_call", call_id: shellCall.call_id, name: "shell", arguments: shellCall.arguments },
      { type: "function_call", call_id: readCall.call_id, name: "read", namespace: "files", arguments: readCall.arguments },
      { type: "function_call_output", call_id: shellCall.call_id, output: "a.txt\nb.txt" },
      { type: "function_call_output", call_id: readCall.call_id, output: "hello" },
    ]);
    expect(second.response.output_text).toBe("a.txt b.txt");
    const messages = g.upstream.requestsFor(DEEPSEEK_KEY)[1].body.messages;
    expect(messages.slice(2)).toEqual([
      {
        role: "assistant",
        content: null,
        reasoning_content: "I should run ls.",
        tool_calls: [
          { id: shellCall.call_id, type: "function", function: { name: "shell", arguments: '{"command":["ls"]}' } },
          { id: readCall.call_id, type: "function", function: { name: "files__read", arguments: '{"path":"a.txt"}' } },
        ],
      },
      { role: "tool", tool_call_id: shellCall.call_id, content: "a.txt\nb.txt" },
      { role: "tool", tool_call_id: readCall.call_id, content: "hello" },
    ]);
    expect(JSON.stringify(messages.slice(0, 2))).toContain("You are Codex.");

    const stored = await g.database.handle.db.selectFrom("t_gateway_responses").select("id").execute();
    expect(stored).toEqual([]);
    const rows = await g.logRows();
    expect(rows.map((row) => [row.door, row.status, row.prompt_tokens > 0])).toEqual([["responses", "success", true], ["responses", "success", true]]);
  });

  it("a forged or foreign encrypted_content is dropped with a warning, never sent", async () => {
    g.upstream.script(DEEPSEEK_KEY, reply.ok({ content: "ok" }));
    const { warnings } = await turn([
      { type: "message", role: "user", content: "hi" },
      { type: "reasoning", summary: [], encrypted_content: "gAAAAABopenai-encrypted" },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "earlier" }] },
      { type: "message", role: "user", content: "again" },
    ]);
    expect(warnings).toContain("input[1]");
    const sent = JSON.stringify(g.upstream.requestsFor(DEEPSEEK_KEY)[0].body);
    expect(sent).not.toContain("gAAAAABopenai-encrypted");
    expect(sent).not.toContain("reasoning_content");
  });
});
