/**
 * What Claude Code sends, replayed against the Messages door for models it reaches by
 * translation (DeepSeek, OpenAI) and by pass-through (Claude): the observed request shape
 * (`?beta=true`, Bearer token, `anthropic-beta` list, three system blocks with cache_control,
 * thinking with `display: "omitted"`, `context_management`, `max_tokens: 32000`), a tool round,
 * and the answer framing it needs (named events, signed thinking).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { reply } from "../../support/fake-upstream";
import { startGatewayFixture, type GatewayFixture } from "../../gateway/gateway-fixtures";

const KEYS = { deepseek: "sk-deepseek-claude-code-0001", openai: "sk-openai-claude-code-000002", anthropic: "sk-ant-claude-code-00000003" } as const;
const BETAS = "interleaved-thinking-2025-05-14,context-management-2025-06-27,claude-code-20250219,thinking-token-count-2026-05-13,advanced-tool-use-2025-11-20";
const SESSION = "3f6b3c1e-8d1a-4a55-9d0e-3b2a7e9c1f00";

const tools = [
  { name: "Bash", description: "Run a shell command", input_schema: { type: "object", properties: { command: { type: "string" } }, required: ["command"], additionalProperties: false, $schema: "http://json-schema.org/draft-07/schema#" } },
  { name: "Read", description: "Read a file", input_schema: { type: "object", properties: { file_path: { type: "string" } }, required: ["file_path"] } },
];

function claudeCodeBody(model: string, messages: unknown[]) {
  return {
    model,
    messages,
    system: [
      { type: "text", text: "x-anthropic-billing-header: cc_version=2.1.328; cc_entrypoint=sdk-cli;" },
      { type: "text", text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: { type: "ephemeral" } },
      { type: "text", text: "Environment: linux. Use the tools.", cache_control: { type: "ephemeral" } },
    ],
    tools,
    metadata: { user_id: `user_${"a".repeat(64)}_account__session_${SESSION}` },
    max_tokens: 32000,
    thinking: { type: "enabled", budget_tokens: 31999, display: "omitted" },
    context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] },
    stream: true,
  };
}

/** The data payloads of a Messages stream, checking each has its `event:` line. */
function sseEvents(text: string): Array<Record<string, any>> {
  return text
    .trim()
    .split("\n\n")
    .map((block) => {
      const [eventLine, dataLine] = block.split("\n");
      const data = JSON.parse(dataLine.slice("data: ".length));
      expect(eventLine).toBe(`event: ${data.type}`);
      return data;
    });
}

