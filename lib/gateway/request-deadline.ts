/**
 * The bound on a non-streamed request, every failover attempt included: it sends no byte until
 * it is done, so behind API Gateway it must end before the idle cut (lib/config/deploy-bounds.ts).
 * Past the deadline the router's signal aborts (the router treats that like a caller that left,
 * so no key is blamed) and the caller gets a 504 that suggests streaming.
 */
import { NON_STREAMED_DEADLINE_MS } from "../config/deploy-bounds";
import { GatewayError } from "../errors";

/**
 * Runs `call` with a signal that aborts when the caller leaves or `ms` pass.
 * @param ms @default NON_STREAMED_DEADLINE_MS
 * @throws GatewayError 504 `upstream_timeout` when the deadline (not the caller) ended the call
 */
export async function withinDeadline<Result>(callerSignal: AbortSignal, ms: number | undefined, call: (signal: AbortSignal) => Promise<Result>): Promise<Result> {
  const bound = ms ?? NON_STREAMED_DEADLINE_MS;
  // Linked by hand and unlinked below, not AbortSignal.any(): on Node 20 a composite signal with
  // listeners stays reachable until it aborts.
  const controller = new AbortController();
  let passed = false;
  const onCallerAbort = () => controller.abort(callerSignal.reason);
  const timer = setTimeout(() => {
    passed = true;
    controller.abort();
  }, bound);
  if (callerSignal.aborted) controller.abort(callerSignal.reason);
  else callerSignal.addEventListener("abort", onCallerAbort, { once: true });
  try {
    return await call(controller.signal);
  } catch (error) {
    if (passed && !callerSignal.aborted) {
      throw new GatewayError(504, "upstream_timeout", `No answer within ${Math.round(bound / 1000)} s; send stream: true for longer answers`, { cause: error });
    }
    throw error;
  } finally {
    clearTimeout(timer);
    callerSignal.removeEventListener("abort", onCallerAbort);
  }
}
