/**
 * Reads OpenAI Chat Completions answers passed through to the client: a completion body, or
 * `data: <chunk>` events ending with `data: [DONE]`. The gateway always asks a streamed upstream
 * for the final usage chunk (`stream_options.include_usage`); when the client did not ask for
 * it, that chunk is read and dropped, so the client sees the stream it asked for.
 */
import type { ChatCompletionChunkDelta, NormalizedUsage } from "../../providers/provider-spec";
import type { ProviderError } from "../../providers/provider-error";
import { normalizeCompletionUsage, type ProviderCompletionUsage } from "../../providers/shared/usage-normalize";
import { outputCharacters } from "../../router/token-estimate";
import { closingTextLength, errorFactsOf, eventJson, type EventRole, type PassThroughObserver, type StreamErrorFacts } from "../../gateway/pass-through/pass-through-observer";
import type { RawServerSentEvent } from "../../gateway/pass-through/sse-event-reader";

interface ChunkChoice {
  delta?: ChatCompletionChunkDelta;
  message?: ChatCompletionChunkDelta;
  finish_reason?: string | null;
}

/** Options of {@link chatObserver}. */
export interface ChatObserverOptions {
  /** The client asked for the usage chunk itself. */
  clientWantsUsage: boolean;
}

/** An observer for one Chat Completions exchange. */
export function chatObserver({ clientWantsUsage }: ChatObserverOptions): PassThroughObserver {
  let usage: NormalizedUsage | null = null;
  let characters = 0;
  let error: StreamErrorFacts | null = null;
  let answer: unknown = null;

  return {
    readBody(json) {
      const body = json as { object?: unknown; choices?: ChunkChoice[]; usage?: ProviderCompletionUsage };
      if (typeof body !== "object" || body === null || !Array.isArray(body.choices)) return false;
      if (body.usage) usage = normalizeCompletionUsage(body.usage);
      for (const choice of body.choices) characters += outputCharacters(choice?.message);
      answer = json;
      return true;
    },
    readEvent(event: RawServerSentEvent): EventRole {
      if (event.data === "[DONE]") return "terminal";
      const plain = plainTextCharacters(event.data);
      if (plain !== undefined) {
        characters += plain;
        return plain > 0 ? "content" : "preamble";
      }
      const chunk = eventJson(event);
      if (!chunk) return "other";
      if (chunk.error !== undefined) {
        error = errorFactsOf(chunk);
        return "error";
      }
      if (chunk.usage) usage = normalizeCompletionUsage(chunk.usage as ProviderCompletionUsage);
      const choices = (chunk.choices ?? []) as ChunkChoice[];
      if (choices.length === 0) return chunk.usage && !clientWantsUsage ? "drop" : "other";
      let content = false;
      for (const choice of choices) {
        const delta = choice?.delta;
        if (!delta) continue;
        const produced = outputCharacters(delta);
        characters += produced;
        if (produced > 0 || (delta.tool_calls && delta.tool_calls.length > 0)) content = true;
      }
      return content ? "content" : "preamble";
    },
    usage: () => usage,
    outputCharacters: () => characters,
    streamError: () => error,
    failureText(failure: ProviderError) {
      if (error) return "";
      const message = `The upstream stream failed after it started: ${failure.code}: ${failure.message}`;
      return `data: ${JSON.stringify({ error: { message, type: "api_error", param: null, code: failure.code } })}\n\n`;
    },
    finalAnswer: () => answer,
  };
}

/** The characters of the usual text chunk (one choice, its delta only text), or `undefined`: see {@link closingTextLength}. */
export function plainTextCharacters(data: string): number | undefined {
  return closingTextLength(data, 3, '"delta":', '"content":"');
}
