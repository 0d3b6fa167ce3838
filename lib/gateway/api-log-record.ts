/**
 * What one chat request did, gathered while it runs and turned into exactly one
 * `t_ai_api_logs` row at the end. It is also the router's {@link AttemptTrace}: attempts, failed
 * attempts, the key, upstream wait, and the bookkeeping writes to await before the request ends.
 */
import type { LogStatus, NewApiLogRow } from "../../db/schema";
import type { Caller } from "../http/app-env";
import { redactSecrets } from "../logging/logger";
import type { NormalizedUsage, TranslationWarning } from "../providers/provider-spec";
import { costOf, priceAt, type PricedModel } from "../pricing/model-prices";
import type { AttemptError, AttemptTrace } from "../router/key-router";
import type { RouteTarget } from "../router/model-resolver";
import { logOutcome } from "../stats/log-outcome";
import { tokensForCharacters } from "../router/token-estimate";
import { warningsNote } from "./translation-warnings";

/** How the request ended. */
export interface RequestOutcome {
  status: LogStatus;
  /** HTTP status the client got (499 when it went away first). */
  httpStatus: number;
  errorCode?: string | null;
  errorMessage?: string | null;
  /** The request was refused as malformed (a `ValidationError`). */
  invalidInput?: boolean;
}

/** Longest error message stored (the column is varchar(500)). */
const MAXIMUM_ERROR_MESSAGE_LENGTH = 500;
/** Longest warnings note stored (the column is varchar(1000)). */
const MAXIMUM_WARNINGS_LENGTH = 1000;
/** Longest list of models tried stored (the column is varchar(1000); an alias has at most a few members). */
const MAXIMUM_MODELS_TRIED_LENGTH = 1000;

function truncate(text: string | null, length: number): string | null {
  return text === null || text.length <= length ? text : text.slice(0, length);
}

/** One request's log record. */
export class ApiLogRecord implements AttemptTrace {
  routed = false;
  attempts = 0;
  attemptErrors: AttemptError[] = [];
  keyId: number | null = null;
  upstreamMs = 0;
  /** Catalogue provider id, once the model is resolved. */
  providerId: number | null = null;
  /** The model as resolved (or as asked, when resolution failed). */
  model = "";
  /** The model as the client named it (an alias, `provider/model`, a code). */
  requestedModel: string | null = null;
  /** `provider/model` of every model routing tried, in order. */
  readonly modelsTried: string[] = [];
  isStream = false;
  /** True once a streamed response took over writing the row (the middleware then leaves it). */
  deferred = false;
  /** Estimated prompt tokens, for rows whose upstream reported no usage. */
  estimatedPromptTokens = 0;
  /** Characters of output seen (content, reasoning, tool arguments), for estimates. */
  outputCharacters = 0;
  /** Usage the upstream reported, if any. */
  usage: NormalizedUsage | null = null;
  /** Milliseconds from request start to the first content (streams). */
  ttftMs: number | null = null;
  /** The door the request came through (`chat`, `messages`, `responses`, `envelope`, `embeddings`). */
  door: string;
  /** What went upstream: the door's own protocol passed through, or `canonical` (translated through the adapter). */
  upstreamProtocol: string | null = null;
  /** What translations could not carry, in order. */
  readonly warnings: TranslationWarning[] = [];
  /** The request's hold on its client's budgets, settled to the row's cost when the row is written. */
  budget: { settle(row: Pick<NewApiLogRow, "cost" | "total_tokens">): Promise<void> } | null = null;
  #pricedModel: PricedModel = { prices: [], inputPricePerM: 0, outputPricePerM: 0 };
  readonly #pending: Promise<void>[] = [];

  /**
   * @param requestId the request's id (also `x-request-id`)
   * @param caller who called
   * @param startedAt `performance.now()` at request start
   * @param createdAt epoch ms at request start
   * @param door the door the request came through
   */
  constructor(
    readonly requestId: string,
    readonly caller: Caller,
    readonly startedAt: number,
    readonly createdAt: number,
    door = "chat",
  ) {
    this.door = door;
  }

  /** Notes translation warnings (the door's, the adapter's). */
  addWarnings(...lists: ReadonlyArray<readonly TranslationWarning[]>): void {
    for (const list of lists) this.warnings.push(...list);
  }

