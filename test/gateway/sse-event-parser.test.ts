/**
 * The pass-through's SSE parser: events keep their exact text however the bytes are split, in
 * every line-break style; comment-only blocks are skipped and half an event is never taken. An
 * event that came as a chunk of its own also keeps that chunk, to be forwarded without encoding.
 */
import { describe, expect, it } from "vitest";
import { ServerSentEventParser, type RawServerSentEvent } from "../../lib/gateway/pass-through/sse-event-reader";
import { rawEventsOf } from "../support/raw-sse-events";

describe("ServerSentEventParser", () => {
  const text = 'event: delta\ndata: {"t":"é€😀"}\n\n: keep-alive\n\ndata: a\r\ndata: b\r\n\r\ndata: [DONE]\n\ndata: cut off';
  it.each([1, 2, 3, 7, 1000])("splits into the same events in pieces of %i bytes", (size) => {
    expect(rawEventsOf(text, size)).toEqual([
      { raw: 'event: delta\ndata: {"t":"é€😀"}\n\n', event: "delta", data: '{"t":"é€😀"}' },
      { raw: "data: a\r\ndata: b\r\n\r\n", event: null, data: "a\nb" },
      { raw: "data: [DONE]\n\n", event: null, data: "[DONE]" },
    ]);
  });

  it.each([1, 2, 1000])("reads past a byte order mark at the start, in pieces of %i bytes", (size) => {
    expect(rawEventsOf("\ufeffdata: first\n\ndata: \ufeffsecond\n\n", size)).toEqual([
      { raw: "data: first\n\n", event: null, data: "first" },
      { raw: "data: \ufeffsecond\n\n", event: null, data: "\ufeffsecond" },
    ]);
  });

  it("ends only when told, and keeps an unfinished block back until then", () => {
    const parser = new ServerSentEventParser();
    parser.push(new TextEncoder().encode("data: x\n"));
    expect([parser.take(), parser.ended]).toEqual([undefined, false]);
    parser.push(new TextEncoder().encode("\ndata: y"));
    expect(parser.take()?.data).toBe("x");
    parser.end();
    expect([parser.take(), parser.ended]).toEqual([undefined, true]);
  });

  it("keeps the chunk of an event that came alone, and no other", () => {
    const parser = new ServerSentEventParser();
    const encode = (part: string) => new TextEncoder().encode(part);
    const events: RawServerSentEvent[] = [];
    const feed = (...parts: Uint8Array[]) => {
      for (const part of parts) {
        parser.push(part);
        for (let event = parser.take(); event; event = parser.take()) events.push(event);
      }
    };
    const alone = encode('data: {"t":"é€"}\n\n');
    const euro = encode("data: €\n\n");
    const lastAlone = encode("data: last\n\n");
    feed(
      encode("data: first\n\n"), // the first chunk: a byte order mark may be stripped from it
      alone,
      encode("data: a\n\ndata: b\n\n"), // two events in one chunk
      encode("data: sp"), encode("lit\n\n"), // one event in two chunks
      euro.subarray(0, 7), euro.subarray(7), // a character cut between chunks
      encode(": keep-alive\n\ndata: after a comment\n\n"),
      encode("data: crlf\r\n\r\n"),
      lastAlone,
    );
    expect(events.map((event) => event.data)).toEqual(["first", '{"t":"é€"}', "a", "b", "split", "€", "after a comment", "crlf", "last"]);
    expect(events.map((event) => event.bytes)).toEqual([undefined, alone, undefined, undefined, undefined, undefined, undefined, encode("data: crlf\r\n\r\n"), lastAlone]);
    expect(events[1].bytes).toBe(alone);

    // A chunk that ends in the first byte of a character: the next event's text starts with it.
    const lead = encode("€\ndata: y\n\n");
    feed(Buffer.concat([encode("data: x\n\n"), lead.subarray(0, 1)]), lead.subarray(1));
    expect(events.slice(-2).map((event) => [event.raw, event.bytes])).toEqual([["data: x\n\n", undefined], ["€\ndata: y\n\n", undefined]]);
  });
});
