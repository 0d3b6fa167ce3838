/**
 * Chat `finish_reason` -> Anthropic `stop_reason`. Chat does not say which stop sequence matched,
 * so `stop_sequence` is always null on translated answers.
 */
import type { StopReason } from "@anthropic-ai/sdk/resources/messages";

/**
 * The stop reason of a translated answer: `tool_use` whenever the answer calls tools (some
 * upstreams finish a tool call with `stop`), `max_tokens` for `length`, `refusal` for a content
 * filter (Claude Code would otherwise take an empty filtered turn as finished), else `end_turn`.
 */
export function stopReasonOf(finishReason: string | null | undefined, callsTools: boolean): StopReason {
  if (callsTools || finishReason === "tool_calls" || finishReason === "function_call") return "tool_use";
  if (finishReason === "length") return "max_tokens";
  if (finishReason === "content_filter") return "refusal";
  return "end_turn";
}
