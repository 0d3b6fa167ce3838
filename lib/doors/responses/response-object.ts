/**
 * The parts of an OpenAI `Response` object that do not depend on the answer's content: the echo
 * of the request's options, the status a finish reason maps to, and usage with every field
 * present (zeros when unknown: the SDK types require them and Codex reads them).
 */
import type { CompletionUsage } from "openai/resources/completions";
import type { ResponsesBody } from "./responses-schemas";

/** A Response object as the gateway builds it (OpenAI's shape, typed loosely). */
export type ResponseObject = Record<string, any> & { id: string; object: "response"; output: Record<string, any>[] };

/** What a response's status and `incomplete_details` are for a finish reason. */
export function statusOf(finishReason: string | null | undefined): { status: "completed" | "incomplete"; incomplete_details: { reason: string } | null } {
  if (finishReason === "length") return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
  if (finishReason === "content_filter") return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
  return { status: "completed", incomplete_details: null };
}

/** Usage counts gathered from a completion or a stream's usage chunk. */
export interface UsageCounts {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

/** Counts from OpenAI-shaped usage (what adapters put on completions and the final chunk). */
export function usageCountsOf(usage: CompletionUsage | null | undefined): UsageCounts | null {
  if (!usage) return null;
  // Adapters report cache writes as `cache_creation_tokens` (OpenAI's newer types call it `cache_write_tokens`).
  const details = usage.prompt_tokens_details as (CompletionUsage["prompt_tokens_details"] & { cache_write_tokens?: number; cache_creation_tokens?: number }) | undefined;
  return {
    inputTokens: usage.prompt_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
    cachedTokens: details?.cached_tokens ?? 0,
    cacheWriteTokens: details?.cache_creation_tokens ?? details?.cache_write_tokens ?? 0,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

/** Responses `usage`: input includes cached tokens, output includes reasoning. */
export function responseUsage(counts: UsageCounts | null) {
  const { inputTokens = 0, outputTokens = 0, cachedTokens = 0, cacheWriteTokens = 0, reasoningTokens = 0 } = counts ?? {};
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: cachedTokens, cache_write_tokens: cacheWriteTokens },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: reasoningTokens },
    total_tokens: inputTokens + outputTokens,
  };
}

/** The response object before any output: `status: in_progress`, the request's options echoed. */
export function responseShell(body: ResponsesBody, id: string, createdAtMs: number): ResponseObject {
  return {
    id,
    object: "response",
    created_at: Math.floor(createdAtMs / 1000),
    status: "in_progress",
    background: false,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    metadata: body.metadata ?? {},
    model: body.model,
    output: [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    prompt_cache_key: body.prompt_cache_key ?? null,
    reasoning: { effort: body.reasoning?.effort ?? null, summary: body.reasoning?.summary ?? null },
    safety_identifier: body.safety_identifier ?? null,
    store: body.store !== false,
    temperature: body.temperature ?? null,
    text: { format: body.text?.format ?? { type: "text" }, ...(body.text?.verbosity ? { verbosity: body.text.verbosity } : {}) },
    tool_choice: body.tool_choice ?? "auto",
    tools: body.tools ?? [],
    top_logprobs: body.top_logprobs ?? 0,
    top_p: body.top_p ?? null,
    truncation: "disabled",
    usage: null,
    user: body.user ?? null,
  };
}

/** The response once finished: status, output, usage and the SDK's convenience `output_text`. */
export function finishedResponse(
  shell: ResponseObject,
  output: Record<string, any>[],
  finishReason: string | null | undefined,
  usage: UsageCounts | null,
  completedAtMs: number,
): ResponseObject {
  const { status, incomplete_details } = statusOf(finishReason);
  // A bare spread, then assignments: V8 copies the shell's ~30 fields on its fast path only when
  // the literal holds nothing but the spread (with more fields it was ~3 µs a response).
  const finished = { ...shell };
  finished.status = status;
  finished.incomplete_details = incomplete_details;
  finished.completed_at = Math.floor(completedAtMs / 1000);
  finished.output = output;
  finished.output_text = outputText(output);
  finished.usage = responseUsage(usage);
  return finished;
}

/** The concatenated `output_text` parts of the message items. */
export function outputText(output: readonly Record<string, any>[]): string {
  return output
    .filter((item) => item.type === "message")
    .flatMap((item) => (item.content as Record<string, any>[]).filter((part) => part.type === "output_text").map((part) => String(part.text)))
    .join("");
}
