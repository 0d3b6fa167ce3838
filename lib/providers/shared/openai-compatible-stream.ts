/**
 * Reads an OpenAI-format SSE body into canonical chunks, for every OpenAI-compatible adapter.
 *
 * We parse the body ourselves instead of using openai-node's `Stream`: it swallows `[DONE]`, so
 * a stream cut before its end looks exactly like a finished one (the silent truncation of
 * Portkey-AI/gateway#1797). Here a missing `[DONE]` throws `stream_truncated`.
 */
import { isProviderError, ProviderError } from "../provider-error";
import type { ChatCompletionChunk } from "../provider-spec";
import { abortedCallError, connectionError, truncatedStreamError, type CallScope } from "./call-scope";
import { providerErrorFromStreamPayload, type OpenAIErrorObject } from "./openai-compatible-errors";
import type { ServerSentEvent } from "./sse-parser";
import type { ProviderErrorRule } from "./upstream-error-classify";

/** Per-provider adjustments of the shared stream reading. */
export interface OpenAICompatibleStreamHooks {
  /**
   * Rewrites one parsed chunk (e.g. DeepSeek usage fields) before it is yielded; may throw a
   * `ProviderError` for a chunk that ends the answer in failure.
   */
  normalizeChunk?(chunk: ChatCompletionChunk): ChatCompletionChunk;
  /** The provider's error classification rule, for `{error: …}` payloads. */
  errorRule?: ProviderErrorRule;
}

/**
 * Yields canonical chunks from OpenAI-format SSE events: `choices` always an array, and usage
 * always in a chunk of its own (`choices: []`), even when an upstream puts it on the last
 * choice chunk. Throws a `ProviderError` for an error payload, a malformed event, a broken
 * connection, or an end without `[DONE]`.
 */
export async function* readOpenAICompatibleStream(
  events: AsyncIterable<ServerSentEvent>,
  scope: CallScope,
  hooks: OpenAICompatibleStreamHooks = {},
): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  let sawDone = false;
  try {
    for await (const event of events) {
      if (event.data.trim() === "[DONE]") {
        sawDone = true;
        break;
      }
      const payload = parsePayload(event.data, scope);
      if (payload.error || event.event === "error") {
        throw providerErrorFromStreamPayload((payload.error ?? payload) as OpenAIErrorObject, scope, hooks.errorRule);
      }
      const chunk = hooks.normalizeChunk ? hooks.normalizeChunk(toChunk(payload)) : toChunk(payload);
      yield* splitUsage(chunk);
    }
  } catch (error) {
    if (isProviderError(error)) throw error;
    if (scope.aborted()) throw abortedCallError(scope);
    throw connectionError(scope, "stream_truncated", error);
  }
  if (!sawDone) throw scope.aborted() ? abortedCallError(scope) : truncatedStreamError(scope);
}

type StreamPayload = Partial<ChatCompletionChunk> & { error?: OpenAIErrorObject };

function parsePayload(data: string, scope: CallScope): StreamPayload {
  try {
    const parsed: unknown = JSON.parse(data);
    if (parsed && typeof parsed === "object") return parsed as StreamPayload;
  } catch {
    // Reported below together with non-object payloads.
  }
  throw new ProviderError({
    kind: "transient",
    status: 0,
    code: "stream_malformed",
    message: "upstream sent a stream event that is not a JSON object",
    provider: scope.provider,
  });
}

/** Some OpenAI-compatible servers send `choices: null` or omit it on the usage chunk. */
function toChunk(payload: StreamPayload): ChatCompletionChunk {
  return { ...payload, choices: Array.isArray(payload.choices) ? payload.choices : [] } as ChatCompletionChunk;
}

function* splitUsage(chunk: ChatCompletionChunk): Generator<ChatCompletionChunk> {
  if (chunk.usage && chunk.choices.length > 0) {
    yield { ...chunk, usage: null };
    yield { ...chunk, choices: [], usage: chunk.usage };
    return;
  }
  yield chunk;
}
