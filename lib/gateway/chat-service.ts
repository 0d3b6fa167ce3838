/**
 * One translated request from a canonical body to a response, shared by every door whose
 * protocol the provider does not speak (and by `/api/ai`, which is always translated): estimate
 * tokens, route over the keys through the adapter, answer in the door's format (JSON or SSE) and
 * leave the log record complete. What the request names is resolved and checked before, by
 * model-chain.ts.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { BudgetGuard } from "../budgets/budget-hold";
import type { AppEnv } from "../http/app-env";
import { clientSignalOf } from "../http/client-signal";
import type { ChatRequest, ChatResult, TranslationWarning } from "../providers/provider-spec";
import type { CatalogueCache } from "../router/catalogue-cache";
import type { CatalogueSnapshot } from "../router/catalogue-snapshot";
import type { WeightedRotation } from "../router/key-order";
import type { KeyRouter } from "../router/key-router";
import type { RouteTarget } from "../router/model-resolver";
import { estimatePromptTokens, outputBudget, outputCharacters } from "../router/token-estimate";
import { completeRequestLog, type GatewayEnv } from "./api-log-middleware";
import type { ApiLogWriter } from "./api-log-writer";
import type { ReasoningCarrier } from "./reasoning-carrier";
import type { StreamEncoder } from "./stream-encoders";
import { withinDeadline } from "./request-deadline";
import { canonicalRendering, streamingResponse } from "./stream-response";
import { clampOutputTokens, warningsHeader, WARNINGS_HEADER } from "./translation-warnings";

/** What a door's answer may need besides the result: sealing reasoning, ids, deferred writes. */
export interface FormatContext {
  carrier: ReasoningCarrier;
  /** The gateway's request id. */
  requestId: string;
  /** Epoch ms when the request arrived. */
  createdAt: number;
  /** Work to finish before the request completes (e.g. storing the answer); must not reject. */
  defer(work: Promise<void>): void;
}

/** How one door shapes translated answers. */
export interface ChatFormat {
  /** The JSON body of a non-streamed answer. */
  body(result: ChatResult, target: RouteTarget, context: FormatContext): unknown;
  /** The SSE encoder of a streamed answer. */
  encoder(request: ChatRequest, target: RouteTarget, context: FormatContext): StreamEncoder;
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
  /** Longest a non-streamed request may take, every attempt included, in ms (lib/config/deploy-bounds.ts). */
  nonStreamedDeadlineMs?: number;
  /** The order among alias members of equal position, kept across requests (model-resolver.ts). */
  aliasRotation: WeightedRotation;
  /** Client budgets and quotas. */
  budgets: BudgetGuard;
}

/** Middleware every model route runs, in this order, before reading its body. */
export interface ChatRouteMiddleware {
  /** Client key or admin JWT -> `caller`. */
  authenticate: MiddlewareHandler<AppEnv>;
  /** The request's log record and its one row. */
  log: MiddlewareHandler<GatewayEnv>;
  /** The client key's own RPM. */
  clientRateLimit: MiddlewareHandler<GatewayEnv>;
}

/** A model resolved for a request, with the snapshot it was resolved from. */
export interface ResolvedTarget {
  snapshot: CatalogueSnapshot;
  target: RouteTarget;
}

/**
 * The request's hold on its client's budgets (none for admins and clients without budgets),
 * noted on the log record so the row's cost settles it. The output reserved is what the request
 * asks for, else the model's maximum output: a budget must hold whatever the answer turns out to be.
 */
export function budgetHoldOf(c: Context<GatewayEnv>, services: ChatServiceDependencies, target: RouteTarget, promptTokens: number, askedOutputTokens: number | null | undefined) {
  const record = c.get("requestLog");
  const modelMax = target.model.maxOutputTokens;
  const asked = askedOutputTokens ?? (modelMax > 0 ? modelMax : services.defaultOutputTokens);
  const outputTokens = modelMax > 0 ? Math.min(asked, modelMax) : asked;
  const hold = services.budgets.holdFor(c.get("caller")!, target.model, promptTokens, outputTokens, (work) => record.defer(work));
  record.budget = hold ?? null;
  return hold;
}

/** The context handed to a door's format for one request. */
export function formatContextOf(c: Context<GatewayEnv>, services: ChatServiceDependencies): FormatContext {
  const record = c.get("requestLog");
  return { carrier: services.carrier, requestId: record.requestId, createdAt: record.createdAt, defer: (work) => record.defer(work) };
}

/** One translated call to answer. */
export interface ChatInput {
  resolved: ResolvedTarget;
  /** The canonical request; its `model` is replaced by the upstream model code. */
  request: ChatRequest;
  /** What the door's own translation into the canonical request could not carry. */
  warnings?: readonly TranslationWarning[];
  stream: boolean;
  format: ChatFormat;
}

/** Answers one translated request; throws `GatewayError`s for `onError` to render. */
export async function handleChat(c: Context<GatewayEnv>, services: ChatServiceDependencies, input: ChatInput): Promise<Response> {
  const record = c.get("requestLog");
  const { snapshot, target } = input.resolved;
  record.isStream = input.stream;
  record.upstreamProtocol = "canonical";
  const warnings: TranslationWarning[] = [...(input.warnings ?? [])];
  const request = clampOutputTokens({ ...input.request, model: target.model.code }, target.model.maxOutputTokens, warnings);
  record.estimatedPromptTokens = estimatePromptTokens(request);
  const client = clientSignalOf(c);
  const route = {
    snapshot,
    target,
    promptTokens: record.estimatedPromptTokens,
    outputTokens: outputBudget(request, target.model.maxOutputTokens, services.defaultOutputTokens),
    signal: client,
    trace: record,
    budget: budgetHoldOf(c, services, target, record.estimatedPromptTokens, request.max_completion_tokens ?? request.max_tokens),
  };
  const context = formatContextOf(c, services);

  if (!input.stream) {
    const call = await withinDeadline(client, services.nonStreamedDeadlineMs, (deadline) => services.router.complete({ ...route, deadline }, request)).finally(() =>
      c.set("upstreamMs", record.upstreamMs),
    );
    const { completion } = call.result;
    if (completion.usage) record.usage = call.result.usage;
    else for (const choice of completion.choices) record.outputCharacters += outputCharacters(choice.message);
    record.addWarnings(warnings, call.result.warnings);
    const tokens = record.tokens("success");
    record.defer(services.router.settleTokens(call.key, call.reservedTokens, tokens.prompt + tokens.completion, call.reservedAt));
    record.defer(services.router.recordSuccess(call.key));
    const header = warningsHeader(record.warnings);
    if (header) c.header(WARNINGS_HEADER, header);
    return c.json(input.format.body(call.result, target, context) as object);
  }

  const routed = await services.router.openStream(route, request).finally(() => c.set("upstreamMs", record.upstreamMs));
  record.ttftMs = performance.now() - record.startedAt;
  record.deferred = true;
  record.addWarnings(warnings, routed.warnings);
  const header = warningsHeader(record.warnings);
  return streamingResponse({
    routed,
    rendering: canonicalRendering(input.format.encoder(request, target, context), record),
    record,
    router: services.router,
    idleTimeoutMs: services.idleTimeoutMs,
    complete: (outcome) => completeRequestLog(services.writer, record, outcome),
    headers: header ? { [WARNINGS_HEADER]: header } : {},
  }, c);
}

