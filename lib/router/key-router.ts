/**
 * The key router: picks a provider key for a request, admits it against the key's limits in
 * shared state, calls the adapter, and fails over on the key's failures. The only retry loop in
 * the gateway (the SDK clients run with `maxRetries: 0`).
 *
 * Per candidate, in the order of key-order.ts:
 * 1. ONE `limits.admit("key:<id>", [rpm, tpm, rpd], now, concurrency)`: the shared cooldown, every
 *    configured window and the key's concurrency cap are checked and reserved atomically (a lease
 *    on one slot), or nothing is reserved. A denied key is skipped, never called. TPM reserves the
 *    estimated prompt tokens plus the output budget and is corrected to the real usage after the
 *    call. A key back from a cooldown is probed by one request at a time; a request that finds
 *    the probe taken tries the other keys, and when none serves it waits up to `probeWaitMs` for
 *    the probe's outcome instead of answering "busy" at once.
 * 2. The call. A `client_error` goes back to the caller as it is (another key would not help);
 *    every other `ProviderError` is recorded on the key (key-health.ts) and the next candidate is
 *    tried. Anything else the call throws is the gateway's own failure before the request left
 *    the process: answered at once (400 or 500), no key blamed, no other key tried.
 * 3. When the candidates run out, router-errors.ts says why (429 / 502 / 503, never a bare 500).
 *
 * A request under a client budget hands its {@link AdmissionBudget} along: the first admission
 * reserves the budget in the same atomic call, and a request that ends without a served call
 * gives the reservation back.
 */
import type { Clock } from "../deps";
import type { ClientSignal } from "../http/client-signal";
import { GatewayError } from "../errors";
import type { Admission, ConcurrencyLimit, LimitStore, WindowLimit } from "../limits/limit-store";
import type { ProviderError } from "../providers/provider-error";
import type { ChatCompletionChunk, ChatRequest, ChatResult, ProviderAdapter, ProviderCallContext, ProviderFormat } from "../providers/provider-spec";
import { AttemptController } from "../providers/shared/attempt-controller";
import type { CatalogueKey, CatalogueSnapshot } from "./catalogue-snapshot";
import { concurrencyFor, holdLease, TPM_WINDOW_MS, windowsFor } from "./key-admission";
import { keySubject, type KeyHealth } from "./key-health";
import { orderKeys, WeightedRotation } from "./key-order";
import type { RouteTarget } from "./model-resolver";
import { isProviderError } from "../providers/provider-error";
import {
  clientErrorResponse,
  ClientClosedRequestError,
  clientGoneReason,
  FailureTally,
  gatewayCallError,
  isUpstreamFailure,
  limitStoreDown,
  noAdapter,
  noKeysConfigured,
} from "./router-errors";
import { openStreamUntilContent, type StreamHead } from "./stream-opening";

/** One failed upstream attempt, as the log row's `attempt_errors` lists it. */
export interface AttemptError {
  keyId: number;
  kind: ProviderError["kind"];
  code: string;
  /** Upstream HTTP status; 0 for timeouts, network errors and cut streams. */
  status: number;
  latencyMs: number;
}

/** Where the router reports what one request did (the request's log record implements it). */
export interface AttemptTrace {
  /** Set once the router takes the request: what follows is the gateway's or a provider's doing. */
  routed: boolean;
  /** Upstream calls made. */
  attempts: number;
  attemptErrors: AttemptError[];
  /** The key of the last call. */
  keyId: number | null;
  /** Milliseconds spent waiting on upstreams. */
  upstreamMs: number;
  /** Bookkeeping writes to await before the request completes (Lambda freezes afterwards). */
  defer(work: Promise<void>): void;
}

/** A client budget riding on the key admission (lib/budgets/budget-hold.ts implements it). */
export interface AdmissionBudget {
  /** `limits.admit`, with the budget's charges until they are reserved; throws the budget's refusal. */
  admit(limits: LimitStore, subject: string, windows: WindowLimit[], now: number, concurrency?: ConcurrencyLimit): Promise<Admission>;
  /** No key served the request: give the reservation back (before another route of the request admits). Never rejects. */
  release(): Promise<void>;
}

