/**
 * A `Response` over a body that has already arrived whole, for the upstream fetch
 * (upstream-fetch.ts). The platform `Response` wraps even a finished buffer in a web stream and
 * reads it back through the stream machinery on `json()`; the SDKs call `json()` or `text()` on
 * every non-streamed answer, so this one decodes the bytes directly and builds a stream only if
 * `body` is actually read from (see {@link DeferredBodyStream}). It follows the fetch rules the
 * SDKs can observe: the body is used once (a second read rejects, a stream built after a read
 * is empty), `clone()` of a used body throws, and members it does not implement itself
 * (`formData`) are answered by a platform `Response` built on demand.
 */

import { ResponseHead, type ResponseHeadInit } from "./response-head";

const decoder = new TextDecoder();

/**
 * What `body` answers until the stream is used: a `ReadableStream` to `instanceof` that builds
 * the real one on the first call of any of its members. The Anthropic SDK reads `body` of every
 * answer only to register it with a `FinalizationRegistry`, and on Node 20 constructing a web
 * stream costs several microseconds (it is made transferable between workers). Handing the
 * object itself to Node's own stream internals (`Readable.fromWeb`, `pipeTo` as the
 * destination's source) needs a platform stream: take one from `getReader()` or `values()`.
 */
class DeferredBodyStream {
  readonly #build: () => ReadableStream<Uint8Array>;
  #stream: ReadableStream<Uint8Array> | undefined;

  constructor(build: () => ReadableStream<Uint8Array>) {
    this.#build = build;
  }

  get #real(): ReadableStream<Uint8Array> {
    return (this.#stream ??= this.#build());
  }

  get locked(): boolean {
    return this.#stream?.locked === true;
  }

  cancel(reason?: unknown): Promise<void> {
    return this.#real.cancel(reason);
  }

  getReader(options?: ReadableStreamGetReaderOptions): ReadableStreamReader<Uint8Array> {
    return this.#real.getReader(options);
  }

  pipeThrough<T>(transform: ReadableWritablePair<T, Uint8Array>, options?: StreamPipeOptions): ReadableStream<T> {
    return this.#real.pipeThrough(transform, options);
  }

  pipeTo(destination: WritableStream<Uint8Array>, options?: StreamPipeOptions): Promise<void> {
    return this.#real.pipeTo(destination, options);
  }

  tee(): [ReadableStream<Uint8Array>, ReadableStream<Uint8Array>] {
    return this.#real.tee();
  }

  values(options?: { preventCancel?: boolean }): AsyncIterableIterator<Uint8Array> {
    return (this.#real as unknown as { values(options?: { preventCancel?: boolean }): AsyncIterableIterator<Uint8Array> }).values(options);
  }

  [Symbol.asyncIterator](options?: { preventCancel?: boolean }): AsyncIterableIterator<Uint8Array> {
    return this.values(options);
  }
}
Object.setPrototypeOf(DeferredBodyStream.prototype, ReadableStream.prototype);

/** A platform-compatible response whose body is in memory. */
export class BufferedResponse extends ResponseHead {
  readonly #bytes: Uint8Array;
  #used = false;
  #stream: DeferredBodyStream | undefined;

  /**
   * @param bytes the whole body
   * @param init status, status text and headers as received
   * @param url the URL the response came from
   */
  constructor(bytes: Uint8Array, init: ResponseHeadInit, url: string) {
    super(init, url);
    this.#bytes = bytes;
  }

  /** The body as a stream (built on first use; reading it uses the body up). */
  get body(): ReadableStream<Uint8Array> {
    if (this.#stream === undefined) {
      this.#stream = new DeferredBodyStream(() => {
        // Whether the body was read is decided when the stream is built, not when `body` was asked for.
        const bytes = this.#used ? undefined : this.#bytes;
        return new ReadableStream<Uint8Array>({
          start(controller) {
            if (bytes && bytes.byteLength > 0) controller.enqueue(bytes);
            controller.close();
          },
        });
      });
    }
    return this.#stream as unknown as ReadableStream<Uint8Array>;
  }

  /** True once the body was read (or its stream locked). */
  get bodyUsed(): boolean {
    return this.#used || this.#stream?.locked === true;
  }

  /** The body as text (UTF-8). */
  async text(): Promise<string> {
    return decoder.decode(this.#take());
  }

  /** The body parsed as JSON. */
  async json(): Promise<unknown> {
    return JSON.parse(decoder.decode(this.#take()));
  }

  /** The body's bytes. */
  async bytes(): Promise<Uint8Array> {
    return this.#take().slice();
  }

  /** The body's bytes in a fresh ArrayBuffer. */
  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.#take().slice().buffer as ArrayBuffer;
  }

  /** The body as a Blob typed by the Content-Type header. */
  async blob(): Promise<Blob> {
    return new Blob([this.#take().slice()], { type: this.headers.get("content-type") ?? "" });
  }

  /** The body parsed as form data, by a platform `Response`. */
  async formData(): Promise<FormData> {
    const bytes = this.#take();
    return new Response(bytes.slice(), { status: this.status, statusText: this.statusText, headers: this.headers }).formData();
  }

  /** An independent copy. @throws TypeError when the body was already used. */
  clone(): BufferedResponse {
    if (this.bodyUsed) throw new TypeError("Response.clone: Body has already been consumed.");
    return new BufferedResponse(this.#bytes, { status: this.status, statusText: this.statusText, headers: new Headers(this.headers) }, this.url);
  }

  /** Marks the body used and returns it. @throws TypeError (as a rejection) on a second read. */
  #take(): Uint8Array {
    if (this.bodyUsed) throw new TypeError("Body is unusable: Body has already been read");
    this.#used = true;
    return this.#bytes;
  }
}
