/**
 * Reads OpenAI Responses answers passed through to the client: a `response` body, or events
 * that each carry `type` and `sequence_number`, ending with exactly one of `response.completed`,
 * `response.incomplete` or `response.failed`. When the upstream breaks off after content, the
 * stream is ended the way the protocol ends a failed response: an `error` event, then
 * `response.failed` carrying the response so far, numbered after the upstream's last event.
 */
import type { NormalizedUsage } from "../../providers/provider-spec";
import type { ProviderError } from "../../providers/provider-error";
import { errorFactsOf, eventJson, unescapedTextEnd, type EventRole, type PassThroughObserver, type StreamErrorFacts } from "../../gateway/pass-through/pass-through-observer";
import type { RawServerSentEvent } from "../../gateway/pass-through/sse-event-reader";

/** Responses usage as the API reports it. */
interface ResponsesUsage {
  input_tokens?: number;
  input_tokens_details?: { cached_tokens?: number };
  output_tokens?: number;
  output_tokens_details?: { reasoning_tokens?: number };
  total_tokens?: number;
}

/** Normalized usage: input includes cached tokens, output includes reasoning. */
export function normalizeResponsesUsage(usage: ResponsesUsage): NormalizedUsage {
  const promptTokens = usage.input_tokens ?? 0;
  const completionTokens = usage.output_tokens ?? 0;
  return {
    promptTokens,
    completionTokens,
    totalTokens: usage.total_tokens ?? promptTokens + completionTokens,
    cachedTokens: usage.input_tokens_details?.cached_tokens ?? 0,
    reasoningTokens: usage.output_tokens_details?.reasoning_tokens ?? 0,
  };
}

/** Event types whose delta is output the client must see. */
const DELTA_EVENTS = new Set([
  "response.output_text.delta",
  "response.refusal.delta",
  "response.function_call_arguments.delta",
  "response.custom_tool_call_input.delta",
  "response.reasoning_summary_text.delta",
  "response.reasoning_text.delta",
]);

/** How OpenAI starts every text delta event: its type, then its number. */
const TEXT_DELTA_START = '{"type":"response.output_text.delta","sequence_number":';
const DELTA_KEY = ',"delta":"';

/**
 * The number and characters of the usual text delta event, read without parsing it (one small
 * result instead of the event's objects): it starts with its type and number as OpenAI sends
 * them, it is one object (no logprobs entries) and its delta is unescaped text (its length is
 * then its characters). `undefined` for anything else, which is parsed. Every quote outside a
 * JSON string is structure and such a text holds none, so the key found is the key.
 */
export function plainTextDelta(data: string): { sequence: number; characters: number } | undefined {
  if (!data.startsWith(TEXT_DELTA_START)) return undefined;
  let at = TEXT_DELTA_START.length;
  let sequence = 0;
  for (let code = data.charCodeAt(at); code >= 0x30 && code <= 0x39; code = data.charCodeAt(++at)) sequence = sequence * 10 + code - 0x30;
  if (at === TEXT_DELTA_START.length || data.charCodeAt(at) !== 0x2c || data.indexOf("{", 1) !== -1) return undefined;
  const key = data.indexOf(DELTA_KEY, at);
  if (key === -1) return undefined;
  const from = key + DELTA_KEY.length;
  const end = unescapedTextEnd(data, from);
  if (end === -1 || data.indexOf(DELTA_KEY, end) !== -1) return undefined;
  return { sequence, characters: end - from };
}

/** Responses' error `code` for a gateway failure code after the stream started. */
function responsesErrorCode(code: string): string {
  return code === "rate_limited" ? "rate_limit_exceeded" : "server_error";
}

/** An observer for one Responses exchange. */
export function responsesObserver(): PassThroughObserver {
  let usage: NormalizedUsage | null = null;
  let characters = 0;
  let error: StreamErrorFacts | null = null;
  let answer: unknown = null;
  let snapshot: Record<string, unknown> | null = null;
  const output: unknown[] = [];
  let lastSequence = -1;

  const finish = (response: unknown) => {
    if (typeof response !== "object" || response === null) return;
    answer = response;
    const reported = (response as { usage?: ResponsesUsage }).usage;
    if (reported) usage = normalizeResponsesUsage(reported);
  };

  return {
    readBody(json) {
      const response = json as { object?: unknown; output?: unknown };
      if (typeof response !== "object" || response === null || response.object !== "response" || !Array.isArray(response.output)) return false;
      characters += JSON.stringify(response.output).length;
      finish(json);
      return true;
    },
    readEvent(event: RawServerSentEvent): EventRole {
      const text = plainTextDelta(event.data);
      if (text) {
        lastSequence = text.sequence;
        characters += text.characters;
        return text.characters > 0 ? "content" : "preamble";
      }
      const payload = eventJson(event);
      if (!payload) return "other";
      if (typeof payload.sequence_number === "number") lastSequence = payload.sequence_number;
      const type = typeof payload.type === "string" ? payload.type : (event.event ?? "");
      if (type === "response.created" || type === "response.in_progress" || type === "response.queued") {
        snapshot = (payload.response as Record<string, unknown>) ?? snapshot;
        return "preamble";
      }
      if (DELTA_EVENTS.has(type)) {
        const delta = typeof payload.delta === "string" ? payload.delta.length : 0;
        characters += delta;
        return delta > 0 ? "content" : "preamble";
      }
      if (type === "response.output_item.added") {
        const item = payload.item as { type?: string } | undefined;
        return item?.type === "message" || item?.type === "reasoning" ? "preamble" : "content";
      }
      if (type === "response.output_item.done") {
        output.push(payload.item);
        return "other";
      }
      if (type === "response.completed" || type === "response.incomplete") {
        finish(payload.response);
        return "terminal";
      }
      if (type === "response.failed") {
        const response = payload.response as { error?: Record<string, unknown> } | undefined;
        error ??= response?.error ? errorFactsOf({ error: response.error }) : { message: "response.failed" };
        finish(response);
        return "error";
      }
      if (type === "error") {
        // The protocol follows an error event with response.failed, which ends the stream.
        error = errorFactsOf(payload);
        return "other";
      }
      return "other";
    },
    usage: () => usage,
    outputCharacters: () => characters,
    streamError: () => error,
    failureText(failure: ProviderError) {
      if (error) return "";
      const code = responsesErrorCode(failure.code);
      const message = `The upstream stream failed after it started: ${failure.code}: ${failure.message}`;
      const errorEvent = { type: "error", sequence_number: lastSequence + 1, code, message, param: null, error: { type: "server_error", code, message, param: null } };
      const failed = {
        type: "response.failed",
        sequence_number: lastSequence + 2,
        response: { ...(snapshot ?? {}), status: "failed", error: { code, message }, output, usage: null },
      };
      return `event: error\ndata: ${JSON.stringify(errorEvent)}\n\nevent: response.failed\ndata: ${JSON.stringify(failed)}\n\n`;
    },
    finalAnswer: () => answer,
  };
}
