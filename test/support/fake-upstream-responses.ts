/**
 * OpenAI Responses wire format for the fake upstream (https://platform.openai.com/docs/api-reference/responses,
 * https://platform.openai.com/docs/api-reference/responses-streaming): `POST /v1/responses` as JSON
 * or as named SSE events, each carrying `type` and a `sequence_number` counted from 0, ending in
 * `response.completed` (or `response.incomplete` when the answer was cut by a limit). Errors and
 * model lists are OpenAI's.
 */
import {
  fakeCreatedSeconds,
  namedEvent,
  resolveAnswer,
  splitArguments,
  type DialectRenderer,
  type RecordedUpstreamRequest,
  type RenderedError,
  type ResolvedAnswer,
} from "./fake-upstream-answer";
import { openAIRenderer } from "./fake-upstream-openai";
import type { AnswerStep, FakeUsage, StreamErrorStep } from "./fake-upstream-steps";

/** Why a response is `incomplete`, by canonical finish reason. */
const incompleteReasons: Record<string, string> = { length: "max_output_tokens", content_filter: "content_filter" };

function usageJson(usage: FakeUsage): Record<string, unknown> {
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: usage.cachedTokens },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}

function reasoningItem(answer: ResolvedAnswer, text: string): Record<string, unknown> {
  return { type: "reasoning", id: `rs_fake_${answer.id}`, summary: text === "" ? [] : [{ type: "summary_text", text }] };
}

function messageItem(answer: ResolvedAnswer, text: string | undefined, status: string): Record<string, unknown> {
  const content = text === undefined ? [] : [{ type: "output_text", text, annotations: [], logprobs: [] }];
  return { type: "message", id: `msg_fake_${answer.id}`, status, role: "assistant", content };
}

function functionCallItem(answer: ResolvedAnswer, index: number, argumentsJson: string, status: string): Record<string, unknown> {
  const toolCall = answer.toolCalls[index];
  return { type: "function_call", id: `fc_fake_${answer.id}_${index}`, call_id: toolCall.id, name: toolCall.name, arguments: argumentsJson, status };
}

/** Every output item of the finished answer, in order: reasoning, message, function calls. */
function outputItems(answer: ResolvedAnswer): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  if (answer.reasoning) items.push(reasoningItem(answer, answer.reasoning));
  if (answer.content) items.push(messageItem(answer, answer.content, "completed"));
  answer.toolCalls.forEach((toolCall, index) => items.push(functionCallItem(answer, index, toolCall.argumentsJson, "completed")));
  return items;
}

function responseJson(answer: ResolvedAnswer, request: RecordedUpstreamRequest, final: boolean): Record<string, unknown> {
  const incompleteReason = incompleteReasons[answer.finishReason];
  const body = request.body ?? {};
  return {
    id: `resp_fake_${answer.id}`,
    object: "response",
    created_at: fakeCreatedSeconds,
    status: final ? (incompleteReason ? "incomplete" : "completed") : "in_progress",
    ...(final ? { completed_at: fakeCreatedSeconds } : {}),
    error: null,
    incomplete_details: final && incompleteReason ? { reason: incompleteReason } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: answer.model,
    output: final ? outputItems(answer) : [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: body.reasoning?.effort ?? null, summary: body.reasoning?.summary ?? null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: "text" } },
    tool_choice: body.tool_choice ?? "auto",
    tools: Array.isArray(body.tools) ? body.tools : [],
    top_p: body.top_p ?? 1,
    truncation: "disabled",
    usage: final ? usageJson(answer.usage) : null,
    user: null,
    metadata: body.metadata ?? {},
  };
}

