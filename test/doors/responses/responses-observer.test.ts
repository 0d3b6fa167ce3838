/**
 * The Responses pass-through observer reads the usual text delta without parsing it: over every
 * recorded Responses stream it must judge each event, count the output and number its own
 * failure events exactly as parsing every event does.
 */
import { describe, expect, it } from "vitest";
import { plainTextDelta, responsesObserver } from "../../../lib/doors/responses/responses-observer";
import type { RawServerSentEvent } from "../../../lib/gateway/pass-through/sse-event-reader";
import { ProviderError } from "../../../lib/providers/provider-error";
import { rawEventsOf } from "../../support/raw-sse-events";
import { loadRecording, recordingsOf } from "../../support/recorded-fixtures";

const cut = new ProviderError({ kind: "transient", status: 502, code: "upstream_error", message: "cut off", provider: "openai" });

/** What an observer makes of `events`, and the failure text it would end them with. */
function observe(events: RawServerSentEvent[]) {
  const observer = responsesObserver();
  const roles = events.map((event) => observer.readEvent(event));
  return { roles, characters: observer.outputCharacters(), usage: observer.usage(), error: observer.streamError(), failure: observer.failureText(cut) };
}

/** The same event with its JSON spaced out, which the scan does not read. */
const spacedOut = (event: RawServerSentEvent): RawServerSentEvent => ({ ...event, data: JSON.stringify(JSON.parse(event.data), null, 1) });

describe("responses observer", () => {
  const streams = recordingsOf("responses").filter((entry) => entry.stream);

  it.each(streams.map((entry) => entry.file))("%s: read as parsing every event would", (file) => {
    const events = rawEventsOf(loadRecording(file).body);
    expect(events.every((event) => plainTextDelta(spacedOut(event).data) === undefined)).toBe(true);
    const parsedAll = observe(events.map(spacedOut));
    // Cut short after each event too, so the failure's numbering is compared at every point.
    for (let length = 1; length <= events.length; length += 1) expect(observe(events.slice(0, length))).toEqual(observe(events.slice(0, length).map(spacedOut)));
    expect(observe(events)).toEqual(parsedAll);
  });

  it("reads OpenAI's text deltas at a glance and parses the others", () => {
    const text = rawEventsOf(loadRecording("responses/responses-text.chunks.txt").body).filter((event) => event.event === "response.output_text.delta");
    expect(text.length).toBeGreaterThan(0);
    expect(text.every((event) => plainTextDelta(event.data) !== undefined)).toBe(true);
    const delta = (fields: Record<string, unknown>) => JSON.stringify({ type: "response.output_text.delta", sequence_number: 12, item_id: "msg_1", output_index: 0, content_index: 0, ...fields });
    expect(plainTextDelta(delta({ delta: "Hello", logprobs: [], obfuscation: "x" }))).toEqual({ sequence: 12, characters: 5 });
    expect(plainTextDelta(delta({ delta: "" }))).toEqual({ sequence: 12, characters: 0 });
    expect([delta({ delta: 'say "hi"' }), delta({ delta: "a{b}" }), delta({ delta: "x", logprobs: [{ token: "x", logprob: 0 }] })].map(plainTextDelta)).toEqual([undefined, undefined, undefined]);
    expect(plainTextDelta(JSON.stringify({ type: "response.refusal.delta", sequence_number: 3, delta: "no" }))).toBeUndefined();
  });
});
