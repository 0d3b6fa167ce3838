/**
 * A canonical (Chat) result -> an Anthropic `Message`, for a Messages client whose request was
 * translated. Reasoning text becomes a thinking block whose `signature` is a gateway carrier
 * holding that text: Claude Code drops unsigned thinking blocks, and the carrier brings the text
 * back as `reasoning_content` when the client resends the turn (DeepSeek wants it on tool-call
 * turns). Tool-call ids are minted into Anthropic's alphabet (messages-tool-ids.ts).
 */
import type { ContentBlock, Message } from "@anthropic-ai/sdk/resources/messages";
import type { ReasoningCarrier } from "../../gateway/reasoning-carrier";
import type { CanonicalAssistantExtensions, ChatResult } from "../../providers/provider-spec";
import type { RouteTarget } from "../../router/model-resolver";
import { stopReasonOf } from "./messages-stop-reason";
import { toAnthropicToolId } from "./messages-tool-ids";
import { anthropicTokenCounts, messageUsage, type ChatUsage } from "./messages-usage";

/** What shapes a translated answer besides the result. */
export interface MessageShapeOptions {
  /** The model as the client named it (echoed in `model`). */
  requestedModel: string;
  target: RouteTarget;
  carrier: ReasoningCarrier;
  /** The client asked for `thinking.display: "omitted"`: thinking text stays in the signature only. */
  omitThinking: boolean;
}

/** An Anthropic message id for an upstream completion id. */
export function messageIdOf(upstreamId: string | undefined, fallback: string): string {
  const id = (upstreamId || fallback).replace(/[^a-zA-Z0-9_-]/g, "_");
  return id.startsWith("msg_") ? id : `msg_${id}`;
}

/** Seals reasoning text into the signature of the thinking block that carries it. */
export function sealReasoning(carrier: ReasoningCarrier, text: string, target: RouteTarget): string {
  return carrier.seal({ kind: "deepseek_reasoning", text, format: target.provider.format ?? "openai", model: target.model.code });
}

/** Tool arguments as Anthropic's `input` object; empty or invalid JSON becomes `{}`. */
export function toolInputOf(argumentsJson: string | undefined): Record<string, unknown> {
  if (!argumentsJson || argumentsJson.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(argumentsJson);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The `Message` for a translated, non-streamed answer. */
export function canonicalToMessage(result: ChatResult, requestId: string, options: MessageShapeOptions): Message {
  const { completion } = result;
  const choice = completion.choices[0];
  const message = (choice?.message ?? { content: null }) as NonNullable<typeof choice>["message"] & CanonicalAssistantExtensions;
  const content: ContentBlock[] = [];

  if (message.thinking_blocks && message.thinking_blocks.length > 0) {
    for (const block of message.thinking_blocks) content.push(block as ContentBlock);
  } else if (message.reasoning_content) {
    content.push({
      type: "thinking",
      thinking: options.omitThinking ? "" : message.reasoning_content,
      signature: sealReasoning(options.carrier, message.reasoning_content, options.target),
    } as ContentBlock);
  }
  const text = message.content || message.refusal;
  // No `citations: null`: `@ai-sdk/anthropic` accepts an array or nothing there.
  if (text) content.push({ type: "text", text } as ContentBlock);
  for (const call of message.tool_calls ?? []) {
    if (call.type !== "function") continue;
    content.push({ type: "tool_use", id: toAnthropicToolId(call.id), name: call.function.name, input: toolInputOf(call.function.arguments), caller: { type: "direct" } } as ContentBlock);
  }

  const callsTools = content.some((block) => block.type === "tool_use");
  const stopReason = message.refusal && !message.content ? "refusal" : stopReasonOf(choice?.finish_reason, callsTools);
  return {
    id: messageIdOf(completion.id, requestId),
    type: "message",
    role: "assistant",
    model: options.requestedModel,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage: messageUsage(anthropicTokenCounts(completion.usage as ChatUsage | undefined)),
  } as Message;
}
