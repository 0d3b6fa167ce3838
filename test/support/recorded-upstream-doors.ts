/**
 * What an Anthropic Messages or OpenAI Responses answer says (a recording, or what a client of
 * those doors received), and the documented mappings that turn one protocol's answer into what a
 * client of another door must receive: stop reason ⇄ finish reason ⇄ status, tool call ids, and
 * usage (Anthropic input excludes cache reads and writes; Chat and Responses input includes them).
 */
import { parseSseData } from "./recorded-fixtures";
import type { AnswerFacts, AnswerToolCall } from "./recorded-upstream-mapping";

/** Usage in the terms every protocol can be reduced to. */
export interface UsageTotals {
  /** All input tokens, cached ones included. */
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
}

/** One answer's content, protocol-neutral, with the protocol's own stop value. */
export interface DoorFacts extends Omit<AnswerFacts, "usage"> {
  usage: UsageTotals | undefined;
  /** Anthropic thinking blocks: whether each carried a non-empty signature. */
  thinkingSigned: boolean[];
}

/** Chat `finish_reason` -> Anthropic `stop_reason`. */
export const finishToAnthropicStop: Readonly<Record<string, string>> = { stop: "end_turn", tool_calls: "tool_use", length: "max_tokens", content_filter: "refusal" };
/** Anthropic `stop_reason` -> Responses status (and incomplete reason). */
export const anthropicStopToStatus: Readonly<Record<string, string>> = {
  end_turn: "completed",
  stop_sequence: "completed",
  pause_turn: "completed",
  tool_use: "completed",
  max_tokens: "incomplete:max_output_tokens",
  refusal: "incomplete:content_filter",
};
/** Chat `finish_reason` -> Responses status (and incomplete reason). */
export const finishToStatus: Readonly<Record<string, string>> = {
  stop: "completed",
  tool_calls: "completed",
  length: "incomplete:max_output_tokens",
  content_filter: "incomplete:content_filter",
};

/** Chat usage (as the client or the provider reported it) in neutral terms. */
export function usageTotalsOfChat(usage: any): UsageTotals | undefined {
  if (!usage) return undefined;
  return {
    input: usage.prompt_tokens,
    output: usage.completion_tokens,
    cacheRead: usage.prompt_tokens_details?.cached_tokens || usage.prompt_cache_hit_tokens || 0,
    cacheWrite: usage.prompt_tokens_details?.cache_write_tokens ?? 0,
    reasoning: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

/** Anthropic usage in neutral terms. */
export function usageTotalsOfAnthropic(usage: any): UsageTotals {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  return { input: (usage.input_tokens ?? 0) + cacheRead + cacheWrite, output: usage.output_tokens ?? 0, cacheRead, cacheWrite, reasoning: usage.output_tokens_details?.thinking_tokens ?? 0 };
}

/** Responses usage in neutral terms. */
export function usageTotalsOfResponses(usage: any): UsageTotals | undefined {
  if (!usage) return undefined;
  return {
    input: usage.input_tokens,
    output: usage.output_tokens,
    cacheRead: usage.input_tokens_details?.cached_tokens ?? 0,
    cacheWrite: usage.input_tokens_details?.cache_write_tokens ?? 0,
    reasoning: usage.output_tokens_details?.reasoning_tokens ?? 0,
  };
}

/** The facts of an Anthropic Messages answer: a JSON Message or an SSE body. */
export function messagesFacts(answer: { stream: true; body: string } | { stream: false; json: any }): DoorFacts {
  const facts: DoorFacts = { text: "", refusal: "", reasoning: "", toolCalls: [], stop: null, usage: undefined, thinkingSigned: [] };
  if (!answer.stream) {
    for (const block of answer.json.content) {
      if (block.type === "text") facts.text += block.text;
      if (block.type === "thinking") {
        facts.reasoning += block.thinking;
        facts.thinkingSigned.push(Boolean(block.signature));
      }
      if (block.type === "tool_use") facts.toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input) });
    }
    return { ...facts, stop: answer.json.stop_reason, usage: usageTotalsOfAnthropic(answer.json.usage) };
  }
  const toolCalls = new Map<number, AnswerToolCall>();
  const signatures = new Map<number, string>();
  const usage: Record<string, unknown> = {};
  for (const event of parseSseData(answer.body)) {
    if (event.type === "message_start") Object.assign(usage, event.message.usage);
    if (event.type === "content_block_start") {
      const block = event.content_block;
      if (block.type === "text") facts.text += block.text;
      if (block.type === "thinking") signatures.set(event.index, block.signature ?? "");
      if (block.type === "tool_use") {
        const toolCall = { id: block.id, name: block.name, arguments: "" };
        toolCalls.set(event.index, toolCall);
        facts.toolCalls.push(toolCall);
      }
    }
    if (event.type === "content_block_delta") {
      const { delta } = event;
      if (delta.type === "text_delta") facts.text += delta.text;
      if (delta.type === "thinking_delta") facts.reasoning += delta.thinking;
      if (delta.type === "signature_delta") signatures.set(event.index, (signatures.get(event.index) ?? "") + delta.signature);
      const toolCall = toolCalls.get(event.index);
      if (delta.type === "input_json_delta" && toolCall) toolCall.arguments += delta.partial_json;
    }
    if (event.type === "message_delta") {
      facts.stop = event.delta.stop_reason ?? facts.stop;
      for (const [field, value] of Object.entries(event.usage ?? {})) if (value !== null && value !== undefined) usage[field] = value;
    }
  }
  facts.thinkingSigned = [...signatures.values()].map(Boolean);
  return { ...facts, usage: usageTotalsOfAnthropic(usage) };
}

