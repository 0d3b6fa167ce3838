/**
 * OpenAI SSE body -> canonical chunks. OpenAI chunks are canonical already; this adds the shared
 * checks (error payloads, `[DONE]`, usage in its own chunk) and normalizes finish reasons.
 */
import type { ChatCompletionChunk } from "../provider-spec";
import type { CallScope } from "../shared/call-scope";
import { readOpenAICompatibleStream } from "../shared/openai-compatible-stream";
import { parseServerSentEvents, type ByteSource } from "../shared/sse-parser";
import { classifyOpenAIError } from "./openai-error-classify";
import { normalizeOpenAIFinishReason } from "./openai-finish-reason";

/** Canonical chunks of an OpenAI streaming response body. */
export function transformOpenAIStream(body: ByteSource, scope: CallScope): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  return readOpenAICompatibleStream(parseServerSentEvents(body), scope, {
    errorRule: classifyOpenAIError,
    normalizeChunk: normalizeOpenAIChunkFinishReasons,
  });
}

/** Keeps finish reasons within the documented set. */
export function normalizeOpenAIChunkFinishReasons(chunk: ChatCompletionChunk): ChatCompletionChunk {
  if (!chunk.choices.some((choice) => choice.finish_reason)) return chunk;
  return {
    ...chunk,
    choices: chunk.choices.map((choice) => ({ ...choice, finish_reason: normalizeOpenAIFinishReason(choice.finish_reason) })),
  };
}