/** A bound on a whole request (the non-streamed deadline), shared by its attempts. */
export interface AttemptDeadline {
  /** True once the deadline passed: no further key is tried. */
  readonly passed: boolean;
  /** Runs `abortAttempt` if the deadline passes while this attempt is in flight. */
  watch(abortAttempt: () => void): void;
  /** The attempt is over: its abort is no longer run. */
  unwatch(abortAttempt: () => void): void;
}

/** One request to route, whatever its protocol. */
export interface RouteRequest {
  /** The catalogue snapshot `target` was resolved from; its keys of the provider are the candidates. */
  snapshot: CatalogueSnapshot;
  target: RouteTarget;
  /** Estimated prompt tokens (TPM reservation). */
  promptTokens: number;
  /** Output tokens to reserve (TPM reservation). */
  outputTokens: number;
  /** Aborts when the client goes away. */
  signal?: ClientSignal;
  /** Ends the attempt in flight and stops the failover when it passes, as a client that left does. */
  deadline?: AttemptDeadline;
  trace: AttemptTrace;
  /** The client's budgets, when it has any. */
  budget?: AdmissionBudget;
}

/** One attempt on one key, handed to the call of {@link KeyRouter.route}. */
export interface RouteAttempt {
  /** The provider format's adapter (canonical calls). */
  adapter: ProviderAdapter;
  /** Key, base URL and timeout of the attempt; `signal` is not set (use `controller.signal`). */
  context: ProviderCallContext;
  /** Aborts the attempt; aborted with a `ProviderError` reason when the client goes away. */
  controller: AttemptController;
  /**
   * Ends the attempt's hold on the key: detaches the client-signal listener and frees the key's
   * concurrency slot. Idempotent. The router calls it when the call rejects; when it resolves,
   * the caller must call it (or {@link RoutedCall.release}, the same function) once the response
   * or stream is over, on every path (end, error, client gone).
   */
  release(): void;
}

/** A call that succeeded on `key`. */
export interface RoutedCall {
  key: CatalogueKey;
  /** TPM units reserved on the key, to correct with {@link KeyRouter.settleTokens}. */
  reservedTokens: number;
  /** When the reservation was admitted (epoch ms), for {@link KeyRouter.settleTokens}. */
  reservedAt: number;
  /** The attempt's {@link RouteAttempt.release}: call once the response or stream is over. */
  release(): void;
}

/** A stream committed to one key: its first content has arrived. */
export interface RoutedStream<Item = ChatCompletionChunk> extends RoutedCall, StreamHead<Item> {
  /** Aborts the upstream; abort with a `ProviderError` reason (idle timeout, client gone). */
  controller: AttemptController;
}

/**
 * The stream a call committed to: its key's bookkeeping, the stream's head and its controller,
 * named field by field (spreading objects of several shapes is one of the dearer steps of a
 * stream's start).
 */
export function committedStream<Item>(call: RoutedCall & { result: { head: StreamHead<Item>; controller: AttemptController } }): RoutedStream<Item> {
  const { head, controller } = call.result;
  return { key: call.key, reservedTokens: call.reservedTokens, reservedAt: call.reservedAt, release: call.release, head: head.head, rest: head.rest, ended: head.ended, warnings: head.warnings, controller };
}

/** Tunables of {@link KeyRouter}. */
export interface KeyRouterOptions {
  /**
   * Time to first content of a streamed attempt, in ms; on expiry the next key is tried.
   * @default 60_000
   */
  ttftTimeoutMs?: number;
  /**
   * How long one request holds the right to probe a key back from a cooldown, in ms; others skip
   * the key meanwhile. Released as soon as the probe ends.
   * @default 30_000
   */
  probeTtlMs?: number;
  /**
   * How long a request whose only remaining keys are being probed by others waits for a probe's
   * outcome, in ms, before answering 429 (Retry-After 1 s).
   * @default 2000
   */
  probeWaitMs?: number;
  /**
   * Time to live of a concurrency lease, in ms: a crashed instance's slots come back after this.
   * A live holder renews its lease every third of it.
   * @default 60_000
   */
  leaseTtlMs?: number;
  /**
   * Longest time a lease is renewed, in ms (a holder that never releases loses its slot after it).
   * @default 900_000
   */
  maxLeaseHoldMs?: number;
}