/** Facts of a Responses answer, plus the stream's shape when it was one. */
export interface ResponsesFacts extends DoorFacts {
  /** `completed`, `failed`, or `incomplete:<reason>`. */
  status: string;
  /** Function call item ids (`fc_…`), in output order. */
  itemIds: string[];
  /** Streams: the event types in order. */
  eventTypes: string[];
  /** Streams: every event had a `sequence_number`, counting up from 0 without gaps. */
  sequenced: boolean;
  /** Streams: the text the `response.output_text.delta` events spelled. */
  streamedText: string;
}

/** The facts of a Responses answer (a JSON response, or an SSE body ending in a terminal event). */
export function responsesFacts(answer: { stream: true; body: string } | { stream: false; json: any }): ResponsesFacts {
  const events = answer.stream ? parseSseData(answer.body) : [];
  const response = answer.stream ? events.findLast((event) => /^response\.(completed|incomplete|failed)$/.test(event.type))?.response : answer.json;
  const facts: ResponsesFacts = {
    text: "",
    refusal: "",
    reasoning: "",
    toolCalls: [],
    stop: null,
    usage: usageTotalsOfResponses(response?.usage),
    thinkingSigned: [],
    status: response ? (response.status === "incomplete" ? `incomplete:${response.incomplete_details?.reason}` : response.status) : "missing",
    itemIds: [],
    eventTypes: events.map((event) => event.type),
    sequenced: events.every((event, index) => event.sequence_number === index),
    streamedText: events.filter((event) => event.type === "response.output_text.delta").map((event) => event.delta).join(""),
  };
  for (const item of response?.output ?? []) {
    if (item.type === "message") {
      for (const part of item.content ?? []) {
        if (part.type === "output_text") facts.text += part.text;
        if (part.type === "refusal") facts.refusal += part.refusal;
      }
    }
    if (item.type === "reasoning") {
      facts.reasoning += [...(item.summary ?? []), ...(item.content ?? [])].map((part: any) => part.text).join("");
      facts.thinkingSigned.push(Boolean(item.encrypted_content));
    }
    if (item.type === "function_call") {
      facts.toolCalls.push({ id: item.call_id, name: item.name, arguments: item.arguments });
      facts.itemIds.push(item.id);
    }
  }
  facts.stop = facts.status;
  return facts;
}
