/**
 * The shape of the benchmark's paced stream, shared by the upstream that sends it and the
 * benchmark that checks what arrived.
 */

/** Content chunks of a paced stream. */
export const PACED_CHUNKS = 50;
/** Milliseconds between two content chunks of a paced stream. */
export const PACED_INTERVAL_MS = 20;
/** Text that starts every paced content chunk's delta, so a client can count them on the wire. */
export const PACED_MARKER = '"content":"tok';
/** Body field that asks the upstream for the paced stream (forwarded as-is by a pass-through). */
export const PACED_FIELD = "bench_paced";