/** `Retry-After` when a key is still being probed after the wait: the probe usually ends within it. */
const PROBE_RETRY_MS = 1000;

/** One request's routing state, shared by its attempts. */
interface RouteRun<Result> {
  route: RouteRequest;
  call: (attempt: RouteAttempt) => Promise<Result>;
  adapter: ProviderAdapter;
  tally: FailureTally;
  reservedTokens: number;
}

/** What trying one key came to. */
type KeyOutcome<Result> = { kind: "served"; routed: RoutedCall & { result: Result } } | { kind: "passed" } | { kind: "probe_busy" };

/** Everything the router needs. */
export interface KeyRouterDependencies {
  limits: LimitStore;
  health: KeyHealth;
  clock: Clock;
  /** The adapter for a provider format, `undefined` when there is none. */
  adapterFor(format: ProviderFormat): ProviderAdapter | undefined;
  /** `fetch` handed to the SDKs. */
  fetch?: typeof fetch;
}

/** Routes chat calls over a provider's keys. */
export class KeyRouter {
  readonly #dependencies: KeyRouterDependencies;
  readonly #rotation = new WeightedRotation();
  readonly #ttftTimeoutMs: number;
  readonly #probeTtlMs: number;
  readonly #probeWaitMs: number;
  readonly #leaseTtlMs: number;
  readonly #maxLeaseHoldMs: number;

  /** @throws RangeError on a non-positive timeout or a negative wait. */
  constructor(
    dependencies: KeyRouterDependencies,
    { ttftTimeoutMs = 60_000, probeTtlMs = 30_000, probeWaitMs = 2000, leaseTtlMs = 60_000, maxLeaseHoldMs = 900_000 }: KeyRouterOptions = {},
  ) {
    if (!(ttftTimeoutMs > 0)) throw new RangeError(`ttftTimeoutMs must be > 0, got ${ttftTimeoutMs}`);
    if (!(probeTtlMs > 0)) throw new RangeError(`probeTtlMs must be > 0, got ${probeTtlMs}`);
    if (!(probeWaitMs >= 0)) throw new RangeError(`probeWaitMs must be >= 0, got ${probeWaitMs}`);
    if (!(leaseTtlMs > 0)) throw new RangeError(`leaseTtlMs must be > 0, got ${leaseTtlMs}`);
    if (!(maxLeaseHoldMs > 0)) throw new RangeError(`maxLeaseHoldMs must be > 0, got ${maxLeaseHoldMs}`);
    this.#probeTtlMs = probeTtlMs;
    this.#probeWaitMs = probeWaitMs;
    this.#leaseTtlMs = leaseTtlMs;
    this.#maxLeaseHoldMs = maxLeaseHoldMs;
    this.#dependencies = dependencies;
    this.#ttftTimeoutMs = ttftTimeoutMs;
  }

  /** A non-streaming canonical chat call with failover; `request.model` is the upstream model code. */
  async complete(route: RouteRequest, request: ChatRequest): Promise<RoutedCall & { result: ChatResult }> {
    return this.route(route, async ({ adapter, context, controller, release }) => {
      try {
        // The context is the attempt's own: it takes the signal in place.
        context.signal = controller.signal;
        return await adapter.chat(request, context);
      } finally {
        release();
      }
    });
  }

