/**
 * Reads Anthropic's `POST /v1/messages/count_tokens` answer (`{input_tokens}`) passed through to
 * the client. Counting spends no tokens, so the log row records none.
 */
import type { PassThroughObserver } from "../../gateway/pass-through/pass-through-observer";
import type { NormalizedUsage } from "../../providers/provider-spec";

const noTokens: NormalizedUsage = Object.freeze({ promptTokens: 0, completionTokens: 0, totalTokens: 0, cachedTokens: 0, reasoningTokens: 0 });

/** An observer for one count_tokens exchange (never streamed). */
export function countTokensObserver(): PassThroughObserver {
  let answer: unknown = null;
  return {
    readBody(json) {
      const counted = json as { input_tokens?: unknown } | null;
      if (typeof counted !== "object" || counted === null || typeof counted.input_tokens !== "number") return false;
      answer = json;
      return true;
    },
    readEvent: () => "other",
    usage: () => noTokens,
    outputCharacters: () => 0,
    streamError: () => null,
    failureText: () => "",
    finalAnswer: () => answer,
  };
}
