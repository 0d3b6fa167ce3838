/**
 * The Messages pass-through observer reads some named events without parsing them (pings, block
 * stops, the message stop, the usual text delta): over every recorded Anthropic stream it must
 * judge each event and count the output exactly as parsing every event does.
 */
import { describe, expect, it } from "vitest";
import { messagesObserver } from "../../../lib/doors/messages/messages-observer";
import { closingTextLength } from "../../../lib/gateway/pass-through/pass-through-observer";
import type { RawServerSentEvent } from "../../../lib/gateway/pass-through/sse-event-reader";
import { rawEventsOf } from "../../support/raw-sse-events";
import { loadRecording, recordingsOf } from "../../support/recorded-fixtures";

/** Roles, characters and usage an observer makes of `events`. */
function observe(events: RawServerSentEvent[]) {
  const observer = messagesObserver();
  const roles = events.map((event) => observer.readEvent(event));
  return { roles, characters: observer.outputCharacters(), usage: observer.usage(), error: observer.streamError() };
}

describe("messages observer", () => {
  const streams = recordingsOf("messages").filter((entry) => entry.stream);

  it.each(streams.map((entry) => entry.file))("%s: named events read as parsing them all would", (file) => {
    const events = rawEventsOf(loadRecording(file).body);
    expect(events.some((event) => event.event === "content_block_delta")).toBe(true);
    // Without event names the observer takes each type from the parsed payload.
    const parsedAll = observe(events.map((event) => ({ ...event, event: null })));
    expect(observe(events)).toEqual(parsedAll);
    expect(parsedAll.characters).toBeGreaterThan(0);
  });

  it("counts a text delta's characters, and parses the deltas it cannot read at a glance", () => {
    const delta = (inner: Record<string, unknown>) => ({ raw: "", event: "content_block_delta", data: JSON.stringify({ type: "content_block_delta", index: 0, delta: inner }) });
    const read = (inner: Record<string, unknown>) => observe([delta(inner)]);
    expect(read({ type: "text_delta", text: "Hello" })).toMatchObject({ roles: ["content"], characters: 5 });
    const atAGlance = (inner: Record<string, unknown>) => closingTextLength(delta(inner).data, 2, '"delta":', '"type":"text_delta","text":"');
    expect([atAGlance({ type: "text_delta", text: "Hello" }), atAGlance({ type: "text_delta", text: 'a "b"' }), atAGlance({ type: "thinking_delta", thinking: "x" })]).toEqual([5, undefined, undefined]);
    expect(read({ type: "text_delta", text: "" })).toMatchObject({ roles: ["preamble"], characters: 0 });
    expect(read({ type: "text_delta", text: 'a "quoted" {word}\n' })).toMatchObject({ roles: ["content"], characters: 18 });
    expect(read({ type: "thinking_delta", thinking: "hmm" })).toMatchObject({ roles: ["content"], characters: 3 });
    expect(read({ type: "input_json_delta", partial_json: '{"a":' })).toMatchObject({ roles: ["content"], characters: 5 });
  });
});
