/**
 * The shapes of a stream that is pushed rather than pulled: its producer hands every item to a
 * sink as it arrives (no promise per item), and the sink pushes back by pausing the producer.
 * The upstream fetch pushes body chunks this way, and the pass-through pushes forwarded events.
 */

/** Receives a pushed stream: items, then `end` or `fail`, once. */
export interface PushSink<Item> {
  item(item: Item): void;
  end(): void;
  fail(error: unknown): void;
}

/** Backpressure of a pushed stream: a sink that cannot keep up pauses its producer. */
export interface PushControl {
  pause(): void;
  resume(): void;
}
