/**
 * Request ids as UUID version 7 (RFC 9562): the creation time in milliseconds first, then a
 * counter, then random bits. Ids made later sort later, so the log table's unique index on them
 * grows at its end like the time indexes do; random (version 4) ids landed on a random index page
 * each, which made every batched log insert rewrite about one page per row.
 */
import { randomUUID } from "node:crypto";

/** Highest value of the 12-bit counter that orders ids made within one millisecond. */
const COUNTER_MAX = 0xfff;

let lastMs = -1;
let counter = 0;

/** A new UUIDv7; ids from one process are strictly increasing. */
export function timeOrderedId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    // A random start within the lower half leaves room to count up within the millisecond.
    counter = Math.floor(Math.random() * (COUNTER_MAX >> 1));
  } else if (counter < COUNTER_MAX) {
    counter += 1;
  } else {
    // More ids than the counter holds in one millisecond (or a clock that stepped back): borrow the next one.
    lastMs += 1;
    counter = 0;
  }
  const time = lastMs.toString(16).padStart(12, "0");
  // randomUUID() draws from a pooled buffer of random bytes; its variant bits are already RFC 9562's.
  const random = randomUUID();
  return `${time.slice(0, 8)}-${time.slice(8)}-7${counter.toString(16).padStart(3, "0")}${random.slice(18)}`;
}
