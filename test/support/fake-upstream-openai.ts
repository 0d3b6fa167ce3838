/**
 * OpenAI and DeepSeek wire formats for the fake upstream
 * (https://platform.openai.com/docs/api-reference/chat, https://api-docs.deepseek.com/).
 * DeepSeek differs in usage fields (`prompt_cache_hit_tokens`), `reasoning_content`, usage on
 * the last choice chunk, its error bodies (402 for balance) and its reasoner's 400 for
 * `reasoning_content` sent back in history.
 */
import {
  dataEvent,
  fakeCreatedSeconds,
  maskKey,
  resolveAnswer,
  splitArguments,
  splitIntoChunks,
  type DialectRenderer,
  type RecordedUpstreamRequest,
  type RenderedError,
  type ResolvedAnswer,
} from "./fake-upstream-answer";
import type { AnswerStep, ErrorPreset, ErrorStep, FakeUsage, StreamErrorStep } from "./fake-upstream-steps";

type Flavor = "openai" | "deepseek";

interface ErrorShape {
  status: number;
  message: string;
  type: string;
  code: string | null;
}

function presetShape(flavor: Flavor, preset: ErrorPreset, request: RecordedUpstreamRequest, echoKey: boolean): ErrorShape {
  const quotedKey = echoKey ? (request.apiKey ?? "") : maskKey(request.apiKey);
  const model = request.body?.model ?? "gpt-4o-mini";
  if (flavor === "deepseek") {
    const shapes: Record<ErrorPreset, ErrorShape> = {
      rate_limited: { status: 429, message: "Rate Limit Reached", type: "rate_limit_error", code: "rate_limit_exceeded" },
      quota_exceeded: { status: 402, message: "Insufficient Balance", type: "unknown_error", code: "invalid_request_error" },
      invalid_key: { status: 401, message: `Authentication Fails, Your api key: ${quotedKey} is invalid`, type: "authentication_error", code: "invalid_request_error" },
      permission_denied: { status: 403, message: "Permission denied", type: "permission_error", code: "invalid_request_error" },
      overloaded: { status: 503, message: "Server overloaded, please try again later.", type: "server_error", code: null },
      server_error: { status: 500, message: "Server error", type: "server_error", code: null },
      bad_request: { status: 400, message: "Invalid request format", type: "invalid_request_error", code: "invalid_request_error" },
      not_found: { status: 404, message: `Model Not Exist: ${model}`, type: "invalid_request_error", code: "invalid_request_error" },
      unprocessable: { status: 422, message: "Invalid parameters", type: "invalid_request_error", code: "invalid_request_error" },
    };
    return shapes[preset];
  }
  const shapes: Record<ErrorPreset, ErrorShape> = {
    rate_limited: {
      status: 429,
      message: `Rate limit reached for ${model} in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.`,
      type: "requests",
      code: "rate_limit_exceeded",
    },
    quota_exceeded: {
      status: 429,
      message: "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
      type: "insufficient_quota",
      code: "insufficient_quota",
    },
    invalid_key: {
      status: 401,
      message: `Incorrect API key provided: ${quotedKey}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      type: "invalid_request_error",
      code: "invalid_api_key",
    },
    permission_denied: { status: 403, message: "Country, region, or territory not supported", type: "request_forbidden", code: "unsupported_country_region_territory" },
    overloaded: { status: 503, message: "The engine is currently overloaded, please try again later.", type: "server_error", code: null },
    server_error: { status: 500, message: "The server had an error while processing your request. Sorry about that!", type: "server_error", code: null },
    bad_request: { status: 400, message: "Invalid request.", type: "invalid_request_error", code: null },
    not_found: { status: 404, message: `The model \`${model}\` does not exist or you do not have access to it.`, type: "invalid_request_error", code: "model_not_found" },
    unprocessable: { status: 422, message: "Unprocessable request.", type: "invalid_request_error", code: null },
  };
  return shapes[preset];
}

