/**
 * The errors the router ends a request with. Never a bare 500: every way to run out of keys gets
 * a status and a message that says why:
 * - some key will recover soon (limits, cooldowns, an upstream 429): 429 with `Retry-After` =
 *   the soonest recovery;
 * - otherwise, keys were called and failed transiently: 502 with the last upstream error;
 * - otherwise no usable key at all: 503 saying whether none are configured, all are invalid or
 *   all are out of quota.
 */
import { missingKeyVersionMessage } from "../crypto/missing-key-versions";
import { GatewayError, openAiTypeForStatus, RateLimitError, UnavailableError, ValidationError } from "../errors";
import type { Admission } from "../limits/limit-store";
import { isProviderError, ProviderError } from "../providers/provider-error";
import type { CatalogueProvider } from "./catalogue-snapshot";
import type { KeyExclusion } from "./key-order";

/** `Retry-After` of 503s that need an operator (no keys, all invalid). */
const OPERATOR_RETRY_AFTER_MS = 60_000;

/** 499 (nginx's "client closed request"): the caller went away; logged as `partial`. */
export class ClientClosedRequestError extends GatewayError {
  override name = "ClientClosedRequestError";
  constructor() {
    super(499, "client_closed_request", "The client closed the request before it completed");
  }
}

/** The reason the router aborts an attempt with when the client went away. */
export function clientGoneReason(): ProviderError {
  return new ProviderError({ kind: "transient", status: 0, code: "client_disconnected", message: "the client closed the request" });
}

/** Stand-ins made by {@link asProviderError}: failures of the gateway's own code, never a key's. */
const ownFailures = new WeakSet<ProviderError>();

/**
 * Anything a call threw, as a `ProviderError` for messages and log rows. What is not already a
 * `ProviderError` was thrown by the gateway's own code, not by an upstream: the stand-in says so
 * to {@link isUpstreamFailure}, so it never counts against a key.
 */
export function asProviderError(error: unknown): ProviderError {
  if (isProviderError(error)) return error;
  const standIn = new ProviderError({ kind: "transient", status: 0, code: "adapter_error", message: "the provider adapter failed unexpectedly" });
  ownFailures.add(standIn);
  return standIn;
}

/** True when the upstream (or the network to it) produced the failure: only those count against a key. */
export function isUpstreamFailure(error: ProviderError): boolean {
  return !ownFailures.has(error);
}

/**
 * The answer to a call that failed inside the gateway before its request left the process (the
 * adapters rethrow such errors as they are, anything else being a `ProviderError`): a 400 when the
 * input could not be serialized (nesting too deep, a body too large to build), a 500 otherwise.
 * Either way no key is blamed and no other key is tried: every key would fail the same way.
 */
export function gatewayCallError(thrown: unknown): GatewayError {
  if (thrown instanceof GatewayError) return thrown;
  if (thrown instanceof RangeError && /call stack|string length|nest/i.test(thrown.message)) {
    return new ValidationError("The request cannot be serialized: it is nested too deeply or too large", [
      { field: "body", message: "nesting too deep or too large to serialize" },
    ]);
  }
  return new GatewayError(500, "internal_error", "The gateway failed to prepare the upstream request", { openAiType: "api_error", cause: thrown });
}

/** A client error from upstream, returned as it is: its status, its message, its type. */
export function clientErrorResponse(error: ProviderError): GatewayError {
  const status = error.status >= 400 && error.status < 500 ? error.status : 400;
  return new GatewayError(status, error.upstreamCode ?? error.code, error.message, {
    openAiType: error.upstreamType ?? openAiTypeForStatus(status),
  });
}

/**
 * Errors that say one provider has no usable key for the request right now (busy, invalid, out of
 * quota, failing upstream, none configured): another provider might answer, so an alias moves on
 * to its next model. Client errors, the gateway's own failures, a client gone and a limit store
 * down are not among them: those would end every model the same way.
 */
const exhaustedProviders = new WeakSet<GatewayError>();

function providerExhausted<Error extends GatewayError>(error: Error): Error {
  exhaustedProviders.add(error);
  return error;
}

/** True when `error` says a provider had no usable key (see {@link providerExhausted}). */
export function isProviderExhausted(error: unknown): error is GatewayError {
  return error instanceof GatewayError && exhaustedProviders.has(error);
}

