/**
 * One chat request from a validated body to a response, shared by `/v1/chat/completions` and
 * `/api/ai/chat/completions`, which differ only in their {@link ChatFormat}: resolve the model,
 * check the caller may use it, estimate tokens, route over the keys, answer (JSON or SSE) and
 * leave the log record complete.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/app-env";
import type { ChatRequest, ChatResult } from "../providers/provider-spec";
import type { CatalogueCache } from "../router/catalogue-cache";
import type { KeyRouter } from "../router/key-router";
import { assertModelAllowed, resolveModel, type RouteTarget } from "../router/model-resolver";
import { estimatePromptTokens, outputBudget, outputCharacters } from "../router/token-estimate";
import { completeRequestLog, type GatewayEnv } from "./api-log-middleware";
import type { ApiLogWriter } from "./api-log-writer";
import type { ReasoningCarrier } from "./reasoning-carrier";
import type { StreamEncoder } from "./stream-encoders";
import { streamingResponse } from "./stream-response";

/** How one API shapes answers. */
export interface ChatFormat {
  /** The JSON body of a non-streamed answer. */
  body(result: ChatResult, target: RouteTarget): unknown;
  /** The SSE encoder of a streamed answer. */
  encoder(request: ChatRequest, target: RouteTarget): StreamEncoder;
}

/** What the chat service needs. */
export interface ChatServiceDependencies {
  cache: CatalogueCache;
  router: KeyRouter;
  writer: ApiLogWriter;
  /** Longest gap between upstream chunks once a stream has content, in ms. */
  idleTimeoutMs: number;
  /** Output tokens reserved against TPM when a request names no maximum. */
  defaultOutputTokens: number;
  /** Seals reasoning that clients carry between turns (thinking signatures, encrypted reasoning). */
  carrier: ReasoningCarrier;
}

/** Middleware every chat route runs, in this order, before validating its body. */
export interface ChatRouteMiddleware {
  /** Client key or admin JWT -> `caller`. */
  authenticate: MiddlewareHandler<AppEnv>;
  /** The request's log record and its one row. */
  log: MiddlewareHandler<GatewayEnv>;
  /** The client key's own RPM. */
  clientRateLimit: MiddlewareHandler<GatewayEnv>;
}

/** One chat call to answer. */
export interface ChatInput {
  /** The canonical request; `model` as the caller wrote it. */
  request: ChatRequest;
  providerCode?: string;
  stream: boolean;
  format: ChatFormat;
}

/** Answers one chat request; throws `GatewayError`s for `onError` to render. */
export async function handleChat(c: Context<GatewayEnv>, services: ChatServiceDependencies, input: ChatInput): Promise<Response> {
  const record = c.get("requestLog");
  const caller = c.get("caller")!;
  record.model = input.request.model;
  record.isStream = input.stream;

  const snapshot = await services.cache.snapshot();
  const target = resolveModel(snapshot, { model: input.request.model, providerCode: input.providerCode });
  assertModelAllowed(caller, target);
  record.setTarget(target);
  const request: ChatRequest = { ...input.request, model: target.model.code };
  record.estimatedPromptTokens = estimatePromptTokens(request);
  const route = {
    snapshot,
    target,
    promptTokens: record.estimatedPromptTokens,
    outputTokens: outputBudget(request, target.model.maxOutputTokens, services.defaultOutputTokens),
    signal: c.req.raw.signal,
    trace: record,
  };

  if (!input.stream) {
    const call = await services.router.complete(route, request).finally(() => c.set("upstreamMs", record.upstreamMs));
    const { completion } = call.result;
    if (completion.usage) record.usage = call.result.usage;
    else for (const choice of completion.choices) record.outputCharacters += outputCharacters(choice.message);
    const tokens = record.tokens("success");
    record.defer(services.router.settleTokens(call.key, call.reservedTokens, tokens.prompt + tokens.completion, call.reservedAt));
    record.defer(services.router.recordSuccess(call.key));
    return c.json(input.format.body(call.result, target) as object);
  }

  const routed = await services.router.openStream(route, request).finally(() => c.set("upstreamMs", record.upstreamMs));
  record.ttftMs = performance.now() - record.startedAt;
  record.deferred = true;
  return streamingResponse({
    routed,
    encoder: input.format.encoder(request, target),
    record,
    router: services.router,
    idleTimeoutMs: services.idleTimeoutMs,
    complete: (outcome) => completeRequestLog(services.writer, record, outcome),
  });
}
