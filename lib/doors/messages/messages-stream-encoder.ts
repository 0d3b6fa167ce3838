/**
 * Canonical (Chat) chunks -> Anthropic Messages SSE, for a streamed translated answer. Every
 * event is `event: <type>\ndata: <json>\n\n` (the Anthropic SDK skips events without the
 * `event:` line), in the order the SDK's `MessageStream` accumulates: `message_start` and one
 * `ping` (as Anthropic's own streams open), then per block `content_block_start` / `_delta`… /
 * `_stop` with indices counted from 0 without gaps, then `message_delta` (stop reason, cumulative
 * usage) and `message_stop`.
 *
 * - Reasoning becomes a thinking block closed by a `signature_delta` carrying a gateway carrier
 *   of the text (Claude Code drops thinking blocks that end unsigned).
 * - Anthropic blocks are sequential while Chat tool calls are indexed: the first tool call
 *   streams live, fragments of any other index are buffered and sent as whole blocks when the
 *   answer finishes, so interleaved indices never mix. Text that arrives after a tool call
 *   started is held back the same way.
 * - A failure after content ends with `event: error` (no `message_stop`), so the client can tell
 *   a cut answer from a finished one.
 */
import { isUsageChunk, type ChatCompletionChunk, type ChatCompletionChunkDelta } from "../../providers/provider-spec";
import type { StreamEncoder, StreamErrorInfo } from "../../gateway/stream-encoders";
import { messageIdOf, sealReasoning, type MessageShapeOptions } from "./canonical-to-message";
import { anthropicErrorTypeForCode } from "./messages-errors";
import { stopReasonOf } from "./messages-stop-reason";
import { toAnthropicToolId } from "./messages-tool-ids";
import { anthropicTokenCounts, type AnthropicTokenCounts, type ChatUsage } from "./messages-usage";

/** What the encoder needs besides the chunks. */
export interface MessagesStreamOptions extends MessageShapeOptions {
  requestId: string;
  /** Input tokens estimated before the call, shown in `message_start` until the real count arrives. */
  estimatedInputTokens: number;
}

