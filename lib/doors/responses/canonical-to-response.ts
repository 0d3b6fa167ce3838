/**
 * A canonical (chat) result -> an OpenAI `Response` object: reasoning items first (one per
 * Anthropic thinking block, or one for DeepSeek's reasoning text), then the message, then the
 * tool calls, with the finish reason mapped to `completed` / `incomplete`.
 */
import type { ReasoningCarrier } from "../../gateway/reasoning-carrier";
import type { CanonicalAssistantExtensions, ChatResult, ProviderFormat } from "../../providers/provider-spec";
import type { ResponseIds, ToolNames } from "./responses-ids";
import { finishedResponse, usageCountsOf, type ResponseObject } from "./response-object";
import { messageItem, reasoningItem, sealReasoning, toolCallItem } from "./response-output-items";

/** What the conversion needs besides the result. */
export interface ResponseConversion {
  shell: ResponseObject;
  ids: ResponseIds;
  toolNames: ToolNames;
  carrier: ReasoningCarrier;
  /** The upstream that produced the answer; its reasoning is sealed for it alone. */
  origin: { format: ProviderFormat; model: string };
  nowMs: number;
}

/** The Response object for a translated, non-streamed answer. */
export function toResponseObject(result: ChatResult, conversion: ResponseConversion): ResponseObject {
  const { ids, toolNames, carrier, origin } = conversion;
  const choice = result.completion.choices[0];
  const message = (choice?.message ?? { role: "assistant", content: "" }) as NonNullable<typeof choice>["message"] & CanonicalAssistantExtensions;
  const output: Record<string, any>[] = [];

  if (message.thinking_blocks?.length) {
    for (const block of message.thinking_blocks) {
      const text = block.type === "thinking" ? block.thinking : "";
      output.push(reasoningItem(ids.reasoning(output.length), text, sealReasoning(carrier, origin, block)));
    }
  } else if (message.reasoning_content) {
    output.push(reasoningItem(ids.reasoning(output.length), message.reasoning_content, sealReasoning(carrier, origin, { text: message.reasoning_content })));
  }
  const text = typeof message.content === "string" ? message.content : "";
  const toolCalls = message.tool_calls ?? [];
  if (text !== "" || toolCalls.length === 0) output.push(messageItem(ids.message(output.length), text));
  for (const call of toolCalls) {
    if (call.type !== "function") continue;
    const index = output.length;
    output.push(toolCallItem({ functionCall: ids.functionCall(index), customToolCall: ids.customToolCall(index) }, call.id, call.function.name, call.function.arguments, toolNames));
  }
  return finishedResponse(conversion.shell, output, choice?.finish_reason, usageCountsOf(result.completion.usage), conversion.nowMs);
}
