/**
 * The same-protocol path of every door: when the provider speaks the client's protocol, the
 * client's body goes upstream as sent (only the model id rewritten, and a streamed chat's usage
 * requested), and the upstream's bytes come back as they arrive. The gateway reads what routing,
 * limits and the log row need through the protocol's observer and decodes nothing else. Routing,
 * failover, limits, the TTFT and idle bounds and the log row are the router's and the log
 * record's, exactly as on translated paths.
 */
import type { Context } from "hono";
import { clientSignalOf } from "../../http/client-signal";
import type { UpstreamEndpoint } from "../../providers/provider-format";
import type { TranslationWarning } from "../../providers/provider-spec";
import { formatEntry, servesEndpoint } from "../../providers/provider-registry";
import { committedStream, type RouteRequest } from "../../router/key-router";
import { tokensForCharacters } from "../../router/token-estimate";
import { completeRequestLog, type GatewayEnv } from "../api-log-middleware";
import type { ApiLogRecord } from "../api-log-record";
import { budgetHoldOf, type ChatServiceDependencies, type ResolvedTarget } from "../chat-service";
import { withinDeadline } from "../request-deadline";
import { streamingResponse, type StreamRendering } from "../stream-response";
import { forwardStream, forwardWhole, type ForwardedEvent } from "./pass-through-call";
import type { PassThroughObserver } from "./pass-through-observer";
import { warningsHeader, WARNINGS_HEADER } from "../translation-warnings";
import { setTopLevelField } from "./json-text-edit";

/** One forwarded request. */
export interface PassThroughInput {
  resolved: ResolvedTarget;
  /** The provider endpoint: the door's protocol, or one beside it (`embeddings`, `count_tokens`). */
  endpoint: UpstreamEndpoint;
  /** The body as the client sent it (or as the door had to rewrite it). */
  text: string;
  /** The same body, parsed. */
  body: Record<string, unknown>;
  stream: boolean;
  /** Reads the protocol's answers (lib/doors/<protocol>/…-observer.ts). */
  observer: PassThroughObserver;
  /** What the door had to change in the client's body, for the log row and the warnings header. */
  warnings?: readonly TranslationWarning[];
  /**
   * Estimated prompt tokens (TPM reservation, and the log row when no usage comes).
   * @default a quarter of the body's length
   */
  promptTokens?: number;
  /**
   * Receives the whole answer (the JSON body, or a stream's final object) after a success,
   * before the request completes; must not reject.
   */
  onComplete?(answer: unknown): Promise<void>;
}

/** The body to send: the client's, with the upstream model code (and, for chat streams, the usage chunk requested). */
function upstreamText(input: PassThroughInput, modelCode: string): string {
  let text = input.text;
  if (input.body.model !== modelCode) text = setTopLevelField(text, "model", modelCode);
  if (input.endpoint === "chat" && input.stream) {
    const options = input.body.stream_options;
    const asked = typeof options === "object" && options !== null ? (options as Record<string, unknown>) : {};
    if (asked.include_usage !== true) text = setTopLevelField(text, "stream_options", { ...asked, include_usage: true });
  }
  return text;
}

/** The output maximum the body asks for, if any. */
function askedOutputTokens(body: Record<string, unknown>): number | undefined {
  return [body.max_completion_tokens, body.max_tokens, body.max_output_tokens].find((value) => typeof value === "number" && value > 0) as number | undefined;
}

/** The output budget to reserve against TPM: what the body asks for, else the default, capped by the model. */
function outputBudgetOf(body: Record<string, unknown>, modelMax: number, fallback: number): number {
  const requested = askedOutputTokens(body) ?? fallback;
  return Math.max(1, modelMax > 0 ? Math.min(requested, modelMax) : requested);
}