  /**
   * A streaming chat call with failover up to the first content chunk. Resolves once a key has
   * produced content (or ended an empty answer); later failures are the caller's to report.
   */
  async openStream(route: RouteRequest, request: ChatRequest): Promise<RoutedStream> {
    const routed = await this.route(route, async ({ adapter, context, controller, release }) => {
      try {
        context.signal = controller.signal;
        return { head: await openStreamUntilContent(adapter, request, context, controller, this.#ttftTimeoutMs), controller };
      } catch (error) {
        release();
        throw error;
      }
    });
    return committedStream(routed);
  }

  /**
   * Corrects a key's TPM reservation to the real usage (a refund when it was smaller), where the
   * reservation was made (`reservedAt`, the routed call's; now when absent). Failures are
   * ignored: the window expires on its own.
   */
  settleTokens(key: CatalogueKey, reservedTokens: number, usedTokens: number, reservedAt?: number): Promise<void> {
    if (key.rateLimitTpm === null || usedTokens === reservedTokens) return Promise.resolve();
    const now = this.#dependencies.clock.now();
    return this.#dependencies.limits
      .adjust(keySubject(key.id), [{ name: "tpm", windowMs: TPM_WINDOW_MS, amount: usedTokens - reservedTokens, at: reservedAt ?? now }], now)
      .catch(() => undefined);
  }

  /** Records a success on the key (status back to normal, `last_used_at` now and then). */
  recordSuccess(key: CatalogueKey): Promise<void> {
    return this.#dependencies.health.recordSuccess(key, this.#dependencies.clock.now());
  }

  /**
   * Records a failure of a committed stream on its key; a stand-in for the gateway's own error
   * (see `asProviderError`) changes nothing, since no upstream produced it.
   */
  recordFailure(key: CatalogueKey, error: ProviderError): Promise<void> {
    if (!isUpstreamFailure(error)) return Promise.resolve();
    return this.#dependencies.health.recordFailure(key, error, this.#dependencies.clock.now());
  }

  /** Time to first content of a streamed attempt, in ms (for calls of {@link route} that stream). */
  get ttftTimeoutMs(): number {
    return this.#ttftTimeoutMs;
  }

  /**
   * The retry loop itself, for any kind of call: admits each candidate key in turn and runs
   * `call` on it; a `ProviderError` the call rejects with decides what happens to the key and
   * whether the next one is tried. `complete`, `openStream` and the byte pass-through use it.
   * A request that ends without a served call gives its budget reservation back.
   */
  async route<Result>(route: RouteRequest, call: (attempt: RouteAttempt) => Promise<Result>): Promise<RoutedCall & { result: Result }> {
    try {
      const { snapshot, target } = route;
      route.trace.routed = true;
      const provider = target.provider;
      const keys = snapshot.keysByProvider.get(provider.id) ?? [];
      if (keys.length === 0) throw noKeysConfigured(provider, snapshot.missingKeyVersionsByProvider?.get(provider.id));
      const adapter = provider.format ? this.#dependencies.adapterFor(provider.format) : undefined;
      if (!adapter) throw noAdapter(provider);

      const now = this.#dependencies.clock.now();
      const order = orderKeys(keys, this.#rotation, now);
      const run: RouteRun<Result> = { route, call, adapter, tally: new FailureTally(provider, order.excluded, now), reservedTokens: route.promptTokens + route.outputTokens };

      let probed: CatalogueKey[] = [];
      for (const key of order.candidates) {
        const outcome = await this.#tryKey(key, run);
        if (outcome.kind === "served") return outcome.routed;
        if (outcome.kind === "probe_busy") probed.push(key);
      }
      // Keys another request is probing: their outcome is usually a moment away, so wait for it
      // briefly rather than answer "busy" at once.
      const waitUntil = performance.now() + this.#probeWaitMs;
      let pauseMs = 25;
      while (probed.length > 0 && performance.now() + pauseMs <= waitUntil) {
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
        pauseMs = Math.min(2 * pauseMs, 250);
        const stillProbed: CatalogueKey[] = [];
        for (const key of probed) {
          const outcome = await this.#tryKey(key, run);
          if (outcome.kind === "served") return outcome.routed;
          if (outcome.kind === "probe_busy") stillProbed.push(key);
        }
        probed = stillProbed;
      }
      for (const _key of probed) run.tally.denied({ allowed: false, retryAfterMs: PROBE_RETRY_MS, deniedBy: "probe", remaining: {}, resetAt: {} }, false);
      throw run.tally.toError();
    } catch (error) {
      await route.budget?.release();
      throw error;
    }
  }

  /** Admits and calls one key; throws what ends the request (client error, own error, client gone, store down). */
  async #tryKey<Result>(key: CatalogueKey, run: RouteRun<Result>): Promise<KeyOutcome<Result>> {
    const { limits, health, clock } = this.#dependencies;
    const { route, tally, reservedTokens } = run;
    const { trace, signal, deadline } = route;
    if (signal?.aborted || deadline?.passed) throw new ClientClosedRequestError();
    const subject = keySubject(key.id);
    // A key back from a cooldown is probed by one request at a time (half-open), across instances.
    const probe = key.status === "normal" ? null : `probe:${subject}`;
    const releaseProbe = () => {
      if (probe) trace.defer(limits.release(probe).catch(() => undefined));
    };
    const concurrency = concurrencyFor(key, this.#leaseTtlMs);
    const reservedAt = clock.now();
    let admission;
    let claimed = false;
    try {
      if (probe && !(claimed = await limits.claim(probe, this.#probeTtlMs, clock.now()))) return { kind: "probe_busy" };
      const windows = windowsFor(key, reservedTokens);
      admission = route.budget
        ? await route.budget.admit(limits, subject, windows, reservedAt, concurrency)
        : await limits.admit(subject, windows, reservedAt, concurrency);
    } catch (error) {
      if (claimed) releaseProbe();
      // A budget's refusal (or its spend being unreadable) answers for itself.
      if (error instanceof GatewayError) throw error;
      throw limitStoreDown();
    }
    if (!admission.allowed) {
      releaseProbe();
      tally.denied(admission, key.status === "quota_exceeded");
      return { kind: "passed" };
    }

    trace.attempts += 1;
    trace.keyId = key.id;
    const controller = new AttemptController();
    const onClientGone = () => controller.abort(clientGoneReason());
    signal?.addEventListener("abort", onClientGone, { once: true });
    deadline?.watch(onClientGone);
    const releaseLease = concurrency
      ? holdLease({ limits, clock, subject, lease: concurrency, maxHoldMs: this.#maxLeaseHoldMs, defer: (work) => trace.defer(work) })
      : () => undefined;
    const release = () => {
      signal?.removeEventListener("abort", onClientGone);
      deadline?.unwatch(onClientGone);
      releaseLease();
    };
    const context: ProviderCallContext = {
      keyId: key.id,
      apiKey: key.apiKey,
      baseUrl: route.target.provider.baseUrl,
      timeoutMs: route.target.provider.timeoutMs,
    };
    if (this.#dependencies.fetch) context.fetch = this.#dependencies.fetch;
    const startedAt = performance.now();
    try {
      let result: Result;
      try {
        result = await run.call({ adapter: run.adapter, context, controller, release });
      } finally {
        releaseProbe();
      }
      trace.upstreamMs += performance.now() - startedAt;
      return { kind: "served", routed: { key, reservedTokens, reservedAt, release, result } };
    } catch (thrown) {
      release();
      const latencyMs = performance.now() - startedAt;
      trace.upstreamMs += latencyMs;
      trace.defer(this.settleTokens(key, reservedTokens, 0, reservedAt));
      // The client left (or the deadline passed): not the key's fault, and nobody is waiting for another key.
      if (signal?.aborted || deadline?.passed) throw new ClientClosedRequestError();
      // Not a ProviderError: the gateway's own code failed before the request left the process.
      // No upstream saw it, so no key is blamed, and every other key would fail the same way.
      if (!isProviderError(thrown)) {
        trace.attempts -= 1;
        throw gatewayCallError(thrown);
      }
      trace.attemptErrors.push({ keyId: key.id, kind: thrown.kind, code: thrown.code, status: thrown.status, latencyMs: Math.round(latencyMs) });
      if (thrown.kind === "client_error") throw clientErrorResponse(thrown);
      trace.defer(health.recordFailure(key, thrown, clock.now()));
      tally.failed(thrown, health.cooldownMs);
      return { kind: "passed" };
    }
  }
}