/** One SSE event. */
function sse(type: string, payload: Record<string, unknown> = {}): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`;
}

const PING = sse("ping");

/** A tool call gathered from fragments. */
interface ToolCallBuffer {
  id?: string;
  name?: string;
  arguments: string;
}

type OpenBlock =
  | { kind: "thinking"; index: number; text: string }
  | { kind: "text"; index: number }
  | { kind: "tool"; index: number; toolIndex: number; sentArguments: boolean };

/** The Messages SSE encoder of one response. */
export function messagesStreamEncoder(options: MessagesStreamOptions): StreamEncoder {
  let started = false;
  let nextIndex = 0;
  let open: OpenBlock | null = null;
  let toolStarted = false;
  let callsTools = false;
  let finishReason: string | null = null;
  let counts: AnthropicTokenCounts | null = null;
  let messageId = messageIdOf(undefined, options.requestId);
  const bufferedTools = new Map<number, ToolCallBuffer>();
  const liveToolIndices = new Set<number>();
  const heldTexts: string[] = [];
  const heldReasoning: string[] = [];

  const start = (): string => {
    if (started) return "";
    started = true;
    return sse("message_start", {
      message: {
        id: messageId,
        type: "message",
        role: "assistant",
        model: options.requestedModel,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        stop_details: null,
        container: null,
        usage: { input_tokens: options.estimatedInputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 },
      },
    }) + PING;
  };

  const openBlock = (block: Record<string, unknown>): { text: string; index: number } => {
    const index = nextIndex++;
    return { text: sse("content_block_start", { index, content_block: block }), index };
  };

  const closeOpen = (): string => {
    if (!open) return "";
    const closing = open;
    open = null;
    let text = "";
    if (closing.kind === "thinking") {
      const signature = sealReasoning(options.carrier, closing.text, options.target);
      text += sse("content_block_delta", { index: closing.index, delta: { type: "signature_delta", signature } });
    } else if (closing.kind === "tool" && !closing.sentArguments) {
      // A call without arguments: Anthropic's own streams send one empty delta, clients parse "" as {}.
      text += sse("content_block_delta", { index: closing.index, delta: { type: "input_json_delta", partial_json: "{}" } });
    }
    return text + sse("content_block_stop", { index: closing.index });
  };

  const thinkingDelta = (reasoning: string): string => {
    let text = "";
    if (open?.kind !== "thinking") {
      text += closeOpen();
      const opened = openBlock({ type: "thinking", thinking: "", signature: "" });
      text += opened.text;
      open = { kind: "thinking", index: opened.index, text: "" };
    }
    const thinking = open as Extract<OpenBlock, { kind: "thinking" }>;
    thinking.text += reasoning;
    if (!options.omitThinking) text += sse("content_block_delta", { index: thinking.index, delta: { type: "thinking_delta", thinking: reasoning } });
    return text;
  };

  /** A block of Anthropic's own thinking, signed upstream: sent as it came. */
  const signedThinking = (signature: string): string => {
    if (open?.kind !== "thinking") {
      const text = closeOpen() + openBlock({ type: "thinking", thinking: "", signature: "" }).text;
      const index = nextIndex - 1;
      return text + sse("content_block_delta", { index, delta: { type: "signature_delta", signature } }) + sse("content_block_stop", { index });
    }
    const index = open.index;
    open = null;
    return sse("content_block_delta", { index, delta: { type: "signature_delta", signature } }) + sse("content_block_stop", { index });
  };

  const redactedThinking = (data: string): string => {
    const opened = closeOpen() + openBlock({ type: "redacted_thinking", data }).text;
    return opened + sse("content_block_stop", { index: nextIndex - 1 });
  };

  const textDelta = (piece: string): string => {
    if (toolStarted) {
      heldTexts.push(piece);
      return "";
    }
    let text = "";
    if (open?.kind !== "text") {
      text += closeOpen();
      const opened = openBlock({ type: "text", text: "" });
      text += opened.text;
      open = { kind: "text", index: opened.index };
    }
    return text + sse("content_block_delta", { index: open.index, delta: { type: "text_delta", text: piece } });
  };

  const startTool = (toolIndex: number, id: string, name: string): string => {
    const text = closeOpen();
    const opened = openBlock({ type: "tool_use", id: toAnthropicToolId(id), name, input: {}, caller: { type: "direct" } });
    open = { kind: "tool", index: opened.index, toolIndex, sentArguments: false };
    toolStarted = true;
    callsTools = true;
    liveToolIndices.add(toolIndex);
    return text + opened.text;
  };

  const argumentsDelta = (block: Extract<OpenBlock, { kind: "tool" }>, partial: string): string => {
    if (partial === "") return "";
    block.sentArguments = true;
    return sse("content_block_delta", { index: block.index, delta: { type: "input_json_delta", partial_json: partial } });
  };

  const toolFragment = (fragment: NonNullable<ChatCompletionChunkDelta["tool_calls"]>[number]): string => {
    const partial = fragment.function?.arguments ?? "";
    if (open?.kind === "tool" && open.toolIndex === fragment.index) return argumentsDelta(open, partial);
    const buffered = bufferedTools.get(fragment.index);
    const canStreamLive = open?.kind !== "tool" && !buffered && !liveToolIndices.has(fragment.index) && fragment.id && fragment.function?.name;
    if (canStreamLive) {
      const text = startTool(fragment.index, fragment.id!, fragment.function!.name!);
      return text + argumentsDelta(open as unknown as Extract<OpenBlock, { kind: "tool" }>, partial);
    }
    const call = buffered ?? { arguments: "" };
    if (fragment.id) call.id = fragment.id;
    if (fragment.function?.name) call.name = fragment.function.name;
    call.arguments += partial;
    bufferedTools.set(fragment.index, call);
    callsTools = true;
    return "";
  };

  /** Closes the open block and sends what was held back: late reasoning and text, then buffered tool calls by index. */
  const closeAll = (): string => {
    let text = closeOpen();
    toolStarted = false;
    if (heldReasoning.length > 0) {
      text += thinkingDelta(heldReasoning.splice(0).join(""));
      text += closeOpen();
    }
    if (heldTexts.length > 0) {
      text += textDelta(heldTexts.splice(0).join(""));
      text += closeOpen();
    }
    const pending = [...bufferedTools.entries()].sort(([left], [right]) => left - right);
    bufferedTools.clear();
    for (const [toolIndex, call] of pending) {
      text += startTool(toolIndex, call.id ?? `call_${options.requestId}_${toolIndex}`, call.name ?? "");
      text += argumentsDelta(open as unknown as Extract<OpenBlock, { kind: "tool" }>, call.arguments);
      text += closeOpen();
    }
    toolStarted = false;
    return text;
  };

  return {
    chunk(chunk: ChatCompletionChunk): string | null {
      if (!started && chunk.id) messageId = messageIdOf(chunk.id, options.requestId);
      let text = start();
      if (chunk.usage) counts = anthropicTokenCounts(chunk.usage as ChatUsage);
      if (isUsageChunk(chunk)) return text || null;
      const choice = chunk.choices[0];
      if (!choice) return text || null;
      const delta = (choice.delta ?? {}) as ChatCompletionChunkDelta;
      if (delta.reasoning_content) {
        if (toolStarted) heldReasoning.push(delta.reasoning_content);
        else text += thinkingDelta(delta.reasoning_content);
      }
      if (delta.reasoning_signature) text += signedThinking(delta.reasoning_signature);
      if (delta.reasoning_redacted) text += redactedThinking(delta.reasoning_redacted);
      if (delta.content) text += textDelta(delta.content);
      if (delta.refusal) text += textDelta(delta.refusal);
      for (const fragment of delta.tool_calls ?? []) text += toolFragment(fragment);
      if (choice.finish_reason) {
        finishReason = choice.finish_reason;
        text += closeAll();
      }
      return text || null;
    },

    end(usage): string {
      let text = start() + closeAll();
      const final = counts ?? {
        input_tokens: usage.promptTokens,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
        output_tokens: usage.completionTokens,
        thinking_tokens: 0,
      };
      text += sse("message_delta", {
        delta: { stop_reason: stopReasonOf(finishReason, callsTools), stop_sequence: null, stop_details: null, container: null },
        usage: {
          input_tokens: final.input_tokens,
          cache_creation_input_tokens: final.cache_creation_input_tokens,
          cache_read_input_tokens: final.cache_read_input_tokens,
          output_tokens: final.output_tokens,
          ...(final.thinking_tokens > 0 ? { output_tokens_details: { thinking_tokens: final.thinking_tokens } } : {}),
        },
      });
      return text + sse("message_stop");
    },

    error(info: StreamErrorInfo): string {
      return start() + sse("error", { error: { type: anthropicErrorTypeForCode(info.code), message: info.message } });
    },
  };
}
