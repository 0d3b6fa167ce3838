/**
 * What a recording says, read independently of the gateway's adapters: the text, reasoning, tool
 * calls, stop reason and usage of an Anthropic Messages recording, and the same facts gathered
 * from what an OpenAI Chat client received. Tests compare the two under the documented mapping
 * (stop reason -> finish reason; prompt = input + cache read + cache creation, completion =
 * output, cached = cache read, reasoning = thinking tokens).
 */
import type { Recording } from "./recorded-fixtures";
import { parseSseData } from "./recorded-fixtures";

/** A tool call as both sides describe it. */
export interface AnswerToolCall {
  id: string;
  name: string;
  /** The arguments JSON text (concatenated fragments when streamed). */
  arguments: string;
}

/** Usage in Chat Completions terms. */
export interface ChatUsageFacts {
  prompt: number;
  completion: number;
  total: number;
  cached: number;
  reasoning: number;
}

/** The content of one answer. */
export interface AnswerFacts {
  text: string;
  /** Chat `refusal` text ("" when none). */
  refusal: string;
  reasoning: string;
  toolCalls: AnswerToolCall[];
  /** Anthropic `stop_reason` or Chat `finish_reason`. */
  stop: string | null;
  usage: ChatUsageFacts | undefined;
}

/** Anthropic `stop_reason` -> Chat `finish_reason`. */
export const anthropicStopToFinish: Readonly<Record<string, string>> = {
  end_turn: "stop",
  stop_sequence: "stop",
  pause_turn: "stop",
  tool_use: "tool_calls",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  refusal: "content_filter",
};

interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

/** Anthropic usage in Chat terms. */
export function chatUsageOfAnthropic(usage: AnthropicUsage): ChatUsageFacts {
  const cached = usage.cache_read_input_tokens ?? 0;
  const prompt = (usage.input_tokens ?? 0) + cached + (usage.cache_creation_input_tokens ?? 0);
  const completion = usage.output_tokens ?? 0;
  return { prompt, completion, total: prompt + completion, cached, reasoning: usage.output_tokens_details?.thinking_tokens ?? 0 };
}

/** The facts of an Anthropic Messages recording (stream or JSON); usage in Chat terms. */
export function anthropicRecordingFacts(recording: Recording): AnswerFacts {
  if (!recording.stream) {
    const message = recording.json;
    const facts: AnswerFacts = { text: "", refusal: "", reasoning: "", toolCalls: [], stop: message.stop_reason, usage: chatUsageOfAnthropic(message.usage) };
    for (const block of message.content) {
      if (block.type === "text") facts.text += block.text;
      if (block.type === "thinking") facts.reasoning += block.thinking;
      if (block.type === "tool_use") facts.toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input) });
    }
    return facts;
  }
  const facts: AnswerFacts = { text: "", refusal: "", reasoning: "", toolCalls: [], stop: null, usage: undefined };
  const toolCallsByBlock = new Map<number, AnswerToolCall>();
  const usage: AnthropicUsage = {};
  for (const event of recording.payloads) {
    if (event.type === "message_start") Object.assign(usage, event.message.usage);
    if (event.type === "content_block_start") {
      const block = event.content_block;
      if (block.type === "text") facts.text += block.text;
      if (block.type === "tool_use") {
        const toolCall = { id: block.id, name: block.name, arguments: "" };
        toolCallsByBlock.set(event.index, toolCall);
        facts.toolCalls.push(toolCall);
      }
    }
    if (event.type === "content_block_delta") {
      const delta = event.delta;
      if (delta.type === "text_delta") facts.text += delta.text;
      if (delta.type === "thinking_delta") facts.reasoning += delta.thinking;
      const toolCall = toolCallsByBlock.get(event.index);
      if (delta.type === "input_json_delta" && toolCall) toolCall.arguments += delta.partial_json;
    }
    if (event.type === "message_delta") {
      facts.stop = event.delta.stop_reason ?? facts.stop;
      // message_delta usage is cumulative; fields it leaves out or nulls keep their earlier value.
      for (const [field, value] of Object.entries(event.usage ?? {})) if (value !== null && value !== undefined) (usage as any)[field] = value;
    }
  }
  facts.usage = chatUsageOfAnthropic(usage);
  return facts;
}

/** Chat usage as a client receives it. */
export function chatUsageFacts(usage: any): ChatUsageFacts | undefined {
  if (!usage) return undefined;
  return {
    prompt: usage.prompt_tokens,
    completion: usage.completion_tokens,
    total: usage.total_tokens,
    cached: usage.prompt_tokens_details?.cached_tokens ?? 0,
    reasoning: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

/** The facts of a Chat Completions answer as a client received it (JSON body). */
export function chatCompletionFacts(completion: any): AnswerFacts {
  const message = completion.choices[0].message;
  return {
    text: message.content ?? "",
    refusal: message.refusal ?? "",
    reasoning: message.reasoning_content ?? "",
    toolCalls: (message.tool_calls ?? []).map((call: any) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments })),
    stop: completion.choices[0].finish_reason,
    usage: chatUsageFacts(completion.usage),
  };
}

/** The facts of a Chat Completions stream as a client received it, plus the stream's shape. */
export function chatStreamFacts(body: string): AnswerFacts & { endsWithDone: boolean; usageChunks: number; usageOnlyChunks: number; finishChunks: number } {
  const facts = { text: "", refusal: "", reasoning: "", toolCalls: [] as AnswerToolCall[], stop: null as string | null, usage: undefined as ChatUsageFacts | undefined };
  const toolCallsByIndex = new Map<number, AnswerToolCall>();
  let usageChunks = 0;
  let usageOnlyChunks = 0;
  let finishChunks = 0;
  for (const chunk of parseSseData(body)) {
    if (chunk.usage) {
      usageChunks++;
      if ((chunk.choices ?? []).length === 0) usageOnlyChunks++;
      facts.usage = chatUsageFacts(chunk.usage);
    }
    for (const choice of chunk.choices ?? []) {
      const delta = choice.delta ?? {};
      if (typeof delta.content === "string") facts.text += delta.content;
      if (typeof delta.refusal === "string") facts.refusal += delta.refusal;
      if (typeof delta.reasoning_content === "string") facts.reasoning += delta.reasoning_content;
      for (const fragment of delta.tool_calls ?? []) {
        let toolCall = toolCallsByIndex.get(fragment.index);
        if (!toolCall) {
          toolCall = { id: "", name: "", arguments: "" };
          toolCallsByIndex.set(fragment.index, toolCall);
          facts.toolCalls.push(toolCall);
        }
        if (fragment.id) toolCall.id = fragment.id;
        if (fragment.function?.name) toolCall.name = fragment.function.name;
        toolCall.arguments += fragment.function?.arguments ?? "";
      }
      if (choice.finish_reason) {
        finishChunks++;
        facts.stop = choice.finish_reason;
      }
    }
  }
  return { ...facts, endsWithDone: body.trimEnd().endsWith("data: [DONE]"), usageChunks, usageOnlyChunks, finishChunks };
}
