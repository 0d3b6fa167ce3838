/**
 * Per-call abort bookkeeping: joins the caller's signal with an optional deadline, and tells
 * afterwards which of the two (if any) ended the call, because the SDKs report both as a plain
 * abort (and their stream iterators even end silently on abort).
 */
import { isProviderError, ProviderError } from "../provider-error";
import type { ProviderCallContext, ProviderFormat } from "../provider-spec";
import type { AttemptController } from "./attempt-controller";

/** The state of one upstream call. */
export interface CallScope {
  readonly provider: ProviderFormat;
  /** Key used for the call; redacted from every error message. */
  readonly apiKey: string;
  /** Signal to hand to the SDK: aborts on the caller's signal or the deadline. */
  readonly signal: AbortSignal | undefined;
  /** The caller's own signal, whose `reason` may be a `ProviderError`. */
  readonly callerSignal: AbortSignal | undefined;
  /** True once the deadline (not the caller) ended the call. */
  timedOut(): boolean;
  /** True once either the caller or the deadline aborted the call. */
  aborted(): boolean;
  /** Stops the deadline timer; call when the call is over. */
  close(): void;
}

/**
 * Opens the scope of one call.
 *
 * @param deadlineMs bounds the whole call when set (non-streaming calls); the SDK's own timeout
 *   only covers the wait for response headers
 */
export function openCallScope(provider: ProviderFormat, context: ProviderCallContext, deadlineMs?: number): CallScope {
  const callerSignal = context.signal;
  if (deadlineMs === undefined) {
    return {
      provider,
      apiKey: context.apiKey,
      signal: callerSignal,
      callerSignal,
      timedOut: () => false,
      aborted: () => callerSignal?.aborted === true,
      close: () => undefined,
    };
  }
  // One controller that the caller and the deadline both abort, linked by hand and unlinked in
  // close(). Not AbortSignal.any(): on Node 20 a composite signal that has an abort listener (the
  // SDK adds one per call) stays in a process-wide set until it aborts, so every call that ended
  // normally leaked it. A cleared timer rather than AbortSignal.timeout(), which would stay armed
  // long after a fast call.
  const controller = new AbortController();
  let deadlinePassed = false;
  const onCallerAbort = () => controller.abort(callerSignal?.reason);
  const timer = setTimeout(() => {
    deadlinePassed = true;
    controller.abort();
  }, deadlineMs);
  if (callerSignal?.aborted) controller.abort(callerSignal.reason);
  else callerSignal?.addEventListener("abort", onCallerAbort, { once: true });
  return {
    provider,
    apiKey: context.apiKey,
    signal: controller.signal,
    callerSignal,
    timedOut: () => deadlinePassed && callerSignal?.aborted !== true,
    aborted: () => controller.signal.aborted,
    close: () => {
      clearTimeout(timer);
      callerSignal?.removeEventListener("abort", onCallerAbort);
    },
  };
}

/**
 * The scope of a call whose caller owns the attempt's controller and nothing else listens to it
 * (the pass-through's forwarded calls): the deadline, if any, aborts that controller itself
 * instead of a second one linked to it, and the controller's signal is only built if asked for.
 */
export function openOwnedCallScope(provider: ProviderFormat, apiKey: string, controller: AttemptController, deadlineMs?: number): CallScope {
  return new OwnedCallScope(provider, apiKey, controller, deadlineMs);
}

// A class rather than an object literal: a literal with getters is built property by property.
class OwnedCallScope implements CallScope {
  readonly provider: ProviderFormat;
  readonly apiKey: string;
  readonly #controller: AttemptController;
  readonly #timer: ReturnType<typeof setTimeout> | undefined;
  #deadlinePassed = false;

  constructor(provider: ProviderFormat, apiKey: string, controller: AttemptController, deadlineMs: number | undefined) {
    this.provider = provider;
    this.apiKey = apiKey;
    this.#controller = controller;
    this.#timer = deadlineMs === undefined ? undefined : setTimeout(() => this.#deadline(), deadlineMs);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get callerSignal(): AbortSignal {
    return this.#controller.signal;
  }

  timedOut(): boolean {
    return this.#deadlinePassed;
  }

  aborted(): boolean {
    return this.#controller.aborted;
  }

  close(): void {
    clearTimeout(this.#timer);
  }

  #deadline(): void {
    if (this.#controller.aborted) return;
    this.#deadlinePassed = true;
    this.#controller.abort();
  }
}

/** A timeout of the call: transient, status 0. */
export function timeoutError(scope: CallScope, detail = "upstream did not answer in time"): ProviderError {
  return new ProviderError({ kind: "transient", status: 0, code: "upstream_timeout", message: detail, provider: scope.provider });
}

/**
 * The error for a call that was aborted: the deadline's timeout, the `ProviderError` the caller
 * aborted with (e.g. its idle timeout), or a transient `aborted`.
 */
export function abortedCallError(scope: CallScope): ProviderError {
  if (scope.timedOut()) return timeoutError(scope);
  const reason: unknown = scope.callerSignal?.reason;
  if (isProviderError(reason)) return reason;
  return new ProviderError({ kind: "transient", status: 0, code: "aborted", message: "the call was aborted", provider: scope.provider });
}

/** A connection that failed or broke off: transient, status 0. */
export function connectionError(scope: CallScope, code: "connection_error" | "stream_truncated", error: unknown): ProviderError {
  const detail = error instanceof Error ? error.message : String(error);
  const lead = code === "stream_truncated" ? "upstream stream broke off" : "could not reach the upstream";
  return new ProviderError({
    kind: "transient",
    status: 0,
    code,
    message: detail ? `${lead}: ${detail}` : lead,
    provider: scope.provider,
    secrets: [scope.apiKey],
  });
}

/** A stream that ended cleanly but without its terminal event (`[DONE]`, `message_stop`). */
export function truncatedStreamError(scope: CallScope): ProviderError {
  return new ProviderError({
    kind: "transient",
    status: 0,
    code: "stream_truncated",
    message: "upstream stream ended before its terminal event",
    provider: scope.provider,
  });
}

/**
 * True for what `fetch` rejects with when the network to the upstream failed: a `TypeError`
 * carrying the socket error as its `cause` ("fetch failed", "terminated"). A `TypeError` of the
 * gateway's own code has no cause.
 */
export function isFetchFailure(error: unknown): boolean {
  return error instanceof TypeError && error.cause !== undefined;
}

/**
 * The failure of a call made with `fetch` directly (no SDK): a `ProviderError` only when the
 * upstream or the network to it produced it (a failed or cut connection, or anything once the
 * response is streaming); anything else was thrown before the request left the process and is
 * returned as it is, so the router answers it without blaming the key.
 */
export function fetchCallFailure(scope: CallScope, error: unknown, whileStreaming: boolean): ProviderError | unknown {
  if (isProviderError(error)) return error;
  if (scope.aborted()) return abortedCallError(scope);
  if (whileStreaming) return connectionError(scope, "stream_truncated", error);
  return isFetchFailure(error) ? connectionError(scope, "connection_error", error) : error;
}
