/**
 * How the gateway learns that its client went away mid-request: the part of `AbortSignal` the
 * router uses. @hono/node-server builds an `AbortController` for a request when its `signal` is
 * first read, and on Node 20 making one (an `EventTarget`) is one of the dearer steps of a small
 * request (about 1.5 % of a pass-through's CPU profile), for an event that nearly never comes. On
 * the Node server the gateway therefore watches the response's `close` itself; elsewhere
 * (Lambda, `app.request()` in tests) it is the request's own signal.
 */
import { ServerResponse } from "node:http";
import type { Context } from "hono";

/** Aborts when the client goes away; `AbortSignal` is one. */
export interface ClientSignal {
  readonly aborted: boolean;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/**
 * The listeners of an abort that comes at most once, for the signals here that are not
 * `EventTarget`s: every listener is a once-listener, so firing runs each and forgets them all.
 */
export class AbortListeners {
  readonly #listeners = new Set<() => void>();

  add(listener: () => void): void {
    this.#listeners.add(listener);
  }

  delete(listener: () => void): void {
    this.#listeners.delete(listener);
  }

  fire(): void {
    const listeners = [...this.#listeners];
    this.#listeners.clear();
    for (const listener of listeners) listener();
  }
}

/** Aborted once the response closes before it finished: the connection went away under it. */
class ResponseCloseSignal implements ClientSignal {
  aborted = false;
  readonly #listeners = new AbortListeners();

  constructor(outgoing: ServerResponse) {
    outgoing.once("close", () => {
      if (outgoing.writableFinished) return;
      this.aborted = true;
      this.#listeners.fire();
    });
  }

  addEventListener(_type: "abort", listener: () => void): void {
    if (!this.aborted) this.#listeners.add(listener);
  }

  removeEventListener(_type: "abort", listener: () => void): void {
    this.#listeners.delete(listener);
  }
}

/** Where a response keeps its signal: a property of its own rather than a WeakMap entry, which costs more to add. */
const SIGNAL = Symbol("modelgate.clientSignal");

/** The signal of `c`'s client, one per request. */
export function clientSignalOf(c: Context): ClientSignal {
  const outgoing = (c.env as { outgoing?: ServerResponse & { [SIGNAL]?: ClientSignal } } | undefined)?.outgoing;
  // HTTP/1 only: an HTTP/2 response keeps the request's own signal.
  if (!(outgoing instanceof ServerResponse) || outgoing.destroyed) return c.req.raw.signal;
  return (outgoing[SIGNAL] ??= new ResponseCloseSignal(outgoing));
}