/** Answers one same-protocol request; throws `GatewayError`s for `onError` to render in the door's shape. */
export async function handlePassThrough(c: Context<GatewayEnv>, services: ChatServiceDependencies, input: PassThroughInput): Promise<Response> {
  const record = c.get("requestLog");
  const { snapshot, target } = input.resolved;
  const entry = formatEntry(target.provider.format!);
  record.isStream = input.stream;
  record.upstreamProtocol = input.endpoint;
  if (input.warnings) record.addWarnings(input.warnings);
  const text = upstreamText(input, target.model.code);
  // Without a tokenizer, about four characters of the body per prompt token (markup included: an overestimate).
  record.estimatedPromptTokens = input.promptTokens ?? tokensForCharacters(text.length);
  const producesOutput = input.endpoint !== "embeddings" && input.endpoint !== "count_tokens";
  const client = clientSignalOf(c);
  const route: RouteRequest = {
    snapshot,
    target,
    promptTokens: record.estimatedPromptTokens,
    outputTokens: producesOutput ? outputBudgetOf(input.body, target.model.maxOutputTokens, services.defaultOutputTokens) : 0,
    signal: client,
    trace: record,
    // Counting tokens is free upstream, so it is never held against a budget.
    budget:
      input.endpoint === "count_tokens"
        ? undefined
        : budgetHoldOf(c, services, target, record.estimatedPromptTokens, producesOutput ? askedOutputTokens(input.body) : 0),
  };
  const request = { entry, endpoint: input.endpoint, text, clientHeaders: c.req.raw.headers, observer: input.observer };

  if (!input.stream) {
    let call;
    try {
      call = await withinDeadline(client, services.nonStreamedDeadlineMs, (deadline) => {
        route.deadline = deadline;
        return services.router.route(route, (attempt) => forwardWhole(request, attempt));
      });
    } finally {
      c.set("upstreamMs", record.upstreamMs);
    }
    noteObserved(record, input.observer);
    const tokens = record.tokens("success");
    record.defer(services.router.settleTokens(call.key, call.reservedTokens, tokens.prompt + tokens.completion, call.reservedAt));
    record.defer(services.router.recordSuccess(call.key));
    if (input.onComplete) record.defer(input.onComplete(input.observer.finalAnswer()));
    const headers = warningHeaders(record);
    headers["content-type"] = call.result.contentType;
    return c.body(call.result.text, 200, headers);
  }

  const routed = await services.router
    .route(route, async (attempt) => {
      try {
        return { head: await forwardStream(request, attempt, services.router.ttftTimeoutMs), controller: attempt.controller };
      } catch (error) {
        attempt.release();
        throw error;
      }
    })
    .finally(() => c.set("upstreamMs", record.upstreamMs));
  record.ttftMs = performance.now() - record.startedAt;
  record.deferred = true;
  return streamingResponse({
    routed: committedStream(routed),
    rendering: forwardedRendering(input.observer, record),
    record,
    router: services.router,
    idleTimeoutMs: services.idleTimeoutMs,
    headers: warningHeaders(record),
    complete: async (outcome) => {
      if (outcome.status === "success" && input.onComplete) record.defer(input.onComplete(input.observer.finalAnswer()));
      await completeRequestLog(services.writer, record, outcome);
    },
  }, c);
}

/** The warnings header for what the door had to change in a forwarded body, if anything (a new object). */
function warningHeaders(record: ApiLogRecord): Record<string, string> {
  const header = warningsHeader(record.warnings);
  return header ? { [WARNINGS_HEADER]: header } : {};
}

/** Copies what the observer saw onto the log record. */
function noteObserved(record: ApiLogRecord, observer: PassThroughObserver): void {
  const usage = observer.usage();
  if (usage) record.usage = usage;
  record.outputCharacters = observer.outputCharacters();
}

/** Forwarded events go out as they came; a failure after content ends in the protocol's own way. */
function forwardedRendering(observer: PassThroughObserver, record: ApiLogRecord): StreamRendering<ForwardedEvent> {
  return {
    item(event) {
      // The observer has read the event already; the record follows it for the end's token counts.
      noteObserved(record, observer);
      return event.raw;
    },
    // The bytes as they came, when they are exactly the event: nothing to encode again.
    bytes: (event) => event.bytes,
    end: () => "",
    error: (_info, error) => observer.failureText(error),
  };
}

/** Whether requests for a model go through unchanged: its provider speaks the door's protocol. */
export function passesThrough(target: ResolvedTarget["target"], endpoint: UpstreamEndpoint): boolean {
  const format = target.provider.format;
  return format !== null && servesEndpoint(format, endpoint);
}
