/**
 * Output items in OpenAI's shapes, shared by the JSON answer and the stream so both say the
 * same thing: `reasoning` (the reasoning text as one summary part, and the sealed carrier as
 * `encrypted_content`), `message` (one `output_text` part), `function_call` (namespaced names
 * split back), `custom_tool_call` (for custom tools emulated as functions).
 */
import type { CarrierContents, ReasoningCarrier } from "../../gateway/reasoning-carrier";
import type { ProviderFormat, ThinkingBlock } from "../../providers/provider-spec";
import { callIdOf, type ToolNames } from "./responses-ids";

/** A reasoning item; `summary` empty for redacted thinking. */
export function reasoningItem(id: string, text: string, encryptedContent: string | undefined, status = "completed"): Record<string, any> {
  return {
    id,
    type: "reasoning",
    summary: text ? [{ type: "summary_text", text }] : [],
    ...(encryptedContent ? { encrypted_content: encryptedContent } : {}),
    status,
  };
}

/** The sealed carrier for reasoning the upstream produced (signed thinking, redacted data, or plain text). */
export function sealReasoning(
  carrier: ReasoningCarrier,
  origin: { format: ProviderFormat; model: string },
  reasoning: { text: string } | ThinkingBlock,
): string {
  let contents: CarrierContents;
  if ("text" in reasoning) contents = { kind: "deepseek_reasoning", text: reasoning.text, ...origin };
  else if (reasoning.type === "thinking") contents = { kind: "anthropic_thinking", thinking: reasoning.thinking, signature: reasoning.signature, ...origin };
  else contents = { kind: "anthropic_redacted", data: reasoning.data, ...origin };
  return carrier.seal(contents);
}

/** A finished assistant message item with one text part. */
export function messageItem(id: string, text: string, status = "completed"): Record<string, any> {
  return { id, type: "message", status, role: "assistant", content: [{ type: "output_text", text, annotations: [], logprobs: [] }] };
}

/** The input of a custom tool call that was emulated as `{input: string}` arguments. */
function customInput(argumentsJson: string): string {
  try {
    const parsed: unknown = JSON.parse(argumentsJson);
    if (parsed && typeof parsed === "object" && typeof (parsed as { input?: unknown }).input === "string") return (parsed as { input: string }).input;
  } catch {
    // Not the emulated shape: pass the raw text on.
  }
  return argumentsJson;
}

/**
 * A tool-call item: `function_call`, or `custom_tool_call` when the name is a custom tool.
 * @param ids the function-call and custom-call item ids for this position
 */
export function toolCallItem(
  ids: { functionCall: string; customToolCall: string },
  upstreamId: string,
  flatName: string,
  argumentsJson: string,
  toolNames: ToolNames,
  status = "completed",
): Record<string, any> {
  const { name, namespace, custom } = toolNames.resolve(flatName);
  const callId = callIdOf(upstreamId);
  if (custom) return { id: ids.customToolCall, type: "custom_tool_call", status, call_id: callId, name, input: customInput(argumentsJson), ...(namespace ? { namespace } : {}) };
  const normalized = argumentsJson.trim() === "" ? "{}" : argumentsJson;
  return { id: ids.functionCall, type: "function_call", status, call_id: callId, name, arguments: normalized, ...(namespace ? { namespace } : {}) };
}
