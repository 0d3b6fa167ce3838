/**
 * A small Server-Sent Events parser (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
 *
 * Comment lines (`: keep-alive`, which DeepSeek sends while a request waits for capacity,
 * https://api-docs.deepseek.com/quick_start/rate_limit) and blank lines yield nothing, so a
 * consumer's idle timer only ever sees real events.
 */

/** One dispatched event. */
export interface ServerSentEvent {
  /** The `event:` field, or `null` when absent (OpenAI sends none; Anthropic names every event). */
  event: string | null;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The `id:` field, when present. */
  id?: string;
}

/** Anything that yields byte chunks: a fetch `ReadableStream`, a Node stream, an async generator. */
export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string>;

/**
 * Yields the events of an SSE byte stream. An event still open when the stream ends is yielded
 * only if its last line was complete, so a cut in the middle of a `data:` line never surfaces
 * as a half JSON document.
 *
 * When the consumer stops early, the underlying stream is cancelled.
 */
export async function* parseServerSentEvents(source: ByteSource): AsyncGenerator<ServerSentEvent, void, undefined> {
  const decoder = new TextDecoder();
  const parser = new EventAccumulator();
  let pending = "";
  for await (const chunk of iterateBytes(source)) {
    pending += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    const lines = splitCompleteLines(pending);
    pending = lines.rest;
    for (const line of lines.complete) {
      const event = parser.push(line);
      if (event) yield event;
    }
  }
  pending += decoder.decode();
  if (pending.endsWith("\r")) {
    const event = parser.push(pending.slice(0, -1));
    if (event) yield event;
    pending = "";
  }
  // A trailing line without its newline is incomplete: drop it together with its event.
  if (pending === "") {
    const event = parser.flush();
    if (event) yield event;
  }
}

/** Splits off every line terminated by CRLF, LF or CR; keeps the unterminated tail. */
function splitCompleteLines(text: string): { complete: string[]; rest: string } {
  const complete: string[] = [];
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (character !== "\n" && character !== "\r") continue;
    // A CR at the very end may be the first half of a CRLF split across chunks: wait for more.
    if (character === "\r" && index === text.length - 1) break;
    complete.push(text.slice(start, index));
    if (character === "\r" && text[index + 1] === "\n") index++;
    start = index + 1;
  }
  return { complete, rest: text.slice(start) };
}

/** Builds events line by line, per the spec's field rules. */
class EventAccumulator {
  private event: string | null = null;
  private dataLines: string[] = [];
  private id: string | undefined;

  /** Feeds one line; returns an event when the line was the blank line that dispatches it. */
  push(line: string): ServerSentEvent | undefined {
    if (line === "") return this.flush();
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.dataLines.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id") this.id = value;
    return undefined;
  }

  /** Dispatches the buffered event, if it has data (the spec drops events without data). */
  flush(): ServerSentEvent | undefined {
    const hasData = this.dataLines.length > 0;
    const event: ServerSentEvent = { event: this.event, data: this.dataLines.join("\n") };
    if (this.id !== undefined) event.id = this.id;
    this.event = null;
    this.dataLines = [];
    this.id = undefined;
    return hasData ? event : undefined;
  }
}

async function* iterateBytes(source: ByteSource): AsyncGenerator<Uint8Array | string> {
  if (!isReadableStream(source)) {
    yield* source;
    return;
  }
  const reader = source.getReader();
  let finished = false;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    // Stopping early must release the upstream connection.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

function isReadableStream(source: ByteSource): source is ReadableStream<Uint8Array> {
  return typeof (source as ReadableStream<Uint8Array>).getReader === "function";
}
