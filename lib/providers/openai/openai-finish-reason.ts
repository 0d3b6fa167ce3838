/**
 * Finish reasons as OpenAI documents them; anything else an upstream invents is reported as
 * `stop` so clients that switch over the documented set keep working.
 */
import type { ChatCompletion } from "../provider-spec";

/** The documented finish reasons of a chat completion. */
export type FinishReason = ChatCompletion.Choice["finish_reason"];

const knownFinishReasons: ReadonlySet<string> = new Set(["stop", "length", "tool_calls", "content_filter", "function_call"]);

/** A documented finish reason for any upstream value; `null` stays `null` (stream chunks). */
export function normalizeOpenAIFinishReason(reason: string | null | undefined): FinishReason | null {
  if (reason === null || reason === undefined) return null;
  return knownFinishReasons.has(reason) ? (reason as FinishReason) : "stop";
}
