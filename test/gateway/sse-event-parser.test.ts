/**
 * The pass-through's SSE parser: events keep their exact text however the bytes are split, in
 * every line-break style; comment-only blocks are skipped and half an event is never taken.
 */
import { describe, expect, it } from "vitest";
import { ServerSentEventParser } from "../../lib/gateway/pass-through/sse-event-reader";
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
});
