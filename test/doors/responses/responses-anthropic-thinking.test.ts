/**
 * Anthropic signed thinking through the Responses door: the thinking block and its signature
 * leave as a reasoning item whose `encrypted_content` the gateway sealed, and come back on the
 * next turn (Codex-style, `store: false`) as the same thinking block before the tool call.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ReasoningCarrier } from "../../../lib/gateway/reasoning-carrier";
import { reply } from "../../support/fake-upstream";
import { startGatewayFixture, type GatewayFixture } from "../../gateway/gateway-fixtures";
import { checkEventOrder, parseResponsesEvents } from "./responses-events";

const CLAUDE_KEY = "sk-ant-upstream-key-000000002";
const tools = [{ type: "function", name: "lookup", parameters: { type: "object", properties: { q: { type: "string" } } } }];

describe("Anthropic thinking through the Responses door", () => {
  let g: GatewayFixture;
  let clientKey: string;
  beforeAll(async () => {
    g = await startGatewayFixture();
    await g.addKey("anthropic", CLAUDE_KEY);
    clientKey = await g.addClient({ name: "thinking-app" });
  });
  afterAll(async () => {
    await g?.close();
  });
  beforeEach(() => g.upstream.reset());

  it.each([true, false])("streamed %s: the signed block goes out sealed and comes back to Claude unchanged", async (stream) => {
    g.upstream.script(CLAUDE_KEY, reply.ok({ reasoning: "Need to look it up.", toolCalls: [{ name: "lookup", arguments: { q: "x" } }] }));
    const body = { model: "claude-sonnet-4-6", input: "go", tools, store: false, stream, reasoning: { effort: "high", summary: "auto" }, include: ["reasoning.encrypted_content"] };
    const response = await g.chat(body, { token: clientKey, path: "/v1/responses" });
    expect(response.status).toBe(200);
    const first = stream ? checkEventOrder(parseResponsesEvents(await response.text())) : ((await response.json()) as Record<string, any>);
    const [reasoning, call] = first.output;
    const carrier = new ReasoningCarrier(g.deps.jwtSecret);
    const opened = carrier.open(reasoning.encrypted_content);
    expect(opened).toMatchObject({ kind: "anthropic_thinking", thinking: "Need to look it up.", signature: expect.stringMatching(/.+/), format: "anthropic", model: "claude-sonnet-4-6" });

    g.upstream.script(CLAUDE_KEY, reply.ok({ content: "done" }));
    const second = await g.chat(
      { ...body, stream: false, input: ["go", reasoning, call, { type: "function_call_output", call_id: call.call_id, output: "result" }].map((item) => (typeof item === "string" ? { role: "user", content: item } : item)) },
      { token: clientKey, path: "/v1/responses" },
    );
    expect(second.status).toBe(200);
    const sent = g.upstream.requestsFor(CLAUDE_KEY)[1].body.messages;
    expect(sent[1]).toEqual({
      role: "assistant",
      content: [
        { type: "thinking", thinking: "Need to look it up.", signature: (opened as { signature: string }).signature },
        { type: "tool_use", id: call.call_id, name: "lookup", input: { q: "x" } },
      ],
    });
  });
});
