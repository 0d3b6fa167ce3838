/**
 * The per-call abort scope links the caller's signal and the deadline by hand and unlinks them
 * at close: nothing stays attached to a long-lived caller signal (AbortSignal.any() kept every
 * composite signal alive on Node 20 once the SDK listened on it).
 */
import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { ProviderError } from "../../lib/providers/provider-error";
import { abortedCallError, fetchCallFailure, openCallScope, openOwnedCallScope } from "../../lib/providers/shared/call-scope";
import { AttemptController } from "../../lib/providers/shared/attempt-controller";
import { createUpstreamFetch } from "../../lib/providers/shared/upstream-fetch";

const context = { keyId: 1, apiKey: "sk-scope-key-00000001", baseUrl: "http://127.0.0.1:9/v1", timeoutMs: 1000 };

describe("call scope", () => {
  it("aborts on the caller's signal with its reason, and detaches at close", () => {
    const caller = new AbortController();
    const scope = openCallScope("openai", { ...context, signal: caller.signal }, 10_000);
    expect(getEventListeners(caller.signal, "abort")).toHaveLength(1);
    const reason = new ProviderError({ kind: "transient", status: 0, code: "idle_timeout", message: "idle" });
    caller.abort(reason);
    expect(scope.aborted()).toBe(true);
    expect(scope.timedOut()).toBe(false);
    expect(scope.signal?.reason).toBe(reason);
    expect(abortedCallError(scope)).toBe(reason);
    scope.close();

    const longLived = new AbortController();
    for (let index = 0; index < 100; index++) openCallScope("openai", { ...context, signal: longLived.signal }, 10_000).close();
    expect(getEventListeners(longLived.signal, "abort")).toHaveLength(0);
  });

  it("times out on its deadline, which the caller's later abort does not turn into a timeout", async () => {
    const caller = new AbortController();
    const scope = openCallScope("openai", { ...context, signal: caller.signal }, 10);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect([scope.aborted(), scope.timedOut()]).toEqual([true, true]);
    expect(abortedCallError(scope).code).toBe("upstream_timeout");
    caller.abort();
    expect(scope.timedOut()).toBe(false);
    scope.close();
  });

  it("without a deadline hands on the caller's own signal", () => {
    const caller = new AbortController();
    const scope = openCallScope("openai", { ...context, signal: caller.signal });
    expect(scope.signal).toBe(caller.signal);
    caller.abort();
    expect([scope.aborted(), scope.timedOut()]).toEqual([true, false]);
  });

  it("an owned scope's deadline aborts the attempt's own controller; a client abort before it stays the client's", async () => {
    const attempt = new AttemptController();
    const scope = openOwnedCallScope("openai", context.apiKey, attempt, 10);
    expect(scope.signal).toBe(attempt.signal);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect([attempt.signal.aborted, scope.timedOut()]).toEqual([true, true]);
    expect(abortedCallError(scope).code).toBe("upstream_timeout");
    scope.close();

    const left = new AttemptController();
    const leftScope = openOwnedCallScope("openai", context.apiKey, left, 10);
    const reason = new ProviderError({ kind: "transient", status: 0, code: "client_gone", message: "gone" });
    left.abort(reason);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect([leftScope.aborted(), leftScope.timedOut()]).toEqual([true, false]);
    expect(abortedCallError(leftScope)).toBe(reason);
    leftScope.close();

    const fast = new AttemptController();
    openOwnedCallScope("openai", context.apiKey, fast, 10).close();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fast.signal.aborted).toBe(false);
  });

  it("a direct fetch call's failure counts as the upstream's only when the network produced it", async () => {
    const scope = openCallScope("openai", context);
    // Port 9 (discard) refuses connections here: what fetch rejects with for a network failure.
    const refused = await createUpstreamFetch()("http://127.0.0.1:9/v1/chat/completions", { method: "POST", body: "{}" }).catch((error: unknown) => error);
    expect(fetchCallFailure(scope, refused, false)).toMatchObject({ name: "ProviderError", kind: "transient", code: "connection_error" });
    // Thrown before the request left the process: returned as it is, for the router to answer.
    const tooDeep = new RangeError("Maximum call stack size exceeded");
    expect(fetchCallFailure(scope, tooDeep, false)).toBe(tooDeep);
    const ownBug = new TypeError("Cannot read properties of undefined (reading 'x')");
    expect(fetchCallFailure(scope, ownBug, false)).toBe(ownBug);
    // Once the response streams, the request has left: a failure is a cut stream.
    expect(fetchCallFailure(scope, ownBug, true)).toMatchObject({ code: "stream_truncated" });
  });
});
