/**
 * Reads OpenAI embeddings answers (`{object: "list", data: [...], usage: {prompt_tokens}}`) passed
 * through to the client; embeddings are never streamed.
 */
import type { NormalizedUsage } from "../../providers/provider-spec";
import type { PassThroughObserver } from "../../gateway/pass-through/pass-through-observer";

/** An observer for one embeddings exchange. */
export function embeddingsObserver(): PassThroughObserver {
  let usage: NormalizedUsage | null = null;
  let answer: unknown = null;
  return {
    readBody(json) {
      const body = json as { data?: unknown; usage?: { prompt_tokens?: number; total_tokens?: number } };
      if (typeof body !== "object" || body === null || !Array.isArray(body.data)) return false;
      const promptTokens = body.usage?.prompt_tokens ?? 0;
      if (body.usage) usage = { promptTokens, completionTokens: 0, totalTokens: body.usage.total_tokens ?? promptTokens, cachedTokens: 0, reasoningTokens: 0 };
      answer = json;
      return true;
    },
    readEvent: () => "other",
    usage: () => usage,
    outputCharacters: () => 0,
    streamError: () => null,
    failureText: () => "",
    finalAnswer: () => answer,
  };
}