function streamEvents(answer: ResolvedAnswer, request: RecordedUpstreamRequest): string[] {
  const events: string[] = [];
  const emit = (type: string, payload: Record<string, unknown>) => events.push(namedEvent(type, { type, sequence_number: events.length, ...payload }));
  emit("response.created", { response: responseJson(answer, request, false) });
  emit("response.in_progress", { response: responseJson(answer, request, false) });
  let outputIndex = 0;
  if (answer.reasoning) {
    const item_id = `rs_fake_${answer.id}`;
    const output_index = outputIndex++;
    emit("response.output_item.added", { output_index, item: reasoningItem(answer, "") });
    emit("response.reasoning_summary_part.added", { item_id, output_index, summary_index: 0, part: { type: "summary_text", text: "" } });
    emit("response.reasoning_summary_text.delta", { item_id, output_index, summary_index: 0, delta: answer.reasoning });
    emit("response.reasoning_summary_text.done", { item_id, output_index, summary_index: 0, text: answer.reasoning });
    emit("response.reasoning_summary_part.done", { item_id, output_index, summary_index: 0, part: { type: "summary_text", text: answer.reasoning } });
    emit("response.output_item.done", { output_index, item: reasoningItem(answer, answer.reasoning) });
  }
  if (answer.content) {
    const item_id = `msg_fake_${answer.id}`;
    const output_index = outputIndex++;
    const part = (text: string) => ({ type: "output_text", text, annotations: [], logprobs: [] });
    emit("response.output_item.added", { output_index, item: messageItem(answer, undefined, "in_progress") });
    emit("response.content_part.added", { item_id, output_index, content_index: 0, part: part("") });
    for (const delta of answer.chunks) emit("response.output_text.delta", { item_id, output_index, content_index: 0, delta, logprobs: [] });
    emit("response.output_text.done", { item_id, output_index, content_index: 0, text: answer.content, logprobs: [] });
    emit("response.content_part.done", { item_id, output_index, content_index: 0, part: part(answer.content) });
    emit("response.output_item.done", { output_index, item: messageItem(answer, answer.content, "completed") });
  }
  answer.toolCalls.forEach((toolCall, index) => {
    const item_id = `fc_fake_${answer.id}_${index}`;
    const output_index = outputIndex++;
    emit("response.output_item.added", { output_index, item: functionCallItem(answer, index, "", "in_progress") });
    for (const delta of splitArguments(toolCall.argumentsJson)) emit("response.function_call_arguments.delta", { item_id, output_index, delta });
    emit("response.function_call_arguments.done", { item_id, output_index, name: toolCall.name, arguments: toolCall.argumentsJson });
    emit("response.output_item.done", { output_index, item: functionCallItem(answer, index, toolCall.argumentsJson, "completed") });
  });
  const final = responseJson(answer, request, true);
  emit(final.status === "incomplete" ? "response.incomplete" : "response.completed", { response: final });
  return events;
}

const openAI = openAIRenderer("openai");

/** The OpenAI Responses renderer: its own answers and stream errors, OpenAI's errors and models. */
export const responsesRenderer: DialectRenderer = {
  requestIdHeader: openAI.requestIdHeader,
  answer(step: AnswerStep, request: RecordedUpstreamRequest) {
    const answer = resolveAnswer(step, request, "call_fake_");
    return { json: responseJson(answer, request, true), events: streamEvents(answer, request), terminalEvents: 1 };
  },
  streamErrorEvent(step: StreamErrorStep) {
    // The events already sent carry the numbers before this one.
    return namedEvent("error", {
      type: "error",
      sequence_number: step.afterEvents ?? 2,
      code: step.errorType ?? "server_error",
      message: step.message ?? "The server had an error while processing your request.",
      param: null,
    });
  },
  streamErrorAsHttp: (step) => openAI.streamErrorAsHttp(step),
  error: (step, request) => openAI.error(step, request),
  models: (step) => openAI.models(step),
  validate(request: RecordedUpstreamRequest): RenderedError | undefined {
    const body = request.body;
    const invalid = (message: string, param: string): RenderedError => ({
      status: 400,
      body: { error: { message, type: "invalid_request_error", param, code: null } },
      headers: {},
    });
    if (!body || typeof body.model !== "string") return invalid("Missing required parameter: 'model'.", "model");
    if (body.input !== undefined && typeof body.input !== "string" && !Array.isArray(body.input)) return invalid("Invalid type for 'input': expected a string or an array.", "input");
    if (body.messages !== undefined) return invalid("Unknown parameter: 'messages'.", "messages");
    return undefined;
  },
};