  /** @inheritdoc */
  defer(work: Promise<void>): void {
    this.#pending.push(work);
  }

  /** Waits for every deferred bookkeeping write (they never reject). */
  async settled(): Promise<void> {
    while (this.#pending.length > 0) await Promise.allSettled(this.#pending.splice(0));
  }

  /** Notes the provider and model about to be tried (the last one is the row's, and its prices the cost's). */
  setTarget(target: RouteTarget): void {
    this.providerId = target.provider.id;
    this.model = target.model.code;
    this.#pricedModel = target.model;
    const name = `${target.provider.code}/${target.model.code}`;
    if (this.modelsTried.at(-1) !== name) this.modelsTried.push(name);
  }

  /** Tokens for the row: the upstream's usage, or an estimate when output was produced without it. */
  tokens(outcome: LogStatus = "success"): { prompt: number; completion: number; estimated: boolean } {
    if (this.usage) return { prompt: this.usage.promptTokens, completion: this.usage.completionTokens, estimated: false };
    const produced = outcome !== "error" || this.outputCharacters > 0;
    if (!produced || this.attempts === 0) return { prompt: 0, completion: 0, estimated: false };
    return { prompt: this.estimatedPromptTokens, completion: tokensForCharacters(this.outputCharacters), estimated: true };
  }

  /** The row for this request; its cost at the price in effect when the request arrived. */
  toRow(outcome: RequestOutcome, latencyMs: number): NewApiLogRow {
    const tokens = this.tokens(outcome.status);
    // Estimated counts carry no cache or reasoning split: all of it is priced as plain input and output.
    const reported = tokens.estimated ? null : this.usage;
    const cost = costOf(
      {
        promptTokens: tokens.prompt,
        completionTokens: tokens.completion,
        cachedTokens: reported?.cachedTokens,
        cacheCreationTokens: reported?.cacheCreationTokens,
        cacheCreation1hTokens: reported?.cacheCreation1hTokens,
      },
      priceAt(this.#pricedModel, this.createdAt),
    );
    const caller = this.caller;
    return {
      request_id: this.requestId,
      client_id: caller.kind === "client" ? caller.clientId : null,
      client_name: (caller.kind === "client" ? caller.name : `admin:${caller.username}`).slice(0, 100),
      provider_id: this.providerId,
      key_id: this.keyId,
      model: this.model.slice(0, 100),
      status: outcome.status,
      outcome: logOutcome({ status: outcome.status, httpStatus: outcome.httpStatus, errorCode: outcome.errorCode, routed: this.routed, invalidInput: outcome.invalidInput }),
      http_status: outcome.httpStatus,
      error_code: outcome.errorCode ? outcome.errorCode.slice(0, 64) : null,
      error_message: outcome.errorMessage ? redactSecrets(outcome.errorMessage).slice(0, MAXIMUM_ERROR_MESSAGE_LENGTH) : null,
      prompt_tokens: tokens.prompt,
      completion_tokens: tokens.completion,
      total_tokens: tokens.prompt + tokens.completion,
      tokens_estimated: tokens.estimated ? 1 : 0,
      cost,
      latency_ms: Math.max(0, Math.round(latencyMs)),
      ttft_ms: this.ttftMs === null ? null : Math.round(this.ttftMs),
      attempts: this.attempts,
      failed_over: this.attempts > 1 ? 1 : 0,
      attempt_errors: this.attemptErrors.length > 0 ? JSON.stringify(this.attemptErrors) : null,
      is_stream: this.isStream ? 1 : 0,
      door: this.door.slice(0, 16),
      upstream_protocol: this.upstreamProtocol ? this.upstreamProtocol.slice(0, 16) : null,
      warnings: truncate(warningsNote(this.warnings), MAXIMUM_WARNINGS_LENGTH),
      cache_read_tokens: reported?.cachedTokens ?? 0,
      cache_write_tokens: reported?.cacheCreationTokens ?? 0,
      reasoning_tokens: reported?.reasoningTokens ?? 0,
      requested_model: this.requestedModel === null ? null : this.requestedModel.slice(0, 100),
      models_tried: this.modelsTried.length > 0 ? truncate(JSON.stringify(this.modelsTried), MAXIMUM_MODELS_TRIED_LENGTH) : null,
      created_at: this.createdAt,
    };
  }
}
