/**
 * What every response of the upstream fetch carries besides its body: the head as received, in
 * the shape a platform `Response` exposes it (the SDKs read `ok`, `status`, `headers`, `url`).
 * The WHATWG `Headers` are built when first read: the pass-through reads the one header it needs
 * through {@link headerOf}, and building `Headers` from a head cost a few µs per call.
 */

/** Status, status text and headers as received. */
export interface ResponseHeadInit {
  status: number;
  statusText: string;
  /** The headers, or how to build them when first read. */
  headers: Headers | (() => Headers);
  /** One header's value as received, without building `headers` (names in lower case). */
  header?: (name: string) => string | undefined;
}

/** The head of a platform-compatible response; subclasses add the body. */
export class ResponseHead {
  readonly type = "basic";
  readonly redirected = false;
  readonly url: string;
  readonly status: number;
  readonly statusText: string;
  #headers: Headers | (() => Headers);
  readonly #header: ((name: string) => string | undefined) | undefined;

  /**
   * @param init status, status text and headers as received
   * @param url the URL the response came from
   */
  constructor(init: ResponseHeadInit, url: string) {
    this.status = init.status;
    this.statusText = init.statusText;
    this.#headers = init.headers;
    this.#header = init.header;
    this.url = url;
  }

  /** The headers as received. */
  get headers(): Headers {
    if (typeof this.#headers === "function") this.#headers = this.#headers();
    return this.#headers;
  }

  /** True for a 2xx status. */
  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  /** One header's value (a lower-case name), read without building {@link headers} where possible. */
  header(name: string): string | undefined {
    if (this.#header && typeof this.#headers === "function") return this.#header(name);
    return this.headers.get(name) ?? undefined;
  }
}

/** One header of any response (a lower-case name): a head of the upstream fetch answers it without building `Headers`. */
export function headerOf(response: Response, name: string): string | undefined {
  return response instanceof ResponseHead ? response.header(name) : (response.headers.get(name) ?? undefined);
}
