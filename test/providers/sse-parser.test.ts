import { describe, expect, it } from "vitest";
import { parseServerSentEvents, type ServerSentEvent } from "../../lib/providers/shared/sse-parser";

async function parse(pieces: string[]): Promise<ServerSentEvent[]> {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece));
      controller.close();
    },
  });
  const events: ServerSentEvent[] = [];
  for await (const event of parseServerSentEvents(stream)) events.push(event);
  return events;
}

describe("parseServerSentEvents", () => {
  it("yields unnamed and named events", async () => {
    const events = await parse(['data: {"a":1}\n\n', 'event: ping\ndata: {"type":"ping"}\n\n']);
    expect(events).toEqual([
      { event: null, data: '{"a":1}' },
      { event: "ping", data: '{"type":"ping"}' },
    ]);
  });

  it("skips comments such as DeepSeek's keep-alive and blank lines", async () => {
    const events = await parse([": keep-alive\n\n", "\n\n", ": keep-alive\n\ndata: x\n\n", ":\n\n"]);
    expect(events).toEqual([{ event: null, data: "x" }]);
  });

  it("joins multi-line data and handles CRLF, CR and events split across chunks", async () => {
    const events = await parse(["data: one\r\nda", "ta: two\r", "\n\r\nid: 7\rdata: three\r\r"]);
    expect(events).toEqual([
      { event: null, data: "one\ntwo" },
      { event: null, data: "three", id: "7" },
    ]);
  });

  it("decodes multi-byte characters split across chunks", async () => {
    const bytes = new TextEncoder().encode("data: héllo 👋\n\n");
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(new Uint8Array([byte]));
        controller.close();
      },
    });
    const events: ServerSentEvent[] = [];
    for await (const event of parseServerSentEvents(stream)) events.push(event);
    expect(events).toEqual([{ event: null, data: "héllo 👋" }]);
  });

  it("dispatches a last event whose line is complete but drops a half-written line", async () => {
    expect(await parse(["data: [DONE]\n"])).toEqual([{ event: null, data: "[DONE]" }]);
    expect(await parse(['data: {"ok":1}\n\ndata: {"choi'])).toEqual([{ event: null, data: '{"ok":1}' }]);
  });

  it("cancels the source when the consumer stops early", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode("data: tick\n\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const event of parseServerSentEvents(stream)) {
      expect(event.data).toBe("tick");
      break;
    }
    expect(cancelled).toBe(true);
  });
});
