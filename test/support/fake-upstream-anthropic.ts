/**
 * Anthropic Messages wire format for the fake upstream (https://docs.anthropic.com/en/api/messages,
 * https://docs.anthropic.com/en/api/messages-streaming, https://docs.anthropic.com/en/api/errors).
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
import type { AnswerStep, ErrorPreset, ErrorStep, FakeUsage, StreamErrorStep } from "./fake-upstream-steps";

const stopReasons: Record<string, string> = { stop: "end_turn", length: "max_tokens", tool_calls: "tool_use", content_filter: "refusal" };

function presetShape(preset: ErrorPreset, request: RecordedUpstreamRequest, echoKey: boolean): { status: number; type: string; message: string } {
  const shapes: Record<ErrorPreset, { status: number; type: string; message: string }> = {
    rate_limited: {
      status: 429,
      type: "rate_limit_error",
      message: "This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.",
    },
    quota_exceeded: {
      status: 400,
      type: "invalid_request_error",
      message: "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
    },
    invalid_key: { status: 401, type: "authentication_error", message: echoKey ? `invalid x-api-key: ${request.apiKey ?? ""}` : "invalid x-api-key" },
    permission_denied: { status: 403, type: "permission_error", message: "Your API key does not have permission to use the specified resource." },
    overloaded: { status: 529, type: "overloaded_error", message: "Overloaded" },
    server_error: { status: 500, type: "api_error", message: "Internal server error" },
    bad_request: { status: 400, type: "invalid_request_error", message: "Invalid request." },
    not_found: { status: 404, type: "not_found_error", message: `model: ${request.body?.model ?? "unknown"}` },
    unprocessable: { status: 422, type: "invalid_request_error", message: "Unprocessable request." },
  };
  return shapes[preset];
}

const presetForStatus: Record<number, ErrorPreset> = {
  400: "bad_request",
  401: "invalid_key",
  403: "permission_denied",
  404: "not_found",
  422: "unprocessable",
  429: "rate_limited",
  500: "server_error",
  529: "overloaded",
};

function errorBody(type: string, message: string, requestId: string): unknown {
  return { type: "error", error: { type, message }, request_id: requestId };
}

function usageJson(usage: FakeUsage): Record<string, unknown> {
  return {
    input_tokens: Math.max(0, usage.promptTokens - usage.cachedTokens - usage.cacheCreationTokens),
    cache_creation_input_tokens: usage.cacheCreationTokens,
    cache_read_input_tokens: usage.cachedTokens,
    output_tokens: usage.completionTokens,
    ...(usage.reasoningTokens > 0 ? { output_tokens_details: { thinking_tokens: usage.reasoningTokens } } : {}),
  };
}

function stopReason(answer: ResolvedAnswer): string {
  return stopReasons[answer.finishReason] ?? answer.finishReason;
}

function messageJson(answer: ResolvedAnswer): unknown {
  const content: unknown[] = [];
  if (answer.reasoning) content.push({ type: "thinking", thinking: answer.reasoning, signature: "fake-signature" });
  if (answer.content) content.push({ type: "text", text: answer.content, citations: null });
  for (const toolCall of answer.toolCalls) content.push({ type: "tool_use", id: toolCall.id, name: toolCall.name, input: JSON.parse(toolCall.argumentsJson) });
  return {
    id: `msg_fake_${answer.id}`,
    type: "message",
    role: "assistant",
    model: answer.model,
    content,
    stop_reason: stopReason(answer),
    stop_sequence: null,
    usage: usageJson(answer.usage),
  };
}

function streamEvents(answer: ResolvedAnswer): string[] {
  const usage = usageJson(answer.usage);
  const events = [
    namedEvent("message_start", {
      type: "message_start",
      message: { id: `msg_fake_${answer.id}`, type: "message", role: "assistant", model: answer.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1, output_tokens_details: undefined } },
    }),
    namedEvent("ping", { type: "ping" }),
  ];
  let index = 0;
  const block = (start: unknown, deltas: unknown[]) => {
    events.push(namedEvent("content_block_start", { type: "content_block_start", index, content_block: start }));
    for (const delta of deltas) events.push(namedEvent("content_block_delta", { type: "content_block_delta", index, delta }));
    events.push(namedEvent("content_block_stop", { type: "content_block_stop", index }));
    index++;
  };
  if (answer.reasoning) {
    block({ type: "thinking", thinking: "", signature: "" }, [
      { type: "thinking_delta", thinking: answer.reasoning },
      { type: "signature_delta", signature: "fake-signature" },
    ]);
  }
  if (answer.content) block({ type: "text", text: "", citations: null }, answer.chunks.map((text) => ({ type: "text_delta", text })));
  for (const toolCall of answer.toolCalls) {
    // Like the real API: the first input_json_delta is empty.
    const fragments = ["", ...splitArguments(toolCall.argumentsJson)];
    block({ type: "tool_use", id: toolCall.id, name: toolCall.name, input: {} }, fragments.map((partial_json) => ({ type: "input_json_delta", partial_json })));
  }
  events.push(
    namedEvent("message_delta", {
      type: "message_delta",
      delta: { stop_reason: stopReason(answer), stop_sequence: null },
      usage: { output_tokens: answer.usage.completionTokens, ...(answer.usage.reasoningTokens > 0 ? { output_tokens_details: usage.output_tokens_details } : {}) },
    }),
    namedEvent("message_stop", { type: "message_stop" }),
  );
  return events;
}

/** The Anthropic renderer. */
export const anthropicRenderer: DialectRenderer = {
  requestIdHeader: "request-id",
  answer(step: AnswerStep, request: RecordedUpstreamRequest) {
    const answer = resolveAnswer(step, request, "toolu_fake_");
    return { json: messageJson(answer), events: streamEvents(answer), terminalEvents: 1 };
  },
  streamErrorEvent(step: StreamErrorStep) {
    return namedEvent("error", { type: "error", error: { type: step.errorType ?? "overloaded_error", message: step.message ?? "Overloaded" } });
  },
  streamErrorAsHttp(step: StreamErrorStep): RenderedError {
    return { status: 529, body: errorBody(step.errorType ?? "overloaded_error", step.message ?? "Overloaded", "req_fake_stream"), headers: {} };
  },
  error(step: ErrorStep, request: RecordedUpstreamRequest): RenderedError {
    const preset = step.preset ?? presetForStatus[step.status ?? 500] ?? (step.status !== undefined && step.status >= 500 ? "server_error" : "bad_request");
    const shape = presetShape(preset, request, step.echoKey === true);
    return { status: step.status ?? shape.status, body: step.body ?? errorBody(shape.type, step.message ?? shape.message, `req_fake_${request.sequence}`), headers: {} };
  },
  models(step) {
    const ids = step.models ?? ["claude-sonnet-5", "claude-haiku-5-5"];
    return {
      data: ids.map((id) => ({ type: "model", id, display_name: id, created_at: new Date(fakeCreatedSeconds * 1000).toISOString() })),
      has_more: false,
      first_id: ids[0] ?? null,
      last_id: ids[ids.length - 1] ?? null,
    };
  },
  validate(request: RecordedUpstreamRequest): RenderedError | undefined {
    const body = request.body;
    const invalid = (message: string): RenderedError => ({ status: 400, body: errorBody("invalid_request_error", message, `req_fake_${request.sequence}`), headers: {} });
    if (!body || typeof body.model !== "string") return invalid("model: Field required");
    if (typeof body.max_tokens !== "number") return invalid("max_tokens: Field required");
    if (!Array.isArray(body.messages)) return invalid("messages: Field required");
    const badRole = body.messages.find((message: any) => message.role !== "user" && message.role !== "assistant");
    if (badRole) return invalid(`messages: Unexpected role "${badRole.role}". The Messages API accepts a top-level \`system\` parameter, not "system" as an input message role.`);
    if (typeof body.temperature === "number" && (body.temperature < 0 || body.temperature > 1)) return invalid("temperature: Input should be less than or equal to 1");
    return undefined;
  },
};
