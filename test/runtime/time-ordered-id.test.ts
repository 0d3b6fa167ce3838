import { describe, expect, it } from "vitest";
import { timeOrderedId } from "../../lib/runtime/time-ordered-id";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The millisecond timestamp of a UUIDv7: its first 48 bits. */
const timeOf = (id: string) => Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16);

describe("timeOrderedId", () => {
  it("is a UUID version 7 that carries its creation time", () => {
    const now = Date.UTC(2026, 11, 1, 12, 0, 0);
    const id = timeOrderedId(now);
    expect(id).toMatch(UUID_V7);
    expect(timeOf(id)).toBe(now);
  });

  it("sorts in creation order, within one millisecond and past its counter's end", () => {
    const now = Date.UTC(2026, 11, 1, 12, 0, 1);
    // More ids in one millisecond than the 12-bit counter holds, then the next millisecond.
    const ids = [...Array.from({ length: 5000 }, () => timeOrderedId(now)), timeOrderedId(now + 10)];
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });

  it("keeps increasing when the clock steps back", () => {
    const first = timeOrderedId(Date.UTC(2026, 11, 1, 12, 0, 5));
    const second = timeOrderedId(Date.UTC(2026, 11, 1, 12, 0, 4));
    expect(second > first).toBe(true);
  });
});
