/**
 * The key router: picks a provider key for a request, admits it against the key's limits in
 * shared state, calls the adapter, and fails over on the key's failures. The only retry loop in
 * the gateway (the SDK clients run with `maxRetries: 0`).
 *
 * Per candidate, in the order of key-order.ts:
 * 1. ONE `limits.admit("key:<id>", [rpm, tpm, rpd])`: the shared cooldown and every configured
 *    window are checked and reserved atomically, or nothing is reserved. A denied key is skipped,
 *    never called (lessons-from-peers §2.3, §2.4). TPM reserves the estimated prompt tokens plus
 *    the output budget and is corrected to the real usage after the call.
 * 2. The call. A `client_error` goes back to the caller as it is (another key would not help);
 *    every other `ProviderError` is recorded on the key (key-health.ts) and the next candidate is
 *    tried. Anything else the call throws is the gateway's own failure before the request left
 *    the process: answered at once (400 or 500), no key blamed, no other key tried.
 * 3. When the candidates run out, router-errors.ts says why (429 / 502 / 503, never a bare 500).
 */
import type { Clock } from "../deps";
import type { LimitStore, WindowLimit } from "../limits/limit-store";
import type { ProviderError } from "../providers/provider-error";
import type { ChatCompletionChunk, ChatRequest, ChatResult, ProviderAdapter, ProviderCallContext, ProviderFormat } from "../providers/provider-spec";
import type { CatalogueKey, CatalogueSnapshot } from "./catalogue-snapshot";
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
  signal?: AbortSignal;
  trace: AttemptTrace;
}

/** One attempt on one key, handed to the call of {@link KeyRouter.route}. */
export interface RouteAttempt {
  /** The provider format's adapter (canonical calls). */
  adapter: ProviderAdapter;
  /** Key, base URL and timeout of the attempt; `signal` is not set (use `controller.signal`). */
  context: ProviderCallContext;
  /** Aborts the attempt; aborted with a `ProviderError` reason when the client goes away. */
  controller: AbortController;
  /** Detaches the client-signal listener; call once the attempt (or its stream) is over. */
  release(): void;
}

/** A call that succeeded on `key`. */
export interface RoutedCall {
  key: CatalogueKey;
  /** TPM units reserved on the key, to correct with {@link KeyRouter.settleTokens}. */
  reservedTokens: number;
}

/** A stream committed to one key: its first content has arrived. */
export interface RoutedStream<Item = ChatCompletionChunk> extends RoutedCall, StreamHead<Item> {
  /** Aborts the upstream; abort with a `ProviderError` reason (idle timeout, client gone). */
  controller: AbortController;
  /** Detaches the client-signal listener; call when the stream is over. */
  release(): void;
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
}

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

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** Routes chat calls over a provider's keys. */
export class KeyRouter {
  readonly #dependencies: KeyRouterDependencies;
  readonly #rotation = new WeightedRotation();
  readonly #ttftTimeoutMs: number;
  readonly #probeTtlMs: number;

  /** @throws RangeError on a non-positive timeout. */
  constructor(
    dependencies: KeyRouterDependencies,
    { ttftTimeoutMs = 60_000, probeTtlMs = 30_000 }: KeyRouterOptions = {},
  ) {
    if (!(ttftTimeoutMs > 0)) throw new RangeError(`ttftTimeoutMs must be > 0, got ${ttftTimeoutMs}`);
    if (!(probeTtlMs > 0)) throw new RangeError(`probeTtlMs must be > 0, got ${probeTtlMs}`);
    this.#probeTtlMs = probeTtlMs;
    this.#dependencies = dependencies;
    this.#ttftTimeoutMs = ttftTimeoutMs;
  }

