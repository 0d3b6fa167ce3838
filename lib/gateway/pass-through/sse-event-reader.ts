/**
 * Reads an upstream event stream event by event while keeping each event's exact text, so the
 * pass-through forwards what the provider sent and still sees every event's name and data.
 * Comment-only blocks (`: keep-alive`, which DeepSeek sends while a request waits for capacity)
 * are skipped: they are not progress, and the gateway's own idle bound must not be fed by them.
 */
import { StringDecoder } from "node:string_decoder";
import type { PushControl, PushSink } from "../../providers/shared/push-stream";

/** One event as it arrived. */
export interface RawServerSentEvent {
  /** The event's text, blank-line terminator included, exactly as received. */
  raw: string;
  /** The `event:` field, or `null`. */
  event: string | null;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The bytes `raw` was decoded from, when the event came as one body chunk of its own. */
  bytes?: Uint8Array;
}

/** Event terminators: a line break followed by an empty line, in each line-break style. */
const TERMINATORS = ["\n\n", "\r\n\r\n", "\r\r"];

/** Finds the end of the next event block: the index after its blank line, or -1. */
function blockEnd(text: string, from: number): number {
  // Most upstreams end lines with "\n" only: one search then.
  if (text.indexOf("\r", from) === -1) {
    const at = text.indexOf("\n\n", from);
    return at === -1 ? -1 : at + 2;
  }
  let earliest = -1;
  for (const terminator of TERMINATORS) {
    const at = text.indexOf(terminator, from);
    if (at !== -1 && (earliest === -1 || at + terminator.length < earliest)) earliest = at + terminator.length;
  }
  return earliest;
}

/** Parses one block's fields; `null` when it holds no data (comments only, or empty). */
function parseBlock(raw: string): RawServerSentEvent | null {
  // The usual block, one `data: ` line and its blank line, is read without splitting it.
  if (raw.startsWith("data: ") && raw.indexOf("\n") === raw.length - 2 && raw.endsWith("\n\n")) return { raw, event: null, data: raw.slice(6, -2) };
  let event: string | null = null;
  let data: string | null = null;
  for (const line of raw.includes("\r") ? raw.split(/\r\n|\r|\n/) : raw.split("\n")) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") data = data === null ? value : `${data}\n${value}`;
    else if (field === "event") event = value;
  }
  return data === null ? null : { raw, event, data };
}

/** A body chunk by chunk: a web stream's reader, or the upstream fetch's own chunks (`nodeBodyOf`). */
export interface BodyChunks {
  next(): Promise<IteratorResult<Uint8Array, undefined>>;
  /** Stops reading before the end (releases the connection). */
  cancel(): unknown;
  /** Stops reading after the protocol's end: the connection may be reused (the upstream fetch's own chunks can). */
  finish?(): void;
  /** Pushes every later chunk to `sink` instead (the upstream fetch's own chunks can). */
  flow?(sink: PushSink<Uint8Array>): PushControl;
}

/** The chunks of a web stream, through a reader of its own. */
export function readerChunks(body: ReadableStream<Uint8Array>): BodyChunks {
  const reader = body.getReader();
  return {
    next: () => reader.read() as Promise<IteratorResult<Uint8Array, undefined>>,
    cancel: () => reader.cancel().catch(() => undefined),
  };
}

/**
 * Splits bytes into events as they arrive, synchronously: `push` the chunks, `end` at the end of
 * the body, `take` the complete events. A block cut off by the end of the body (no blank line
 * after it) is never taken: half an event is never forwarded.
 */
export class ServerSentEventParser {
  // Node's decoder rather than TextDecoder, whose streaming decode goes through ICU (about three
  // times slower on a chunk). Unlike TextDecoder it keeps a leading byte order mark: see `push`.
  readonly #decoder = new StringDecoder("utf8");
  #started = false;
  #pending = "";
  #start = 0;
  #ended = false;
  /** The last chunk pushed ended in an ASCII byte, so the decoder holds no part of a character. */
  #decoderEmpty = true;
  /** The chunk just pushed, while it may still be one whole event: it began where the last event ended and decoded whole. */
  #chunk: Uint8Array | undefined;

  push(bytes: Uint8Array): void {
    const atBoundary = this.#started && this.#decoderEmpty && this.#start === this.#pending.length;
    this.#append(this.#decoder.write(bytes));
    this.#decoderEmpty = bytes.length === 0 || bytes[bytes.length - 1] < 0x80;
    // Its text is then all of its bytes: none held back as the start of a character.
    this.#chunk = atBoundary && this.#decoderEmpty ? bytes : undefined;
  }

  end(): void {
    this.#append(this.#decoder.end());
    this.#chunk = undefined;
    this.#ended = true;
  }

  #append(text: string): void {
    if (!this.#started && text !== "") {
      // An event stream may begin with a byte order mark, which is not part of its first field.
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.#pending = this.#pending.slice(this.#start) + text;
    this.#start = 0;
  }

  /** True once the body ended (what `take` still holds is all there is). */
  get ended(): boolean {
    return this.#ended;
  }

  /** The next complete event, or `undefined` until more bytes come. */
  take(): RawServerSentEvent | undefined {
    for (;;) {
      const end = blockEnd(this.#pending, this.#start);
      if (end === -1) return undefined;
      const whole = this.#chunk !== undefined && this.#start === 0 && end === this.#pending.length;
      const event = parseBlock(this.#pending.slice(this.#start, end));
      this.#start = end;
      const chunk = this.#chunk;
      this.#chunk = undefined;
      if (!event) continue;
      if (whole) event.bytes = chunk;
      return event;
    }
  }
}
