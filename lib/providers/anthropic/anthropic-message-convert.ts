/**
 * OpenAI messages -> Anthropic `system` + `messages` (https://docs.anthropic.com/en/api/messages):
 * system and developer messages become the top-level system prompt, assistant `tool_calls`
 * become `tool_use` blocks, tool messages become `tool_result` blocks in a user turn, and
 * consecutive turns of one role are merged into one. Canonical extensions are carried: every
 * `cache_control` stays on its block (a message's on its last block), and an assistant's signed
 * `thinking_blocks` go first in that turn, unchanged, so signatures survive a tool round trip.
 */
import type {
  ContentBlockParam,
  MessageParam,
  TextBlockParam,
  ThinkingBlockParam,
  RedactedThinkingBlockParam,
  ToolResultBlockParam,
} from "@anthropic-ai/sdk/resources/messages";
import type { ChatCompletionMessageParam, ChatCompletionMessageToolCall } from "openai/resources/chat/completions";
import { adjusted, dropped, type CanonicalAssistantExtensions, type TranslationWarning } from "../provider-spec";
import { cacheControlOf, markLastBlock, textBlocks, userBlocks, type TextLikePart } from "./anthropic-content-convert";

/** The converted conversation. */
export interface AnthropicConversation {
  /**
   * System and developer messages: one string (joined by blank lines) when none has a
   * breakpoint, else text blocks keeping each breakpoint; absent when there were none.
   */
  system?: string | TextBlockParam[];
  messages: MessageParam[];
}

type AssistantMessage = Extract<ChatCompletionMessageParam, { role: "assistant" }> & CanonicalAssistantExtensions;

/**
 * Converts an OpenAI message list.
 *
 * @param warnings receives one line per dropped or adjusted part
 */
export function toAnthropicConversation(messages: ChatCompletionMessageParam[], warnings: TranslationWarning[]): AnthropicConversation {
  const systemMessages: TextBlockParam[][] = [];
  const turns: { role: "user" | "assistant"; blocks: ContentBlockParam[] }[] = [];
  const addBlocks = (role: "user" | "assistant", blocks: ContentBlockParam[]) => {
    const previous = turns[turns.length - 1];
    if (previous?.role === role) previous.blocks.push(...blocks);
    else turns.push({ role, blocks });
  };

  for (const message of messages) {
    switch (message.role) {
      case "system":
      case "developer": {
        const blocks = textBlocks(message.content as string | TextLikePart[]);
        markLastBlock(blocks, cacheControlOf(message));
        if (blocks.length > 0) systemMessages.push(blocks);
        break;
      }
      case "user": {
        const blocks = userBlocks(message.content, warnings);
        markLastBlock(blocks, cacheControlOf(message));
        if (blocks.length > 0) addBlocks("user", blocks);
        else warnings.push(dropped("messages", "an empty user message was dropped"));
        break;
      }
      case "assistant": {
        const blocks = assistantBlocks(message, warnings);
        if (blocks.length > 0) addBlocks("assistant", blocks);
        else warnings.push(dropped("messages", "an empty assistant message was dropped"));
        break;
      }
      case "tool":
        addBlocks("user", [toolResultBlock(message)]);
        break;
      default:
        warnings.push(dropped("messages", `messages with role "${message.role}" are not supported by Anthropic and were dropped`));
    }
  }

  const system = systemOf(systemMessages);
  return {
    ...(system !== undefined ? { system } : {}),
    messages: turns.map(({ role, blocks }) => ({ role, content: simplify(blocks) })),
  };
}

function systemOf(systemMessages: TextBlockParam[][]): string | TextBlockParam[] | undefined {
  if (systemMessages.length === 0) return undefined;
  const blocks = systemMessages.flat();
  if (blocks.some((block) => block.cache_control)) return blocks;
  return systemMessages.map((message) => message.map((block) => block.text).join("\n")).join("\n\n");
}

/** A lone text block without a breakpoint is sent as a plain string, the way people write Anthropic requests. */
function simplify(blocks: ContentBlockParam[]): string | ContentBlockParam[] {
  const [first] = blocks;
  return blocks.length === 1 && first.type === "text" && !first.cache_control ? first.text : blocks;
}

function assistantBlocks(message: AssistantMessage, warnings: TranslationWarning[]): ContentBlockParam[] {
  const blocks: ContentBlockParam[] = [...thinkingBlocks(message, warnings)];
  blocks.push(...textBlocks(message.content as string | TextLikePart[] | null | undefined));
  for (const toolCall of message.tool_calls ?? []) {
    const block = toolUseBlock(toolCall, warnings);
    if (block) blocks.push(block);
  }
  markLastBlock(blocks, cacheControlOf(message));
  return blocks;
}

/**
 * The signed thinking of an assistant turn. Reasoning without a signature (DeepSeek's, or any
 * text a client kept) is never sent: Claude rejects unsigned thinking, and demoting it to text
 * would put words in the model's mouth.
 */
function thinkingBlocks(message: AssistantMessage, warnings: TranslationWarning[]): (ThinkingBlockParam | RedactedThinkingBlockParam)[] {
  const blocks: (ThinkingBlockParam | RedactedThinkingBlockParam)[] = [];
  for (const block of message.thinking_blocks ?? []) {
    if (block?.type === "thinking" && typeof block.thinking === "string" && typeof block.signature === "string") {
      blocks.push({ type: "thinking", thinking: block.thinking, signature: block.signature });
    } else if (block?.type === "redacted_thinking" && typeof block.data === "string") {
      blocks.push({ type: "redacted_thinking", data: block.data });
    } else {
      warnings.push(dropped("messages.thinking_blocks", "a thinking block without its signature (or redacted data) was dropped"));
    }
  }
  if (blocks.length === 0 && typeof message.reasoning_content === "string" && message.reasoning_content !== "") {
    warnings.push(dropped("messages.reasoning_content", "reasoning without an Anthropic signature cannot be sent to Claude and was dropped"));
  }
  return blocks;
}

function toolUseBlock(toolCall: ChatCompletionMessageToolCall, warnings: TranslationWarning[]): ContentBlockParam | undefined {
  if (toolCall.type !== "function") {
    warnings.push(dropped("messages.tool_calls", `tool calls of type "${toolCall.type}" are not supported by Anthropic and were dropped`));
    return undefined;
  }
  return { type: "tool_use", id: toolCall.id, name: toolCall.function.name, input: parseArguments(toolCall.function.arguments, warnings) };
}

/** Anthropic wants the input as an object; OpenAI carries it as a JSON string. */
function parseArguments(argumentsJson: string, warnings: TranslationWarning[]): Record<string, unknown> {
  if (argumentsJson.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(argumentsJson);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  warnings.push(adjusted("messages.tool_calls", "tool call arguments that are not a JSON object were sent as {}"));
  return {};
}

/** A tool message; its text parts stay separate blocks when one carries a breakpoint. */
function toolResultBlock(message: Extract<ChatCompletionMessageParam, { role: "tool" }>): ToolResultBlockParam {
  const content = message.content as string | TextLikePart[];
  const blocks = textBlocks(content);
  const cacheControl = cacheControlOf(message);
  return {
    type: "tool_result",
    tool_use_id: message.tool_call_id,
    content: blocks.some((block) => block.cache_control) ? blocks : blocks.map((block) => block.text).join("\n"),
    ...(cacheControl ? { cache_control: cacheControl } : {}),
  };
}