const presetForStatus: Record<number, ErrorPreset> = {
  400: "bad_request",
  401: "invalid_key",
  402: "quota_exceeded",
  403: "permission_denied",
  404: "not_found",
  422: "unprocessable",
  429: "rate_limited",
  500: "server_error",
  503: "overloaded",
};

function usageJson(flavor: Flavor, usage: FakeUsage): Record<string, unknown> {
  const base = {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
  if (flavor === "deepseek") {
    return {
      ...base,
      prompt_cache_hit_tokens: usage.cachedTokens,
      prompt_cache_miss_tokens: usage.promptTokens - usage.cachedTokens,
      ...(usage.reasoningTokens > 0 ? { completion_tokens_details: { reasoning_tokens: usage.reasoningTokens } } : {}),
    };
  }
  return {
    ...base,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function completionJson(flavor: Flavor, answer: ResolvedAnswer): unknown {
  const message: Record<string, unknown> = {
    role: "assistant",
    content: answer.content === "" && answer.toolCalls.length > 0 ? null : answer.content,
    refusal: null,
  };
  if (flavor === "deepseek" && answer.reasoning) message.reasoning_content = answer.reasoning;
  if (answer.toolCalls.length > 0) {
    message.tool_calls = answer.toolCalls.map((toolCall) => ({ id: toolCall.id, type: "function", function: { name: toolCall.name, arguments: toolCall.argumentsJson } }));
  }
  return {
    id: `chatcmpl-fake-${answer.id}`,
    object: "chat.completion",
    created: fakeCreatedSeconds,
    model: answer.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: answer.finishReason }],
    usage: usageJson(flavor, answer.usage),
    system_fingerprint: "fp_fake",
  };
}

function streamEvents(flavor: Flavor, answer: ResolvedAnswer, includeUsage: boolean): string[] {
  const usageField = includeUsage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null, extra: Record<string, unknown> = usageField) =>
    dataEvent({
      id: `chatcmpl-fake-${answer.id}`,
      object: "chat.completion.chunk",
      created: fakeCreatedSeconds,
      model: answer.model,
      system_fingerprint: "fp_fake",
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...extra,
    });
  const events = [chunk({ role: "assistant", content: "", refusal: null })];
  for (const piece of splitIntoChunks(answer.reasoning)) events.push(chunk({ reasoning_content: piece, content: null }));
  for (const piece of answer.chunks) events.push(chunk({ content: piece }));
  answer.toolCalls.forEach((toolCall, index) => {
    events.push(chunk({ tool_calls: [{ index, id: toolCall.id, type: "function", function: { name: toolCall.name, arguments: "" } }] }));
    for (const fragment of splitArguments(toolCall.argumentsJson)) events.push(chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }));
  });
  const usage = usageJson(flavor, answer.usage);
  if (flavor === "deepseek") {
    // DeepSeek puts usage on the last choice chunk instead of a separate one.
    events.push(chunk({ content: "" }, answer.finishReason, includeUsage ? { usage } : {}));
  } else {
    events.push(chunk({}, answer.finishReason));
    if (includeUsage) {
      events.push(dataEvent({ id: `chatcmpl-fake-${answer.id}`, object: "chat.completion.chunk", created: fakeCreatedSeconds, model: answer.model, system_fingerprint: "fp_fake", choices: [], usage }));
    }
  }
  events.push(dataEvent("[DONE]"));
  return events;
}

