/**
 * Runs text through the pass-through's own SSE parser, for tests of what reads its events.
 */
import { ServerSentEventParser, type RawServerSentEvent } from "../../lib/gateway/pass-through/sse-event-reader";

/**
 * Every event of `text`, its bytes fed in pieces of `pieceBytes` (all at once by default), then the end.
 */
export function rawEventsOf(text: string, pieceBytes = Number.POSITIVE_INFINITY): RawServerSentEvent[] {
  const bytes = new TextEncoder().encode(text);
  const parser = new ServerSentEventParser();
  const events: RawServerSentEvent[] = [];
  for (let at = 0; at < bytes.length; at += pieceBytes) {
    parser.push(bytes.subarray(at, at + pieceBytes));
    for (let event = parser.take(); event; event = parser.take()) events.push(event);
  }
  parser.end();
  for (let event = parser.take(); event; event = parser.take()) events.push(event);
  return events;
}
