/**
 * Anthropic `stop_reason` -> OpenAI `finish_reason`, as the Vercel AI SDK maps it
 * (https://docs.anthropic.com/en/api/messages, "stop_reason").
 */
import type { FinishReason } from "../openai/openai-finish-reason";

/** The finish reason for an Anthropic stop reason; unknown and absent values become `stop`. */
export function mapAnthropicStopReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    // end_turn, stop_sequence, pause_turn and anything newer.
    default:
      return "stop";
  }
}
