/**
 * Dialect-neutral pieces of the fake upstream: what a request looked like, the resolved answer
 * of a step, and the renderer contract each dialect implements.
 */
import { fakeDefaultUsage, type AnswerOptions, type AnswerStep, type ErrorStep, type FakeUsage, type StreamErrorStep } from "./fake-upstream-steps";

/** Wire dialect of a request: decided by path, headers and model (`responses` is OpenAI's `POST /v1/responses`). */
export type FakeUpstreamDialect = "openai" | "deepseek" | "anthropic" | "responses";

/** A request as the fake upstream received it. */
export interface RecordedUpstreamRequest {
  /** 1-based arrival number across the server's life (reset by `reset()`). */
  sequence: number;
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  dialect: FakeUpstreamDialect;
  /** The key from `Authorization: Bearer …` or `x-api-key`. */
  apiKey: string | undefined;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON body (`undefined` for GET or an empty body). */
  body: any;
  /** The body exactly as received. */
  rawBody: string;
  /** True when the body asked for `stream: true`. */
  stream: boolean;
  /** Epoch milliseconds of arrival. */
  receivedAt: number;
  /** Set when the client closed the connection before the answer was complete. */
  clientClosed: boolean;
  /** The client's port: requests with the same one came over the same connection. */
  clientPort: number;
}

/** A step's answer with every default filled in. */
export interface ResolvedAnswer {
  id: string;
  model: string;
  content: string;
  chunks: string[];
  reasoning: string;
  toolCalls: { id: string; name: string; argumentsJson: string }[];
  finishReason: string;
  usage: FakeUsage;
}

/** A rendered successful answer. */
export interface RenderedAnswer {
  json: unknown;
  /** Fully formatted SSE events (`data: …\n\n`, or `event: …\ndata: …\n\n`). */
  events: string[];
  /** How many events at the end are terminal (`[DONE]`, `message_stop`). */
  terminalEvents: number;
}

/** A rendered HTTP error. */
export interface RenderedError {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** What each dialect implements. */
export interface DialectRenderer {
  /** Header carrying the request id (`x-request-id`, `request-id`). */
  readonly requestIdHeader: string;
  answer(step: AnswerStep, request: RecordedUpstreamRequest): RenderedAnswer;
  /** The SSE error event of a `stream-error` step. */
  streamErrorEvent(step: StreamErrorStep): string;
  /** The HTTP error a `stream-error` step becomes on a non-streaming request. */
  streamErrorAsHttp(step: StreamErrorStep): RenderedError;
  error(step: ErrorStep, request: RecordedUpstreamRequest): RenderedError;
  models(step: AnswerOptions): unknown;
  /** The 400 the real upstream would send for a malformed request, if any. */
  validate(request: RecordedUpstreamRequest): RenderedError | undefined;
}

/** Fixed `created` stamp so answers are deterministic. */
export const fakeCreatedSeconds = 1_735_689_600;

/** Fills in a step's defaults for a request. */
export function resolveAnswer(step: AnswerOptions, request: RecordedUpstreamRequest, toolIdPrefix: string): ResolvedAnswer {
  const toolCalls = (step.toolCalls ?? []).map((toolCall, index) => ({
    id: toolCall.id ?? `${toolIdPrefix}${request.sequence}_${index}`,
    name: toolCall.name,
    argumentsJson: typeof toolCall.arguments === "string" ? toolCall.arguments : JSON.stringify(toolCall.arguments),
  }));
  const content = step.content ?? (step.chunks ? step.chunks.join("") : toolCalls.length > 0 ? "" : `Echo: ${lastUserText(request.body)}`);
  return {
    id: String(request.sequence),
    model: step.model ?? (typeof request.body?.model === "string" ? request.body.model : "fake-model"),
    content,
    chunks: step.chunks ?? splitIntoChunks(content),
    reasoning: step.reasoning ?? "",
    toolCalls,
    finishReason: step.finishReason ?? (toolCalls.length > 0 ? "tool_calls" : "stop"),
    usage: { ...fakeDefaultUsage, ...step.usage },
  };
}

/** Text of the last user message of an OpenAI Chat, Anthropic or OpenAI Responses body. */
export function lastUserText(body: any): string {
  if (typeof body?.input === "string") return body.input;
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : Array.isArray(body?.input) ? body.input : [];
  const lastUser = [...messages].reverse().find((message) => message?.role === "user");
  const content = lastUser?.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: any) => (part?.type === "text" || part?.type === "input_text" ? part.text : part?.type === "tool_result" ? textOfToolResult(part.content) : ""))
    .filter(Boolean)
    .join(" ");
}

function textOfToolResult(content: unknown): string {
  if (typeof content === "string") return content;
  return Array.isArray(content) ? content.map((part: any) => part?.text ?? "").join("") : "";
}

/** Splits after each space, so "a b c" streams as "a ", "b ", "c". */
export function splitIntoChunks(text: string): string[] {
  return text === "" ? [] : (text.match(/[^ ]+ ?| /g) ?? [text]);
}

/** Splits a JSON string into two fragments, the way upstreams stream tool arguments. */
export function splitArguments(argumentsJson: string): string[] {
  if (argumentsJson.length < 2) return [argumentsJson];
  const middle = Math.ceil(argumentsJson.length / 2);
  return [argumentsJson.slice(0, middle), argumentsJson.slice(middle)];
}

/** An unnamed SSE event (OpenAI dialects). */
export function dataEvent(payload: unknown): string {
  return `data: ${typeof payload === "string" ? payload : JSON.stringify(payload)}\n\n`;
}

/** A named SSE event (Anthropic). */
export function namedEvent(type: string, payload: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/** Masks a key the way upstreams quote it back: `sk-abc…wxyz`. */
export function maskKey(apiKey: string | undefined): string {
  if (!apiKey) return "";
  return apiKey.length <= 10 ? "****" : `${apiKey.slice(0, 6)}****${apiKey.slice(-4)}`;
}