/** Collects why each key of one request was not used or failed. */
export class FailureTally {
  #busyRetryMs: number[] = [];
  #quotaUntil: number[] = [];
  #invalid = 0;
  #lastTransient: ProviderError | undefined;

  constructor(
    private readonly provider: CatalogueProvider,
    excluded: readonly KeyExclusion[],
    private readonly now: number,
  ) {
    for (const exclusion of excluded) {
      if (exclusion.reason === "invalid") this.#invalid += 1;
      else if (exclusion.reason === "quota_exceeded") this.#quotaUntil.push(exclusion.until);
      else this.#busyRetryMs.push(exclusion.until - now);
    }
  }

  /** A key that limits or a shared cooldown denied; `knownQuota` when its cached status says quota. */
  denied(admission: Admission, knownQuota: boolean): void {
    if (knownQuota && admission.deniedBy === "cooldown") this.#quotaUntil.push(this.now + admission.retryAfterMs);
    else this.#busyRetryMs.push(admission.retryAfterMs);
  }

  /** A key that was called and failed. */
  failed(error: ProviderError, cooldownMs: { rateLimit: number; quota: number }): void {
    if (error.kind === "rate_limited") this.#busyRetryMs.push(error.retryAfterMs ?? cooldownMs.rateLimit);
    else if (error.kind === "quota_exceeded") this.#quotaUntil.push(this.now + cooldownMs.quota);
    else if (error.kind === "invalid_key") this.#invalid += 1;
    else this.#lastTransient = error;
  }

  /** The error that ends the request (on this provider). */
  toError(): GatewayError {
    return providerExhausted(this.#toError());
  }

  #toError(): GatewayError {
    const code = this.provider.code;
    if (this.#busyRetryMs.length > 0) {
      const retryAfterMs = Math.max(1, Math.min(...this.#busyRetryMs));
      const seconds = Math.ceil(retryAfterMs / 1000);
      return new RateLimitError(`All keys of provider '${code}' are busy (rate limits or cooldowns); retry in ${seconds} s`, retryAfterMs);
    }
    if (this.#lastTransient) {
      const last = this.#lastTransient;
      return new GatewayError(502, "upstream_error", `Provider '${code}' failed on every key; last error: ${last.code}: ${last.message}`, {
        openAiType: "api_error",
      });
    }
    const parts: string[] = [];
    if (this.#invalid > 0) parts.push(`${this.#invalid} invalid (validate or replace them)`);
    if (this.#quotaUntil.length > 0) parts.push(`${this.#quotaUntil.length} out of quota or balance`);
    const retryAfterMs = this.#quotaUntil.length > 0 && this.#invalid === 0 ? Math.max(1, Math.min(...this.#quotaUntil) - this.now) : OPERATOR_RETRY_AFTER_MS;
    return new UnavailableError(`No usable API key for provider '${code}': ${parts.join(", ") || "none available"}`, retryAfterMs, {
      needsOperator: retryAfterMs === OPERATOR_RETRY_AFTER_MS,
    });
  }
}

/** 503 for a provider without a single usable active key; says so when its keys need a master-key version this process lacks. */
export function noKeysConfigured(provider: CatalogueProvider, missingKeyVersions: readonly number[] = []): UnavailableError {
  if (missingKeyVersions.length > 0) {
    const versions = [...new Set(missingKeyVersions)].sort((left, right) => left - right);
    const message = `No usable API key for provider '${provider.code}': ${missingKeyVersionMessage(missingKeyVersions.length, versions)}`;
    return providerExhausted(new UnavailableError(message, OPERATOR_RETRY_AFTER_MS, { needsOperator: true }));
  }
  return providerExhausted(new UnavailableError(`No API keys are configured for provider '${provider.code}'`, OPERATOR_RETRY_AFTER_MS, { needsOperator: true }));
}

/** 503 for a provider whose format no adapter speaks. */
export function noAdapter(provider: Pick<CatalogueProvider, "code">): UnavailableError {
  return providerExhausted(new UnavailableError(`Provider '${provider.code}' uses an API format this gateway cannot speak`, OPERATOR_RETRY_AFTER_MS, { needsOperator: true }));
}

/** 503 when the shared limit store does not answer: limits cannot be enforced, so nothing is sent. */
export function limitStoreDown(): UnavailableError {
  return new UnavailableError("The shared limit store is unavailable; retry shortly", 1000);
}
