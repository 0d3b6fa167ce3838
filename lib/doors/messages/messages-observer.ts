/**
 * Reads Anthropic Messages answers passed through to the client: a `Message` body, or named
 * events `message_start` … `message_stop`. Usage in `message_start` and `message_delta` is
 * cumulative (each present field replaces the last), as the SDK accumulates it.
 */
import { normalizeAnthropicUsage, type AnthropicUsageFields } from "../../providers/anthropic/anthropic-response-convert";
import type { NormalizedUsage } from "../../providers/provider-spec";
import type { ProviderError } from "../../providers/provider-error";
import { closingTextLength, errorFactsOf, eventJson, type EventRole, type PassThroughObserver, type StreamErrorFacts } from "../../gateway/pass-through/pass-through-observer";
import type { RawServerSentEvent } from "../../gateway/pass-through/sse-event-reader";
import { anthropicErrorTypeForCode } from "./messages-errors";

/** Characters of the text a content block delta carries. */
function deltaCharacters(delta: Record<string, unknown> | undefined): number {
  if (!delta) return 0;
  for (const field of ["text", "thinking", "partial_json"]) if (typeof delta[field] === "string") return (delta[field] as string).length;
  return 0;
}

/** An observer for one Messages exchange. */
export function messagesObserver(): PassThroughObserver {
  const fields: AnthropicUsageFields = {};
  let sawUsage = false;
  let characters = 0;
  let error: StreamErrorFacts | null = null;
  let answer: unknown = null;
  const noteUsage = (usage: unknown) => {
    if (typeof usage !== "object" || usage === null) return;
    Object.assign(fields, usage);
    sawUsage = true;
  };

  return {
    readBody(json) {
      const message = json as { type?: unknown; content?: unknown[]; usage?: unknown };
      if (typeof message !== "object" || message === null || message.type !== "message" || !Array.isArray(message.content)) return false;
      noteUsage(message.usage);
      for (const block of message.content as Array<Record<string, unknown>>) {
        if (typeof block?.text === "string") characters += block.text.length;
        else if (typeof block?.thinking === "string") characters += block.thinking.length;
        else if (block?.input !== undefined) characters += JSON.stringify(block.input).length;
      }
      answer = json;
      return true;
    },
    readEvent(event: RawServerSentEvent): EventRole {
      // Named events whose payload says nothing the gateway needs, and the usual text delta, are read without parsing them.
      switch (event.event) {
        case "content_block_delta": {
          const text = closingTextLength(event.data, 2, '"delta":', '"type":"text_delta","text":"');
          if (text === undefined) break;
          characters += text;
          return text > 0 ? "content" : "preamble";
        }
        case "ping":
        case "content_block_stop":
          return "other";
        case "message_stop":
          return "terminal";
      }
      const payload = eventJson(event);
      const type = event.event ?? (typeof payload?.type === "string" ? payload.type : "");
      switch (type) {
        case "message_start":
          noteUsage((payload?.message as { usage?: unknown } | undefined)?.usage);
          return "preamble";
        case "content_block_start": {
          const block = payload?.content_block as { type?: string } | undefined;
          // Text and thinking blocks start empty; a tool call or a redacted block is content at once.
          return block?.type === "text" || block?.type === "thinking" ? "preamble" : "content";
        }
        case "content_block_delta": {
          const produced = deltaCharacters(payload?.delta as Record<string, unknown> | undefined);
          characters += produced;
          return produced > 0 ? "content" : "preamble";
        }
        case "message_delta":
          noteUsage(payload?.usage);
          return "other";
        case "message_stop":
          return "terminal";
        case "error":
          error = payload ? errorFactsOf(payload) : { message: event.data };
          return "error";
        default:
          // ping, content_block_stop, and event types newer than this code.
          return "other";
      }
    },
    usage: (): NormalizedUsage | null => (sawUsage ? normalizeAnthropicUsage(fields) : null),
    outputCharacters: () => characters,
    streamError: () => error,
    failureText(failure: ProviderError) {
      if (error) return "";
      const message = `The upstream stream failed after it started: ${failure.code}: ${failure.message}`;
      return `event: error\ndata: ${JSON.stringify({ type: "error", error: { type: anthropicErrorTypeForCode(failure.code), message } })}\n\n`;
    },
    finalAnswer: () => answer,
  };
}
