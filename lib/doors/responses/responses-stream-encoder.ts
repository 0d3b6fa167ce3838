/**
 * Canonical chunks -> the Responses event stream, in the order OpenAI sends it and openai-node,
 * Codex and `@ai-sdk/openai` parse it:
 * `response.created`, `response.in_progress`, then each output item in turn
 * (`output_item.added` … its deltas … `output_item.done`), then exactly one terminal event:
 * `response.completed` / `response.incomplete` carrying the full output and usage, or, after a
 * failure, `error` and `response.failed`. Every event has `type` and one `sequence_number`
 * counter from 0; `output_index` is the item's position; there is no `[DONE]`.
 *
 * Reasoning is streamed as one summary part per reasoning item (`reasoning_summary_text.delta`),
 * not as `reasoning_text`: the JSON answer carries it as `summary` too, openai-node and Codex
 * render summary deltas, `@ai-sdk/openai` turns them into reasoning parts, and what Anthropic
 * streams as thinking on current models is itself a summary.
 */
import type { ReasoningCarrier } from "../../gateway/reasoning-carrier";
import type { StreamEncoder, StreamErrorInfo } from "../../gateway/stream-encoders";
import { isUsageChunk, type ChatCompletionChunk, type ChatCompletionChunkDelta, type ProviderFormat } from "../../providers/provider-spec";
import type { ResponseIds, ToolNames } from "./responses-ids";
import { finishedResponse, usageCountsOf, type ResponseObject, type UsageCounts } from "./response-object";
import { messageItem, reasoningItem, sealReasoning, toolCallItem } from "./response-output-items";

/** What the encoder needs for one response. */
export interface ResponsesStreamOptions {
  shell: ResponseObject;
  ids: ResponseIds;
  toolNames: ToolNames;
  carrier: ReasoningCarrier;
  origin: { format: ProviderFormat; model: string };
  now: () => number;
  /** Receives the finished response (completed or incomplete), e.g. to store it. */
  onFinished?: (response: ResponseObject) => void;
}

type OpenItem = { kind: "reasoning"; index: number; id: string; text: string; partOpen: boolean } | { kind: "message"; index: number; id: string; text: string };

/** A tool call being streamed; several may be open at once (their deltas name their index). */
interface OpenCall {
  index: number;
  upstreamId: string;
  name: string;
  argumentsJson: string;
  custom: boolean;
}

/** Maps a stream failure to the codes Responses clients act on (Codex retries rate limits after the delay in the message). */
function responsesErrorCode(code: string): string {
  if (/rate.?limit/.test(code)) return "rate_limit_exceeded";
  if (code === "context_length_exceeded" || code === "insufficient_quota") return code;
  return "server_error";
}

