/**
 * The abort switch of one upstream attempt. It is an `AbortController`, so the SDKs get a real
 * `signal`, but that signal is built only when something asks for it: on Node 20 an
 * `AbortSignal` is an `EventTarget`, and making one and listening to it was about 4 % of a
 * pass-through request's CPU profile, for an abort that nearly never comes. The gateway's own
 * upstream fetch listens to the controller itself instead (it is an {@link AbortWatch}).
 */
import { AbortListeners, type ClientSignal } from "../../http/client-signal";

/** The part of `AbortSignal` an abortable call reads, its reason included: an `AbortSignal` is one. */
export interface AbortWatch extends ClientSignal {
  /** Why it was aborted; `undefined` until then. */
  readonly reason: unknown;
}

export class AttemptController extends AbortController implements AbortWatch {
  #aborted = false;
  #reason: unknown;
  readonly #listeners = new AbortListeners();

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  /** Aborts once, with `reason` or, like `AbortController`, an `AbortError`; the signal, if built, says the same. */
  override abort(reason?: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason === undefined ? new DOMException("This operation was aborted", "AbortError") : reason;
    super.abort(this.#reason);
    this.#listeners.fire();
  }

  addEventListener(_type: "abort", listener: () => void): void {
    if (!this.#aborted) this.#listeners.add(listener);
  }

  removeEventListener(_type: "abort", listener: () => void): void {
    this.#listeners.delete(listener);
  }
}