describe("Claude Code's requests through the Messages door", () => {
  let g: GatewayFixture;
  let baseURL: string;
  let token: string;

  const send = (body: unknown) =>
    fetch(`${baseURL}/v1/messages?beta=true`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${token}`,
        "anthropic-version": "2023-06-01",
        "anthropic-beta": BETAS,
        "x-claude-code-session-id": SESSION,
        "user-agent": "claude-cli/2.1.328 (external, sdk-cli)",
        "x-app": "cli",
      },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    g = await startGatewayFixture();
    for (const [provider, key] of Object.entries(KEYS)) await g.addKey(provider, key);
    token = await g.addClient({ name: "claude-code" });
    baseURL = (await g.listen()).replace(/\/v1$/, "");
  });
  afterAll(async () => {
    await g?.close();
  });
  beforeEach(() => g.upstream.reset());

  for (const [provider, model] of [
    ["deepseek", "deepseek-reasoner"],
    ["openai", "gpt-4.1"],
  ] as const) {
    it(`a tool round on ${model}: signed thinking with its text omitted, the tool call, then the result back to ${provider}`, async () => {
      const key = KEYS[provider];
      g.upstream.script(key, reply.toolCall("Bash", { command: "ls" }, { reasoning: "List the files first." }));
      const first = await send(claudeCodeBody(model, [{ role: "user", content: [{ type: "text", text: "What files are here?", cache_control: { type: "ephemeral" } }] }]));
      expect(first.status).toBe(200);
      const warnings = first.headers.get("x-modelgate-warnings")!;
      expect(warnings).toContain("context_management");
      expect(warnings).toContain("metadata.user_id");
      const events = sseEvents(await first.text());
      expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(["message_start", "message_delta", "message_stop"]));

      const blocks: Array<Record<string, any>> = [];
      for (const event of events) {
        if (event.type === "content_block_start") blocks[event.index] = { ...event.content_block };
        if (event.type === "content_block_delta" && event.delta.type === "signature_delta") blocks[event.index].signature = event.delta.signature;
        if (event.type === "content_block_delta" && event.delta.type === "thinking_delta") blocks[event.index].thinking += event.delta.thinking;
        if (event.type === "content_block_delta" && event.delta.type === "input_json_delta") blocks[event.index].partial = (blocks[event.index].partial ?? "") + event.delta.partial_json;
      }
      const [thinking, toolUse] = blocks;
      expect(thinking).toMatchObject({ type: "thinking", thinking: "" });
      expect(thinking.signature).toMatch(/^mg1\./);
      expect(toolUse).toMatchObject({ type: "tool_use", name: "Bash" });
      expect(JSON.parse(toolUse.partial)).toEqual({ command: "ls" });

      const sent = g.upstream.requestsFor(key)[0].body;
      // Chat providers cache prompts on their own: the breakpoints stay behind, the text goes.
      expect(sent.messages.slice(0, 1)).toEqual([
        {
          role: "system",
          content: [
            { type: "text", text: "x-anthropic-billing-header: cc_version=2.1.328; cc_entrypoint=sdk-cli;" },
            { type: "text", text: "You are Claude Code, Anthropic's official CLI for Claude." },
            { type: "text", text: "Environment: linux. Use the tools." },
          ],
        },
      ]);
      expect(sent.tools.map((tool: { function: { name: string } }) => tool.function.name)).toEqual(["Bash", "Read"]);
      expect(sent.max_tokens ?? sent.max_completion_tokens).toBeLessThanOrEqual(32000);

      g.upstream.script(key, reply.ok({ content: "There are two files." }));
      const second = await send(
        claudeCodeBody(model, [
          { role: "user", content: [{ type: "text", text: "What files are here?" }] },
          { role: "assistant", content: [{ type: "thinking", thinking: "", signature: thinking.signature }, { type: "tool_use", id: toolUse.id, name: "Bash", input: { command: "ls" } }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "a.txt\nb.txt" }] },
        ]),
      );
      expect(second.status).toBe(200);
      const text = sseEvents(await second.text())
        .filter((event) => event.delta?.type === "text_delta")
        .map((event) => event.delta.text)
        .join("");
      expect(text).toBe("There are two files.");
      const resent = g.upstream.requestsFor(key)[1].body.messages;
      const assistant = resent.find((message: { role: string }) => message.role === "assistant");
      expect(assistant.tool_calls[0].id).toBe("call_fake_1_0");
      expect(resent.find((message: { role: string }) => message.role === "tool")).toEqual({ role: "tool", tool_call_id: "call_fake_1_0", content: "a.txt\nb.txt" });
      // Reasoning goes back to the provider format that produced it; OpenAI's Chat API has no field for it.
      expect(assistant.reasoning_content).toBe(provider === "deepseek" ? "List the files first." : undefined);
      const rows = (await g.logRows()).slice(-2);
      expect(rows.map((row) => [row.door, row.upstream_protocol, row.status, row.is_stream])).toEqual([
        ["messages", "canonical", "success", 1],
        ["messages", "canonical", "success", 1],
      ]);
      expect(rows[0].prompt_tokens).toBeGreaterThan(0);
    });
  }

  it("the same request for a Claude model passes through with Claude Code's headers", async () => {
    const body = claudeCodeBody("claude-sonnet-4-6", [{ role: "user", content: "hi" }]);
    const response = await send(body);
    expect(response.status).toBe(200);
    sseEvents(await response.text());
    const [upstream] = g.upstream.requestsFor(KEYS.anthropic);
    expect(upstream.rawBody).toBe(JSON.stringify(body));
    expect(upstream.headers).toMatchObject({ "anthropic-beta": BETAS, "anthropic-version": "2023-06-01", "x-claude-code-session-id": SESSION });
    expect(response.headers.get("x-modelgate-warnings")).toBeNull();
  });
});