/** The Responses SSE encoder for one translated response. */
export function responsesStreamEncoder(options: ResponsesStreamOptions): StreamEncoder {
  const { shell, ids, toolNames, carrier, origin } = options;
  let sequence = 0;
  let started = false;
  let finishReason: string | null = null;
  let usage: UsageCounts | null = null;
  const output: Record<string, any>[] = [];
  let open: OpenItem | undefined;
  /** Open tool calls by the chunk's tool-call index, in output order. */
  const calls = new Map<number, OpenCall>();

  const event = (type: string, payload: Record<string, unknown> = {}) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...payload })}\n\n`;
  const start = (): string => {
    if (started) return "";
    started = true;
    return event("response.created", { response: shell }) + event("response.in_progress", { response: shell });
  };
  const added = (item: Record<string, any>) => {
    output.push(item);
    return event("response.output_item.added", { output_index: output.length - 1, item });
  };
  const done = (index: number, item: Record<string, any>) => {
    output[index] = item;
    return event("response.output_item.done", { output_index: index, item });
  };

  /** Ends the open item with its `.done` events; `signature` closes an Anthropic thinking block. */
  const close = (signature?: string): string => {
    const item = open;
    open = undefined;
    if (!item) return "";
    if (item.kind === "reasoning") {
      const at = { item_id: item.id, output_index: item.index, summary_index: 0 };
      let text = "";
      if (item.partOpen) {
        text += event("response.reasoning_summary_text.done", { ...at, text: item.text });
        text += event("response.reasoning_summary_part.done", { ...at, part: { type: "summary_text", text: item.text } });
      }
      const sealed = signature !== undefined ? sealReasoning(carrier, origin, { type: "thinking", thinking: item.text, signature }) : sealReasoning(carrier, origin, { text: item.text });
      return text + done(item.index, reasoningItem(item.id, item.text, sealed));
    }
    const at = { item_id: item.id, output_index: item.index, content_index: 0 };
    const final = messageItem(item.id, item.text);
    return (
      event("response.output_text.done", { ...at, text: item.text, logprobs: [] }) +
      event("response.content_part.done", { ...at, part: final.content[0] }) +
      done(item.index, final)
    );
  };

  /** Ends every open tool call, in output order. */
  const closeCalls = (): string => {
    let text = "";
    for (const call of calls.values()) {
      const final = toolCallItem({ functionCall: ids.functionCall(call.index), customToolCall: ids.customToolCall(call.index) }, call.upstreamId, call.name, call.argumentsJson, toolNames);
      const at = { item_id: final.id, output_index: call.index };
      text +=
        final.type === "custom_tool_call"
          ? event("response.custom_tool_call_input.delta", { ...at, delta: final.input }) + event("response.custom_tool_call_input.done", { ...at, input: final.input })
          : event("response.function_call_arguments.done", { ...at, arguments: final.arguments, name: final.name });
      text += done(call.index, final);
    }
    calls.clear();
    return text;
  };

  /** Ends whatever is open. */
  const closeAll = (): string => close() + closeCalls();

  const openReasoning = (): string => {
    if (open?.kind === "reasoning") return "";
    const text = closeAll();
    const index = output.length;
    open = { kind: "reasoning", index, id: ids.reasoning(index), text: "", partOpen: false };
    return text + added({ id: open.id, type: "reasoning", summary: [], status: "in_progress" });
  };

  const onReasoning = (delta: string): string => {
    let text = openReasoning();
    const item = open as Extract<OpenItem, { kind: "reasoning" }>;
    const at = { item_id: item.id, output_index: item.index, summary_index: 0 };
    if (!item.partOpen) {
      item.partOpen = true;
      text += event("response.reasoning_summary_part.added", { ...at, part: { type: "summary_text", text: "" } });
    }
    item.text += delta;
    return text + event("response.reasoning_summary_text.delta", { ...at, delta });
  };

  const openMessage = (): string => {
    if (open?.kind === "message") return "";
    const text = closeAll();
    const index = output.length;
    open = { kind: "message", index, id: ids.message(index), text: "" };
    return (
      text +
      added({ id: open.id, type: "message", status: "in_progress", role: "assistant", content: [] }) +
      event("response.content_part.added", { item_id: open.id, output_index: index, content_index: 0, part: { type: "output_text", text: "", annotations: [], logprobs: [] } })
    );
  };

  const onContent = (delta: string): string => {
    const text = openMessage();
    const item = open as Extract<OpenItem, { kind: "message" }>;
    item.text += delta;
    return text + event("response.output_text.delta", { item_id: item.id, output_index: item.index, content_index: 0, delta, logprobs: [] });
  };

  const onToolCall = (delta: NonNullable<ChatCompletionChunkDelta["tool_calls"]>[number]): string => {
    let text = "";
    let call = calls.get(delta.index);
    if (!call) {
      text += close();
      const index = output.length;
      const name = delta.function?.name ?? "";
      call = { index, upstreamId: delta.id ?? `call_${index}`, name, argumentsJson: "", custom: toolNames.resolve(name).custom };
      calls.set(delta.index, call);
      const item = toolCallItem({ functionCall: ids.functionCall(index), customToolCall: ids.customToolCall(index) }, call.upstreamId, name, "", toolNames, "in_progress");
      text += added(call.custom ? { ...item, input: "" } : { ...item, arguments: "" });
    }
    const fragment = delta.function?.arguments ?? "";
    if (fragment === "") return text;
    call.argumentsJson += fragment;
    // Custom tools' input is inside the emulated JSON; it is sent whole when the call ends.
    if (call.custom) return text;
    return text + event("response.function_call_arguments.delta", { item_id: ids.functionCall(call.index), output_index: call.index, delta: fragment });
  };

  return {
    chunk(chunk: ChatCompletionChunk) {
      let text = start();
      if (isUsageChunk(chunk)) {
        usage = usageCountsOf(chunk.usage);
        return text || null;
      }
      if (chunk.usage) usage = usageCountsOf(chunk.usage);
      for (const choice of chunk.choices ?? []) {
        const delta = (choice.delta ?? {}) as ChatCompletionChunkDelta;
        if (delta.reasoning_content) text += onReasoning(delta.reasoning_content);
        if (delta.reasoning_signature !== undefined) {
          text += openReasoning();
          text += close(delta.reasoning_signature);
        }
        if (delta.reasoning_redacted !== undefined) {
          text += closeAll();
          const index = output.length;
          const id = ids.reasoning(index);
          text += added({ id, type: "reasoning", summary: [], status: "in_progress" });
          text += done(index, reasoningItem(id, "", sealReasoning(carrier, origin, { type: "redacted_thinking", data: delta.reasoning_redacted })));
        }
        if (delta.content) text += onContent(delta.content);
        if (delta.refusal) text += onContent(delta.refusal);
        for (const call of delta.tool_calls ?? []) text += onToolCall(call);
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
      return text === "" ? null : text;
    },
    end(totals) {
      let text = start() + closeAll();
      if (!output.some((item) => item.type === "message" || item.type === "function_call" || item.type === "custom_tool_call")) {
        // An answer with no text and no calls still gets its (empty) message item.
        text += openMessage() + closeAll();
      }
      const counts = usage ?? { inputTokens: totals.promptTokens, outputTokens: totals.completionTokens, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
      const final = finishedResponse(shell, output, finishReason, counts, options.now());
      options.onFinished?.(final);
      return text + event(final.status === "incomplete" ? "response.incomplete" : "response.completed", { response: final });
    },
    error(info: StreamErrorInfo) {
      const partial = output.map((item) => (item.status === "in_progress" ? { ...item, status: "incomplete" } : item));
      const code = responsesErrorCode(info.code);
      const failed = { ...shell, status: "failed", error: { code, message: info.message }, output: partial, usage: null };
      return (
        start() +
        event("error", { code, message: info.message, param: null, error: { type: info.type, code, message: info.message, param: null } }) +
        event("response.failed", { response: failed })
      );
    },
  };
}
