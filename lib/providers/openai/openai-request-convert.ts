/**
 * Canonical request -> OpenAI request. The canonical shape is OpenAI's, so this only pins the
 * streaming fields.
 */
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from "openai/resources/chat/completions";
import type { ChatRequest } from "../provider-spec";

/**
 * The non-streaming request: `stream: false` and no `stream_options` (OpenAI rejects
 * `stream_options` without `stream: true`).
 */
export function toOpenAIChatRequest(request: ChatRequest): ChatCompletionCreateParamsNonStreaming {
  const { stream: _stream, stream_options: _streamOptions, ...rest } = request;
  return { ...rest, stream: false };
}

/**
 * The streaming request, always with `stream_options.include_usage` so the final chunk carries
 * usage (litellm #5632: without it streamed calls log zero tokens). The gateway strips that chunk
 * when its own client did not ask for it.
 */
export function toOpenAIStreamRequest(request: ChatRequest): ChatCompletionCreateParamsStreaming {
  const { stream: _stream, stream_options: streamOptions, ...rest } = request;
  return { ...rest, stream: true, stream_options: { ...streamOptions, include_usage: true } };
}
