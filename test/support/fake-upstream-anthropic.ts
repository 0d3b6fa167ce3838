/**
 * Anthropic Messages wire format for the fake upstream (https://docs.anthropic.com/en/api/messages,
 * https://docs.anthropic.com/en/api/messages-streaming, https://docs.anthropic.com/en/api/errors).
 */
import {
  fakeCreatedSeconds,
  namedEvent,
  resolveAnswer,
  splitArguments,
  splitIntoChunks,
  type DialectRenderer,
  type RecordedUpstreamRequest,
  type RenderedError,
  type ResolvedAnswer,
} from "./fake-upstream-answer";
import type { AnswerStep, ErrorPreset, ErrorStep, FakeThinkingBlock, FakeUsage, StreamErrorStep } from "./fake-upstream-steps";

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
    ...(usage.cacheCreation1hTokens
      ? { cache_creation: { ephemeral_5m_input_tokens: usage.cacheCreationTokens - usage.cacheCreation1hTokens, ephemeral_1h_input_tokens: usage.cacheCreation1hTokens } }
      : {}),
    output_tokens: usage.completionTokens,
    ...(usage.reasoningTokens > 0 ? { output_tokens_details: { thinking_tokens: usage.reasoningTokens } } : {}),
  };
}

function stopReason(answer: ResolvedAnswer): string {
  return stopReasons[answer.finishReason] ?? answer.finishReason;
}

/** The thinking blocks of an answer: the step's own, or one signed block for `reasoning`. */
function thinkingBlocksOf(step: AnswerStep, answer: ResolvedAnswer): FakeThinkingBlock[] {
  if (step.thinkingBlocks) return step.thinkingBlocks;
  return answer.reasoning ? [{ type: "thinking", thinking: answer.reasoning, signature: "fake-signature" }] : [];
}

function messageJson(answer: ResolvedAnswer, thinkingBlocks: FakeThinkingBlock[]): unknown {
  const content: unknown[] = [...thinkingBlocks];
  if (answer.content) content.push({ type: "text", text: answer.content });
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

function streamEvents(answer: ResolvedAnswer, thinkingBlocks: FakeThinkingBlock[]): string[] {
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
  for (const thinking of thinkingBlocks) {
    if (thinking.type === "redacted_thinking") block(thinking, []);
    else {
      block({ type: "thinking", thinking: "", signature: "" }, [
        ...splitIntoChunks(thinking.thinking).map((piece) => ({ type: "thinking_delta", thinking: piece })),
        { type: "signature_delta", signature: thinking.signature },
      ]);
    }
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
    const thinkingBlocks = thinkingBlocksOf(step, answer);
    return { json: messageJson(answer, thinkingBlocks), events: streamEvents(answer, thinkingBlocks), terminalEvents: 1 };
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
    return validateVersionedFields(request, body) ?? validateThinking(body) ?? validateCacheControl(body);
  },
};

function invalidRequest(request: RecordedUpstreamRequest, message: string): RenderedError {
  return { status: 400, body: errorBody("invalid_request_error", message, `req_fake_${request.sequence}`), headers: {} };
}

/** From API version 2026-10-21 on, the sampling parameters are gone (the 1.x SDKs' default version). */
function validateVersionedFields(request: RecordedUpstreamRequest, body: any): RenderedError | undefined {
  if ((request.headers["anthropic-version"] ?? "") < "2026-10-21") return undefined;
  const removed = ["temperature", "top_p", "top_k"].find((field) => body[field] !== undefined);
  return removed ? invalidRequest(request, `${removed}: Extra inputs are not permitted`) : undefined;
}

/** Thinking rules: a budget of at least 1024 below max_tokens, no forced tool, signed blocks only. */
function validateThinking(body: any): RenderedError | undefined {
  const invalid = (message: string): RenderedError => ({ status: 400, body: errorBody("invalid_request_error", message, "req_fake_thinking"), headers: {} });
  const thinking = body.thinking;
  if (thinking?.type === "enabled") {
    if (typeof thinking.budget_tokens !== "number" || thinking.budget_tokens < 1024) return invalid("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
    if (thinking.budget_tokens >= body.max_tokens) return invalid("`max_tokens` must be greater than `thinking.budget_tokens`.");
  }
  const thinkingOn = thinking?.type === "enabled" || thinking?.type === "adaptive";
  if (thinkingOn && (body.tool_choice?.type === "any" || body.tool_choice?.type === "tool")) {
    return invalid("Thinking may not be enabled when tool_choice forces tool use.");
  }
  for (const [index, message] of body.messages.entries()) {
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content) {
      if (block?.type === "thinking" && typeof block.signature !== "string") return invalid(`messages.${index}.content: thinking.signature: Field required`);
    }
  }
  return undefined;
}

/** At most four cache breakpoints, the top-level one included. */
function validateCacheControl(body: any): RenderedError | undefined {
  let breakpoints = body.cache_control ? 1 : 0;
  const count = (blocks: unknown) => {
    if (Array.isArray(blocks)) for (const block of blocks) if ((block as any)?.cache_control) breakpoints++;
  };
  count(body.system);
  count(body.tools);
  for (const message of body.messages) count(message.content);
  if (breakpoints <= 4) return undefined;
  return { status: 400, body: errorBody("invalid_request_error", `A maximum of 4 blocks with cache_control may be provided. Found ${breakpoints}.`, "req_fake_cache"), headers: {} };
}
