/**
 * A `Response` over an event stream still arriving, for the upstream fetch (upstream-fetch.ts).
 * The pass-through takes such a body's chunks straight from the connection and never reads
 * `body`, yet a platform `Response` builds its web stream (and the stream's transfer machinery)
 * up front, about 8 µs per streamed call. This one builds the stream on first access to `body`;
 * the SDKs, which read `body`, see a platform-compatible response. Members that read the whole
 * body (`text`, `json`, …) and `clone` are answered by a platform `Response` over that stream.
 */

import { ResponseHead, type ResponseHeadInit } from "./response-head";

// Captured at load: @hono/node-server replaces the global Response with a lightweight one.
const PlatformResponse = globalThis.Response;

/** A platform-compatible response whose body stream is made when first asked for. */
export class StreamedResponse extends ResponseHead {
  readonly #open: () => ReadableStream<Uint8Array>;
  #stream: ReadableStream<Uint8Array> | undefined;
  #platform: Response | undefined;

  /**
   * @param open makes the body stream (called at most once)
   * @param init status, status text and headers as received
   * @param url the URL the response came from
   */
  constructor(open: () => ReadableStream<Uint8Array>, init: ResponseHeadInit, url: string) {
    super(init, url);
    this.#open = open;
  }

  /** The body as a stream (made on first access). */
  get body(): ReadableStream<Uint8Array> {
    if (this.#platform) return this.#platform.body!;
    this.#stream ??= this.#open();
    return this.#stream;
  }

  /** True once the body was read (or its stream locked). */
  get bodyUsed(): boolean {
    return this.#platform ? this.#platform.bodyUsed : this.#stream?.locked === true;
  }

  text(): Promise<string> {
    return this.#whole().text();
  }

  json(): Promise<unknown> {
    return this.#whole().json();
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#whole().arrayBuffer();
  }

  bytes(): Promise<Uint8Array> {
    return this.#whole().arrayBuffer().then((buffer) => new Uint8Array(buffer));
  }

  blob(): Promise<Blob> {
    return this.#whole().blob();
  }

  formData(): Promise<FormData> {
    return this.#whole().formData();
  }

  /** An independent copy (the body is teed, as the platform does). @throws TypeError when the body was already used. */
  clone(): Response {
    return this.#whole().clone();
  }

  /** The platform `Response` over the body stream, made once. */
  #whole(): Response {
    this.#platform ??= new PlatformResponse(this.body, { status: this.status, statusText: this.statusText, headers: this.headers });
    return this.#platform;
  }
}
