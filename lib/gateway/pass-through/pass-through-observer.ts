/**
 * What the pass-through needs to know about a protocol it forwards without decoding: which
 * upstream events are content (so failover is still possible before the first one), which ends
 * the stream, which is an in-stream error; the usage for the log row; and how to end a stream in
 * that protocol when the upstream breaks off after content. One observer per request; each
 * door's protocol folder has its own.
 */
import type { NormalizedUsage } from "../../providers/provider-spec";
import type { ProviderError } from "../../providers/provider-error";
import type { RawServerSentEvent } from "./sse-event-reader";

/**
 * What one upstream event is:
 * - `preamble`: forwarded, but held back until content (a failure before content fails over);
 * - `content`: the client must see it; the stream is committed to this key;
 * - `terminal`: the protocol's last event of a finished answer;
 * - `error`: an in-stream failure that ends the stream (before content: fail over);
 * - `drop`: not forwarded (something the gateway asked for and the client did not);
 * - `other`: forwarded, nothing more.
 */
export type EventRole = "preamble" | "content" | "terminal" | "error" | "drop" | "other";

/** The error a failed in-stream event reported, as the upstream worded it. */
export interface StreamErrorFacts {
  type?: string | null;
  code?: string | null;
  message?: string | null;
}

/** Reads one pass-through exchange. */
export interface PassThroughObserver {
  /**
   * Reads a whole (non-streamed) answer.
   * @returns false when it is not this protocol's answer (a malformed 200: the upstream's fault)
   */
  readBody(json: unknown): boolean;
  /** Reads one upstream event of a stream. */
  readEvent(event: RawServerSentEvent): EventRole;
  /** Usage the upstream reported so far, or `null`. */
  usage(): NormalizedUsage | null;
  /** Characters of output seen, for estimates when no usage came. */
  outputCharacters(): number;
  /** What the last `error` event said. */
  streamError(): StreamErrorFacts | null;
  /**
   * Text that ends, in this protocol, a stream that failed after content: an in-band error the
   * client's SDK understands (empty when the upstream's own error event was already forwarded).
   */
  failureText(error: ProviderError): string;
  /** The answer as a whole once finished (the JSON body, or a stream's final object), for stores. */
  finalAnswer(): unknown;
}

/** Parses an event's data as JSON, or `undefined` when it is not JSON. */
export function eventJson(event: RawServerSentEvent): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(event.data);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The length of the text that ends an event's innermost object, read without parsing the event,
 * so the usual chunk of a long stream builds no objects. Applies only when the event has exactly
 * `objects` `{`, the last one opened by `key` and starting with `fields` (which ends at the text's
 * opening quote), the text unescaped (its length is then its characters) and closing that
 * object. Every quote outside a JSON string is structure and such a text holds none, so what
 * matches here is what a parse would find; any other event (a usage or error object, a tool
 * call, a second choice, braces or escapes in the text) gets `undefined` and is parsed.
 * Searching for one character is fast, for a key slow.
 */
export function closingTextLength(data: string, objects: number, key: string, fields: string): number | undefined {
  let brace = -1;
  for (let found = 0; found < objects; found += 1) {
    brace = data.indexOf("{", brace + 1);
    if (brace === -1) return undefined;
  }
  if (data.indexOf("{", brace + 1) !== -1) return undefined;
  if (!data.startsWith(key, brace - key.length) || !data.startsWith(fields, brace + 1)) return undefined;
  const from = brace + 1 + fields.length;
  const end = unescapedTextEnd(data, from);
  return end === -1 || data.charCodeAt(end + 1) !== 0x7d ? undefined : end - from;
}

/** Where the JSON string text starting at `from` closes, or -1 when it holds an escape (or never closes). */
export function unescapedTextEnd(data: string, from: number): number {
  const end = data.indexOf('"', from);
  const escape = data.indexOf("\\", from);
  return escape !== -1 && escape < end ? -1 : end;
}

/** The `{type, code, message}` of an error payload (`{error: {...}}` or the object itself). */
export function errorFactsOf(payload: Record<string, unknown>): StreamErrorFacts {
  const inner = typeof payload.error === "object" && payload.error !== null ? (payload.error as Record<string, unknown>) : payload;
  const text = (value: unknown) => (typeof value === "string" ? value : typeof value === "number" ? String(value) : null);
  return { type: text(inner.type), code: text(inner.code), message: text(inner.message) ?? (typeof payload.error === "string" ? payload.error : null) };
}