/** The OpenAI or DeepSeek renderer. */
export function openAIRenderer(flavor: Flavor): DialectRenderer {
  const errorBody = (shape: ErrorShape) => ({ error: { message: shape.message, type: shape.type, param: null, code: shape.code } });
  return {
    requestIdHeader: "x-request-id",
    answer(step: AnswerStep, request: RecordedUpstreamRequest) {
      const answer = resolveAnswer(step, request, "call_fake_");
      const includeUsage = request.body?.stream_options?.include_usage === true;
      return { json: completionJson(flavor, answer), events: streamEvents(flavor, answer, includeUsage), terminalEvents: 1 };
    },
    streamErrorEvent(step: StreamErrorStep) {
      return dataEvent({ error: { message: step.message ?? "The server had an error while processing your request.", type: step.errorType ?? "server_error", param: null, code: null } });
    },
    streamErrorAsHttp(step: StreamErrorStep): RenderedError {
      return { status: 503, body: { error: { message: step.message ?? "Service unavailable", type: step.errorType ?? "server_error", param: null, code: null } }, headers: {} };
    },
    error(step: ErrorStep, request: RecordedUpstreamRequest): RenderedError {
      const preset = step.preset ?? presetForStatus[step.status ?? 500] ?? (step.status !== undefined && step.status >= 500 ? "server_error" : "bad_request");
      const shape = presetShape(flavor, preset, request, step.echoKey === true);
      if (step.message) shape.message = step.message;
      return { status: step.status ?? shape.status, body: step.body ?? errorBody(shape), headers: {} };
    },
    models(step) {
      const ids = step.models ?? (flavor === "deepseek" ? ["deepseek-chat", "deepseek-reasoner"] : ["gpt-4o-mini", "gpt-4o"]);
      return { object: "list", data: ids.map((id) => ({ id, object: "model", created: fakeCreatedSeconds, owned_by: flavor === "deepseek" ? "deepseek" : "openai" })) };
    },
    validate(request: RecordedUpstreamRequest): RenderedError | undefined {
      const body = request.body;
      const invalid = (message: string): RenderedError => ({ status: 400, body: errorBody({ status: 400, message, type: "invalid_request_error", code: null }), headers: {} });
      if (!body || typeof body.model !== "string" || !Array.isArray(body.messages)) return invalid("you must provide a model parameter and messages");
      if (body.stream_options && body.stream !== true) return invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.");
      const sendsReasoningBack = body.messages.some((message: any) => message.role === "assistant" && message.reasoning_content !== undefined && !message.tool_calls?.length);
      if (flavor === "deepseek" && String(body.model).includes("reasoner") && sendsReasoningBack) {
        return invalid("The reasoning_content is an intermediate result for display purposes only and will not be included in the context for inference. Please remove the reasoning_content from your message to reduce network traffic.");
      }
      const unknown = flavor === "openai" ? anthropicOnlyField(body) : deepSeekRejection(body);
      return unknown ? invalid(unknown) : undefined;
    },
  };
}

/** OpenAI rejects the Anthropic-style fields a gateway might leak (it checks request and message properties). */
function anthropicOnlyField(body: any): string | undefined {
  for (const field of ["thinking", "cache_control", "top_k"]) {
    if (body[field] !== undefined) return `Unrecognized request argument supplied: ${field}`;
  }
  for (const [index, message] of body.messages.entries()) {
    for (const field of ["cache_control", "thinking_blocks", "reasoning_content"]) {
      if (message?.[field] !== undefined) return `Additional properties are not allowed ('${field}' was unexpected) - 'messages.${index}'`;
    }
    if (Array.isArray(message?.content) && message.content.some((part: any) => part?.cache_control !== undefined)) {
      return `Additional properties are not allowed ('cache_control' was unexpected) - 'messages.${index}.content'`;
    }
  }
  const hintedTool = (body.tools ?? []).findIndex((tool: any) => tool?.cache_control !== undefined || tool?.function?.cache_control !== undefined);
  return hintedTool >= 0 ? `Additional properties are not allowed ('cache_control' was unexpected) - 'tools.${hintedTool}'` : undefined;
}

/** What DeepSeek's Chat API refuses: the developer role, non-text parts, JSON schemas. */
function deepSeekRejection(body: any): string | undefined {
  for (const message of body.messages) {
    if (message?.role === "developer") return "Failed to deserialize the JSON body into the target type: messages[0]: unknown variant `developer`, expected one of `system`, `user`, `assistant`, `tool`";
    if (Array.isArray(message?.content)) {
      const other = message.content.find((part: any) => part?.type !== "text");
      if (other) return `Failed to deserialize the JSON body into the target type: unknown variant \`${other.type}\`, expected \`text\``;
    }
  }
  if (body.response_format?.type === "json_schema") return "This response_format type is unavailable now";
  return undefined;
}
