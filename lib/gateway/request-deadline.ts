/**
 * The bound on a non-streamed request, every failover attempt included: it sends no byte until
 * it is done, so behind API Gateway it must end before the idle cut (lib/config/deploy-bounds.ts).
 * Past the deadline the router aborts the attempt in flight and tries no other key (it treats
 * that like a caller that left, so no key is blamed), and the caller gets a 504 that suggests
 * streaming.
 */
import { NON_STREAMED_DEADLINE_MS } from "../config/deploy-bounds";
import { GatewayError } from "../errors";
import type { ClientSignal } from "../http/client-signal";
import type { AttemptDeadline } from "../router/key-router";

/**
 * One request's deadline: a timer, and the abort of whichever attempt is in flight when it
 * fires. Not a controller linked to the caller's signal: the router already listens to that
 * signal per attempt, and a second controller with its listener pair cost more than the timer.
 */
class RequestDeadline implements AttemptDeadline {
  passed = false;
  #abortAttempt: (() => void) | undefined;
  readonly #timer: ReturnType<typeof setTimeout>;

  constructor(ms: number) {
    this.#timer = setTimeout(() => {
      this.passed = true;
      this.#abortAttempt?.();
    }, ms);
  }

  watch(abortAttempt: () => void): void {
    this.#abortAttempt = abortAttempt;
  }

  unwatch(abortAttempt: () => void): void {
    if (this.#abortAttempt === abortAttempt) this.#abortAttempt = undefined;
  }

  clear(): void {
    clearTimeout(this.#timer);
    this.#abortAttempt = undefined;
  }
}

/**
 * Runs `call` with a deadline of `ms` for the router (`RouteRequest.deadline`).
 * @param callerSignal the client's signal: a call it ended is not a timeout
 * @param ms @default NON_STREAMED_DEADLINE_MS
 * @throws GatewayError 504 `upstream_timeout` when the deadline (not the caller) ended the call
 */
export async function withinDeadline<Result>(callerSignal: ClientSignal, ms: number | undefined, call: (deadline: AttemptDeadline) => Promise<Result>): Promise<Result> {
  const bound = ms ?? NON_STREAMED_DEADLINE_MS;
  const deadline = new RequestDeadline(bound);
  try {
    return await call(deadline);
  } catch (error) {
    if (deadline.passed && !callerSignal.aborted) {
      throw new GatewayError(504, "upstream_timeout", `No answer within ${Math.round(bound / 1000)} s; send stream: true for longer answers`, { cause: error });
    }
    throw error;
  } finally {
    deadline.clear();
  }
}
