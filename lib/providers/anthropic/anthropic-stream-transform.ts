/**
 * Anthropic stream events -> canonical OpenAI chunks
 * (https://docs.anthropic.com/en/api/messages-streaming):
 * `message_start` -> role chunk; `text_delta` -> content; `tool_use` block start -> tool call
 * with id and name; `input_json_delta` -> argument fragments; `thinking_delta` ->
 * `reasoning_content`; `signature_delta` -> `reasoning_signature` (which closes that thinking
 * block); a `redacted_thinking` block -> `reasoning_redacted` (its data); `message_delta` ->
 * finish_reason; `message_stop` -> usage chunk.
 * `ping` and unknown events are dropped; an `error` event is thrown as a `ProviderError`.
 */
import type { RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import type { ChatCompletionChunk, ChatCompletionChunkDelta } from "../provider-spec";
import { abortedCallError, truncatedStreamError, type CallScope } from "../shared/call-scope";
import { toCompletionUsage } from "../shared/usage-normalize";
import { toAnthropicProviderError } from "./anthropic-error-classify";
import { mapAnthropicStopReason } from "./anthropic-finish-reason";
import { normalizeAnthropicUsage, type AnthropicUsageFields } from "./anthropic-response-convert";

/** Per-stream state: ids, tool call numbering and the running usage. */
interface StreamState {
  id: string;
  model: string;
  created: number;
  /** Content block index -> OpenAI tool call index (tool calls are numbered from 0). */
  toolCallIndexes: Map<number, number>;
  /** Content block indexes of tool calls that have sent argument text. */
  toolCallsWithArguments: Set<number>;
  usage: AnthropicUsageFields;
  finished: boolean;
}

/**
 * Canonical chunks for an Anthropic event stream.
 *
 * @param nowMs creation time stamped on every chunk
 * @default nowMs Date.now()
 */
export async function* transformAnthropicStream(
  events: AsyncIterable<RawMessageStreamEvent | { type: string }>,
  scope: CallScope,
  nowMs: number = Date.now(),
): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  const state: StreamState = { id: "", model: "", created: Math.floor(nowMs / 1000), toolCallIndexes: new Map(), toolCallsWithArguments: new Set(), usage: {}, finished: false };
  let sawMessageStop = false;
  try {
    for await (const event of events) {
      if (event.type === "message_stop") {
        sawMessageStop = true;
        yield usageChunk(state);
        break;
      }
      const chunk = chunkForEvent(event as RawMessageStreamEvent, state);
      if (chunk) yield chunk;
    }
  } catch (error) {
    throw toAnthropicProviderError(error, scope, true);
  }
  // The SDK's iterator ends silently when aborted, so a missing message_stop is checked here.
  if (!sawMessageStop) throw scope.aborted() ? abortedCallError(scope) : truncatedStreamError(scope);
}

function chunkForEvent(event: RawMessageStreamEvent, state: StreamState): ChatCompletionChunk | undefined {
  switch (event.type) {
    case "message_start":
      state.id = event.message.id;
      state.model = event.message.model;
      state.usage = { ...event.message.usage };
      return choiceChunk(state, { role: "assistant", content: "" });
    case "content_block_start": {
      const block = event.content_block;
      if (block.type === "tool_use") {
        const toolCallIndex = state.toolCallIndexes.size;
        state.toolCallIndexes.set(event.index, toolCallIndex);
        return choiceChunk(state, {
          tool_calls: [{ index: toolCallIndex, id: block.id, type: "function", function: { name: block.name, arguments: "" } }],
        });
      }
      if (block.type === "text" && block.text) return choiceChunk(state, { content: block.text });
      if (block.type === "thinking" && block.thinking) return choiceChunk(state, { reasoning_content: block.thinking });
      if (block.type === "redacted_thinking") return choiceChunk(state, { reasoning_redacted: block.data });
      return undefined;
    }
    case "content_block_delta": {
      const delta = event.delta;
      if (delta.type === "text_delta") return choiceChunk(state, { content: delta.text });
      if (delta.type === "thinking_delta") return choiceChunk(state, { reasoning_content: delta.thinking });
      if (delta.type === "signature_delta") return choiceChunk(state, { reasoning_signature: delta.signature });
      if (delta.type === "input_json_delta") {
        const toolCallIndex = state.toolCallIndexes.get(event.index);
        if (toolCallIndex === undefined || delta.partial_json === "") return undefined;
        state.toolCallsWithArguments.add(event.index);
        return choiceChunk(state, { tool_calls: [{ index: toolCallIndex, function: { arguments: delta.partial_json } }] });
      }
      return undefined;
    }
    case "message_delta":
      mergeUsage(state.usage, event.usage);
      if (!event.delta.stop_reason || state.finished) return undefined;
      state.finished = true;
      return choiceChunk(state, {}, mapAnthropicStopReason(event.delta.stop_reason));
    case "content_block_stop": {
      // A call without arguments streams none (or one empty fragment): its arguments are `{}`,
      // as in a non-streamed answer, so a client's JSON.parse of them works.
      const toolCallIndex = state.toolCallIndexes.get(event.index);
      if (toolCallIndex === undefined || state.toolCallsWithArguments.has(event.index)) return undefined;
      return choiceChunk(state, { tool_calls: [{ index: toolCallIndex, function: { arguments: "{}" } }] });
    }
    default:
      // ping (already dropped by the SDK) and event types added later.
      return undefined;
  }
}

/** `message_delta` usage is cumulative; input counts are only present when they changed. */
function mergeUsage(target: AnthropicUsageFields, update: AnthropicUsageFields): void {
  for (const field of ["input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"] as const) {
    const value = update[field];
    if (value !== null && value !== undefined) target[field] = value;
  }
  if (update.output_tokens_details) target.output_tokens_details = update.output_tokens_details;
  if (update.cache_creation) target.cache_creation = update.cache_creation;
}

function choiceChunk(
  state: StreamState,
  delta: ChatCompletionChunkDelta,
  finishReason: ChatCompletionChunk.Choice["finish_reason"] = null,
): ChatCompletionChunk {
  return {
    id: state.id,
    object: "chat.completion.chunk",
    created: state.created,
    model: state.model,
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
  };
}

function usageChunk(state: StreamState): ChatCompletionChunk {
  return {
    id: state.id,
    object: "chat.completion.chunk",
    created: state.created,
    model: state.model,
    choices: [],
    usage: toCompletionUsage(normalizeAnthropicUsage(state.usage)),
  };
}
