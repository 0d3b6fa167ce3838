/**
 * The Messages -> canonical translation, field by field: what reaches a Chat upstream, and the
 * warning for everything that cannot.
 */
import { describe, expect, it } from "vitest";
import { messagesBodySchema, type MessagesBody } from "../../../lib/doors/messages/messages-schemas";
import { messagesToCanonical } from "../../../lib/doors/messages/messages-to-canonical";
import { toAnthropicToolId, toUpstreamToolId } from "../../../lib/doors/messages/messages-tool-ids";
import { ReasoningCarrier } from "../../../lib/gateway/reasoning-carrier";
import type { ProviderFormat } from "../../../lib/providers/provider-spec";

const carrier = new ReasoningCarrier("test secret for carriers");

function translate(body: Record<string, unknown>, { targetFormat = "openai" as ProviderFormat, headers = new Headers() } = {}) {
  const parsed: MessagesBody = messagesBodySchema.parse({ model: "m", max_tokens: 100, ...body });
  const { request, warnings } = messagesToCanonical(parsed, { headers, carrier, targetFormat });
  return { request: request as unknown as Record<string, any>, warnings };
}

const fields = (warnings: Array<{ action: string; field: string }>) => warnings.map((warning) => `${warning.action} ${warning.field}`);

describe("messagesToCanonical", () => {
  it("system prompts: a string stays a string, blocks keep their cache_control, mid-history system messages stay in place", () => {
    const { request } = translate({
      system: [
        { type: "text", text: "attribution" },
        { type: "text", text: "You are helpful.", cache_control: { type: "ephemeral", ttl: "1h" } },
      ],
      messages: [
        { role: "user", content: "a" },
        { role: "system", content: "Reminder." },
        { role: "assistant", content: "b" },
      ],
      cache_control: { type: "ephemeral" },
    });
    expect(request.messages).toEqual([
      { role: "system", content: [{ type: "text", text: "attribution" }, { type: "text", text: "You are helpful.", cache_control: { type: "ephemeral", ttl: "1h" } }] },
      { role: "user", content: "a" },
      { role: "system", content: "Reminder." },
      { role: "assistant", content: "b" },
    ]);
    expect(request.cache_control).toEqual({ type: "ephemeral" });
    expect(translate({ system: "Plain.", messages: [{ role: "user", content: "x" }] }).request.messages[0]).toEqual({ role: "system", content: "Plain." });
  });

  it("user images and documents become content parts; what Chat cannot take is a named warning", () => {
    const { request, warnings } = translate({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Look:" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" }, cache_control: { type: "ephemeral" } },
            { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
            { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" }, title: "Report Q3" },
            { type: "document", source: { type: "text", media_type: "text/plain", data: "plain notes" }, title: "Notes" },
            { type: "document", source: { type: "url", url: "https://example.com/a.pdf" } },
            { type: "image", source: { type: "file", file_id: "file_1" } },
          ],
        },
      ],
    });
    expect(request.messages[0].content).toEqual([
      { type: "text", text: "Look:" },
      { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" }, cache_control: { type: "ephemeral" } },
      { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
      { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "Report Q3.pdf" } },
      { type: "text", text: "Notes\n\nplain notes" },
    ]);
    expect(fields(warnings)).toEqual(["emulated messages.content.document", "dropped messages.content.document", "dropped messages.content.image"]);
  });

  it("tool results become tool messages before the rest of the turn; errors are prefixed, result images follow in a user message", () => {
    const { request } = translate({
      messages: [
        { role: "user", content: "go" },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Calling two tools." },
            { type: "tool_use", id: "toolu_call_A", name: "read", input: { path: "a.txt" } },
            { type: "tool_use", id: "toolu_01NativeId", name: "shot", input: {} },
          ],
        },
        {
          role: "user",
          content: [
            { type: "text", text: "Here you go." },
            { type: "tool_result", tool_use_id: "toolu_call_A", content: [{ type: "text", text: "line 1" }, { type: "text", text: "line 2" }], is_error: true },
            { type: "tool_result", tool_use_id: "toolu_01NativeId", content: [{ type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/" } }] },
          ],
        },
      ],
    });
    expect(request.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: "Calling two tools.",
        tool_calls: [
          { id: "call_A", type: "function", function: { name: "read", arguments: '{"path":"a.txt"}' } },
          { id: "01NativeId", type: "function", function: { name: "shot", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "call_A", content: "Error: line 1\nline 2" },
      { role: "tool", tool_call_id: "01NativeId", content: "" },
      { role: "user", content: [{ type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/" } }, { type: "text", text: "Here you go." }] },
    ]);
  });

  it("thinking: gateway carriers return to their own format only, Anthropic's signatures become thinking_blocks, altered carriers are dropped", () => {
    const sealed = carrier.seal({ kind: "deepseek_reasoning", text: "because", format: "deepseek", model: "deepseek-reasoner" });
    const history = (signature: string) => ({
      messages: [
        { role: "user", content: "q" },
        { role: "assistant", content: [{ type: "thinking", thinking: "", signature }, { type: "text", text: "a" }] },
        { role: "user", content: "again" },
      ],
    });
    expect(translate(history(sealed), { targetFormat: "deepseek" }).request.messages[1]).toEqual({ role: "assistant", content: "a", reasoning_content: "because" });

    const elsewhere = translate(history(sealed), { targetFormat: "openai" });
    expect(elsewhere.request.messages[1]).toEqual({ role: "assistant", content: "a" });
    expect(fields(elsewhere.warnings)).toEqual(["dropped messages.content.thinking"]);

    const native = translate({
      messages: [
        { role: "user", content: "q" },
        { role: "assistant", content: [{ type: "thinking", thinking: "t", signature: "EqNative==" }, { type: "redacted_thinking", data: "EncRedacted" }, { type: "text", text: "a" }] },
      ],
    });
    expect(native.request.messages[1].thinking_blocks).toEqual([
      { type: "thinking", thinking: "t", signature: "EqNative==" },
      { type: "redacted_thinking", data: "EncRedacted" },
    ]);

    const thinkingOnly = translate({
      messages: [
        { role: "user", content: "q" },
        { role: "assistant", content: [{ type: "thinking", thinking: "t", signature: "EqNative==" }] },
        { role: "user", content: "go on" },
      ],
    });
    expect(thinkingOnly.request.messages[1]).toEqual({ role: "assistant", content: "", thinking_blocks: [{ type: "thinking", thinking: "t", signature: "EqNative==" }] });

    const forged = translate(history(`${sealed.slice(0, -3)}AAA`), { targetFormat: "deepseek" });
    expect(forged.request.messages[1]).toEqual({ role: "assistant", content: "a" });
    expect(fields(forged.warnings)).toEqual(["dropped messages.content.thinking"]);
  });

  it("tools and tool_choice: custom tools become functions, Anthropic's own tools are dropped, choices map", () => {
    const tools = [
      { name: "read", description: "Read a file", input_schema: { type: "object", properties: { path: { type: "string" } } }, strict: true, cache_control: { type: "ephemeral" } },
      { type: "bash_20250124", name: "bash" },
      { type: "web_search_20250305", name: "web_search", max_uses: 3 },
    ];
    const { request, warnings } = translate({ messages: [{ role: "user", content: "x" }], tools, tool_choice: { type: "any", disable_parallel_tool_use: true } });
    expect(request.tools).toEqual([
      { type: "function", function: { name: "read", description: "Read a file", parameters: tools[0].input_schema, strict: true }, cache_control: { type: "ephemeral" } },
    ]);
    expect(request.tool_choice).toBe("required");
    expect(request.parallel_tool_calls).toBe(false);
    expect(fields(warnings)).toEqual(["dropped tools.bash", "dropped tools.web_search"]);

    const choose = (tool_choice: unknown) => translate({ messages: [{ role: "user", content: "x" }], tools: [tools[0]], tool_choice }).request;
    expect(choose({ type: "auto" })).toMatchObject({ tool_choice: "auto" });
    expect(choose({ type: "none" })).toMatchObject({ tool_choice: "none" });
    expect(choose({ type: "tool", name: "read" })).toMatchObject({ tool_choice: { type: "function", function: { name: "read" } } });
    expect(() => choose({ type: "tool", name: "bash" })).toThrow(/bash/);
    expect(choose({ type: "future_choice" }).tool_choice).toBeUndefined();
    expect(choose({ type: "auto" }).parallel_tool_calls).toBeUndefined();
  });

  it("thinking and effort: adaptive with effort, budget buckets, between_tools adjusted, unknown effort dropped", () => {
    const reasoning = (extra: Record<string, unknown>) => {
      const { request, warnings } = translate({ messages: [{ role: "user", content: "x" }], ...extra });
      return { thinking: request.thinking, effort: request.reasoning_effort, warnings: fields(warnings) };
    };
    expect(reasoning({ thinking: { type: "adaptive", display: "omitted" }, output_config: { effort: "max" } })).toEqual({ thinking: { type: "adaptive", display: "omitted" }, effort: "max", warnings: [] });
    expect(reasoning({ thinking: { type: "enabled", budget_tokens: 1024 } })).toMatchObject({ thinking: { type: "enabled", budget_tokens: 1024 }, effort: "low" });
    expect(reasoning({ thinking: { type: "enabled", budget_tokens: 4096 } }).effort).toBe("medium");
    expect(reasoning({ thinking: { type: "enabled", budget_tokens: 31999 } }).effort).toBe("high");
    expect(reasoning({ thinking: { type: "disabled" } })).toEqual({ thinking: { type: "disabled" }, effort: undefined, warnings: [] });
    expect(reasoning({ thinking: { type: "between_tools" } })).toEqual({ thinking: { type: "adaptive" }, effort: undefined, warnings: ["adjusted thinking"] });
    expect(reasoning({ thinking: { type: "telepathic" } })).toEqual({ thinking: undefined, effort: undefined, warnings: ["dropped thinking"] });
    expect(reasoning({ output_config: { effort: "ludicrous" } })).toEqual({ thinking: undefined, effort: undefined, warnings: ["dropped output_config.effort"] });
  });

  it("sampling, stops, structured output, metadata, the session header, and unknown fields", () => {
    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] };
    const { request, warnings } = translate(
      {
        messages: [{ role: "user", content: "x" }],
        temperature: 0.3,
        top_p: 0.9,
        top_k: 40,
        stop_sequences: ["a", "b", "c", "d", "e"],
        output_config: { format: { type: "json_schema", schema } },
        metadata: { user_id: "u-1", extra: "x" },
        context_management: { edits: [] },
        container: "c-1",
        mcp_servers: [],
        speed: "fast",
      },
      { headers: new Headers({ "x-claude-code-session-id": "sess-42" }) },
    );
    expect(request).toMatchObject({
      max_tokens: 100,
      temperature: 0.3,
      top_p: 0.9,
      stop: ["a", "b", "c", "d"],
      response_format: { type: "json_schema", json_schema: { name: "output", schema, strict: true } },
      user: "u-1",
      prompt_cache_key: "sess-42",
    });
    for (const field of ["top_k", "stop_sequences", "context_management", "container", "mcp_servers", "speed", "metadata", "output_config"]) expect(request[field]).toBeUndefined();
    expect(fields(warnings)).toEqual([
      "dropped top_k",
      "adjusted stop_sequences",
      "dropped metadata.extra",
      "dropped context_management",
      "dropped container",
      "dropped mcp_servers",
      "dropped speed",
    ]);
    expect(translate({ messages: [{ role: "user", content: "x" }], output_format: { type: "json_schema", schema } }).request.response_format.json_schema.schema).toEqual(schema);
  });

  it("repeated unsupported blocks make one warning, not one per block", () => {
    const replay = { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: {} };
    const { warnings } = translate({
      messages: [
        { role: "user", content: "x" },
        { role: "assistant", content: [replay, { type: "text", text: "one" }] },
        { role: "user", content: "y" },
        { role: "assistant", content: [replay, { type: "text", text: "two" }] },
      ],
    });
    expect(fields(warnings)).toEqual(["dropped messages.content.server_tool_use"]);
  });
});

describe("tool ids between Chat and Anthropic", () => {
  const upstreamIds = ["call_abc123", "functions.Bash:0", "chatcmpl-tool-9f", "mgx_looks_encoded", "toolu_already", "", "id with spaces/é", "x"];

  it("are in Anthropic's alphabet, reversible and injective", () => {
    const minted = upstreamIds.map(toAnthropicToolId);
    for (const id of minted) expect(id).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(new Set(minted).size).toBe(upstreamIds.length);
    expect(minted.map(toUpstreamToolId)).toEqual(upstreamIds);
    expect(toAnthropicToolId("call_abc123")).toBe("toolu_call_abc123");
  });

  it("leave ids the gateway did not mint as the client sent them", () => {
    expect(toUpstreamToolId("my-own-id")).toBe("my-own-id");
    expect(toUpstreamToolId("toolu_mgx_!!notbase64")).toBe("toolu_mgx_!!notbase64");
    expect(toUpstreamToolId("toolu_")).toBe("toolu_");
  });
});
