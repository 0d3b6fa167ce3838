/**
 * Anthropic Message -> canonical OpenAI completion: text blocks become `content`, `tool_use`
 * blocks become `tool_calls` (input stringified), thinking becomes `reasoning_content` (its text,
 * for clients that show it) and `thinking_blocks` (every thinking and redacted thinking block
 * with its signature, for doors that hand it back to Claude), and usage counts cached input
 * (`input_tokens` excludes it, https://docs.anthropic.com/en/api/messages).
 */
import type { Message } from "@anthropic-ai/sdk/resources/messages";
import type { ChatCompletionMessage, ChatCompletionMessageToolCall } from "openai/resources/chat/completions";
import type { CanonicalAssistantExtensions, ChatCompletion, ChatResult, NormalizedUsage, ThinkingBlock, TranslationWarning } from "../provider-spec";
import { toCompletionUsage } from "../shared/usage-normalize";
import { mapAnthropicStopReason } from "./anthropic-finish-reason";

/** The usage fields Anthropic reports, on a Message and (cumulatively) in stream events. */
export interface AnthropicUsageFields {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
  /** The cache writes by TTL (https://docs.claude.com/en/docs/build-with-claude/prompt-caching#1-hour-cache-duration). */
  cache_creation?: { ephemeral_5m_input_tokens?: number | null; ephemeral_1h_input_tokens?: number | null } | null;
}

/**
 * Normalized usage: prompt = input + cache read + cache creation; cached = cache read;
 * cache creation kept when there was any, with its 1-hour part (priced higher); reasoning =
 * thinking tokens.
 */
export function normalizeAnthropicUsage(usage: AnthropicUsageFields): NormalizedUsage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheCreation = usage.cache_creation_input_tokens ?? 0;
  const promptTokens = (usage.input_tokens ?? 0) + cacheRead + cacheCreation;
  const completionTokens = usage.output_tokens ?? 0;
  const cacheCreation1h = Math.min(cacheCreation, usage.cache_creation?.ephemeral_1h_input_tokens ?? 0);
  return {
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
    cachedTokens: cacheRead,
    ...(cacheCreation > 0 ? { cacheCreationTokens: cacheCreation } : {}),
    ...(cacheCreation1h > 0 ? { cacheCreation1hTokens: cacheCreation1h } : {}),
    reasoningTokens: usage.output_tokens_details?.thinking_tokens ?? 0,
  };
}

/** An assistant message with the reasoning Anthropic returned as thinking blocks. */
type AssistantMessageWithReasoning = ChatCompletionMessage & CanonicalAssistantExtensions;

/**
 * Wraps an Anthropic Message into a {@link ChatResult}.
 *
 * @param warnings warnings collected while converting the request
 * @param nowMs creation time of the completion
 * @default nowMs Date.now()
 */
export function toAnthropicChatResult(message: Message, warnings: TranslationWarning[], nowMs: number = Date.now()): ChatResult {
  const texts: string[] = [];
  const thinking: string[] = [];
  const thinkingBlocks: ThinkingBlock[] = [];
  const toolCalls: ChatCompletionMessageToolCall[] = [];
  for (const block of message.content) {
    if (block.type === "text") texts.push(block.text);
    else if (block.type === "thinking") {
      thinking.push(block.thinking);
      thinkingBlocks.push({ type: "thinking", thinking: block.thinking, signature: block.signature });
    } else if (block.type === "redacted_thinking") {
      thinkingBlocks.push({ type: "redacted_thinking", data: block.data });
    } else if (block.type === "tool_use") {
      toolCalls.push({ id: block.id, type: "function", function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
    }
  }

  const assistantMessage: AssistantMessageWithReasoning = {
    role: "assistant",
    // OpenAI sends null content next to tool calls and "" for an empty answer.
    content: texts.length > 0 ? texts.join("") : toolCalls.length > 0 ? null : "",
    refusal: null,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    ...(thinking.length > 0 ? { reasoning_content: thinking.join("") } : {}),
    ...(thinkingBlocks.length > 0 ? { thinking_blocks: thinkingBlocks } : {}),
  };
  const usage = normalizeAnthropicUsage(message.usage);
  const completion: ChatCompletion = {
    id: message.id,
    object: "chat.completion",
    created: Math.floor(nowMs / 1000),
    model: message.model,
    choices: [{ index: 0, message: assistantMessage, finish_reason: mapAnthropicStopReason(message.stop_reason), logprobs: null }],
    usage: toCompletionUsage(usage),
  };
  return { completion, usage, warnings };
}