  /** A non-streaming canonical chat call with failover; `request.model` is the upstream model code. */
  async complete(route: RouteRequest, request: ChatRequest): Promise<RoutedCall & { result: ChatResult }> {
    return this.route(route, async ({ adapter, context, controller, release }) => {
      try {
        return await adapter.chat(request, { ...context, signal: controller.signal });
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
        const head = await openStreamUntilContent(adapter, request, { ...context, signal: controller.signal }, controller, this.#ttftTimeoutMs);
        return { ...head, controller, release };
      } catch (error) {
        release();
        throw error;
      }
    });
    const { result, ...call } = routed;
    return { ...call, ...result };
  }

  /**
   * Corrects a key's TPM reservation to the real usage (a refund when it was smaller). Failures
   * are ignored: the window expires on its own.
   */
  settleTokens(key: CatalogueKey, reservedTokens: number, usedTokens: number): Promise<void> {
    if (key.rateLimitTpm === null || usedTokens === reservedTokens) return Promise.resolve();
    return this.#dependencies.limits
      .adjust(keySubject(key.id), [{ name: "tpm", windowMs: MINUTE_MS, amount: usedTokens - reservedTokens }], this.#dependencies.clock.now())
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
   */
  async route<Result>(route: RouteRequest, call: (attempt: RouteAttempt) => Promise<Result>): Promise<RoutedCall & { result: Result }> {
    const { limits, health, clock } = this.#dependencies;
    const { snapshot, target, trace, signal } = route;
    const provider = target.provider;
    const keys = snapshot.keysByProvider.get(provider.id) ?? [];
    if (keys.length === 0) throw noKeysConfigured(provider);
    const adapter = provider.format ? this.#dependencies.adapterFor(provider.format) : undefined;
    if (!adapter) throw noAdapter(provider);

    const now = clock.now();
    const order = orderKeys(keys, this.#rotation, now);
    const tally = new FailureTally(provider, order.excluded, now);
    const reservedTokens = route.promptTokens + route.outputTokens;

    for (const key of order.candidates) {
      if (signal?.aborted) throw new ClientClosedRequestError();
      // A key back from a cooldown is probed by one request at a time (half-open), across instances.
      const probe = key.status === "normal" ? null : `probe:${keySubject(key.id)}`;
      let admission;
      try {
        if (probe && !(await limits.claim(probe, this.#probeTtlMs, clock.now()))) {
          tally.denied({ allowed: false, retryAfterMs: this.#probeTtlMs, deniedBy: "probe", remaining: {}, resetAt: {} }, false);
          continue;
        }
        admission = await limits.admit(keySubject(key.id), windowsFor(key, reservedTokens), clock.now());
      } catch {
        throw limitStoreDown();
      }
      if (!admission.allowed) {
        if (probe) trace.defer(limits.release(probe).catch(() => undefined));
        tally.denied(admission, key.status === "quota_exceeded");
        continue;
      }

      trace.attempts += 1;
      trace.keyId = key.id;
      const controller = new AbortController();
      const onClientGone = () => controller.abort(clientGoneReason());
      signal?.addEventListener("abort", onClientGone, { once: true });
      const release = () => signal?.removeEventListener("abort", onClientGone);
      const context: ProviderCallContext = {
        keyId: key.id,
        apiKey: key.apiKey,
        baseUrl: provider.baseUrl,
        timeoutMs: provider.timeoutMs,
        ...(this.#dependencies.fetch ? { fetch: this.#dependencies.fetch } : {}),
      };
      const startedAt = performance.now();
      try {
        const result = await call({ adapter, context, controller, release }).finally(() => {
          if (probe) trace.defer(limits.release(probe).catch(() => undefined));
        });
        trace.upstreamMs += performance.now() - startedAt;
        return { key, reservedTokens, result };
      } catch (thrown) {
        const latencyMs = performance.now() - startedAt;
        trace.upstreamMs += latencyMs;
        trace.defer(this.settleTokens(key, reservedTokens, 0));
        // The client left: not the key's fault, and nobody is waiting for another key.
        if (signal?.aborted) throw new ClientClosedRequestError();
        // Not a ProviderError: the gateway's own code failed before the request left the process.
        // No upstream saw it, so no key is blamed, and every other key would fail the same way.
        if (!isProviderError(thrown)) {
          trace.attempts -= 1;
          throw gatewayCallError(thrown);
        }
        const error = thrown;
        trace.attemptErrors.push({ keyId: key.id, kind: error.kind, code: error.code, status: error.status, latencyMs: Math.round(latencyMs) });
        if (error.kind === "client_error") throw clientErrorResponse(error);
        trace.defer(health.recordFailure(key, error, clock.now()));
        tally.failed(error, health.cooldownMs);
      }
    }
    throw tally.toError();
  }
}

/** The windows of one admission: only the limits the key has. */
function windowsFor(key: CatalogueKey, reservedTokens: number): WindowLimit[] {
  const windows: WindowLimit[] = [];
  if (key.rateLimitRpm !== null) windows.push({ name: "rpm", limit: key.rateLimitRpm, windowMs: MINUTE_MS, cost: 1 });
  if (key.rateLimitTpm !== null) windows.push({ name: "tpm", limit: key.rateLimitTpm, windowMs: MINUTE_MS, cost: reservedTokens });
  if (key.rateLimitRpd !== null) windows.push({ name: "rpd", limit: key.rateLimitRpd, windowMs: DAY_MS, cost: 1 });
  return windows;
}
