/**
 * Period boundaries in a budget's time zone, DST changes included.
 */
import { describe, expect, it } from "vitest";
import { isTimeZone, periodBounds, type BudgetPeriod } from "../../lib/budgets/budget-periods";

const bounds = (period: BudgetPeriod, timeZone: string, now: number) => {
  const { start, end } = periodBounds(period, timeZone, now);
  return [new Date(start).toISOString(), end === null ? null : new Date(end).toISOString()];
};
const THURSDAY_NOON = Date.UTC(2026, 10, 26, 12);

describe("budget periods", () => {
  it("day, ISO week (Monday) and month in UTC", () => {
    expect(bounds("day", "UTC", THURSDAY_NOON)).toEqual(["2026-11-26T00:00:00.000Z", "2026-11-27T00:00:00.000Z"]);
    expect(bounds("week", "UTC", THURSDAY_NOON)).toEqual(["2026-11-23T00:00:00.000Z", "2026-11-30T00:00:00.000Z"]);
    expect(bounds("month", "UTC", THURSDAY_NOON)).toEqual(["2026-11-01T00:00:00.000Z", "2026-12-01T00:00:00.000Z"]);
    expect(bounds("total", "UTC", THURSDAY_NOON)).toEqual(["1970-01-01T00:00:00.000Z", null]);
  });

  it("local midnights in other zones, fractional offsets included", () => {
    expect(bounds("day", "Asia/Shanghai", THURSDAY_NOON)).toEqual(["2026-11-25T16:00:00.000Z", "2026-11-26T16:00:00.000Z"]);
    expect(bounds("day", "Asia/Kathmandu", THURSDAY_NOON)).toEqual(["2026-11-25T18:15:00.000Z", "2026-11-26T18:15:00.000Z"]);
    // A month that starts in summer time and ends in winter time.
    expect(bounds("month", "America/New_York", THURSDAY_NOON)).toEqual(["2026-11-01T04:00:00.000Z", "2026-12-01T05:00:00.000Z"]);
    // Just before local midnight it is still the previous day there.
    expect(bounds("day", "Asia/Shanghai", Date.UTC(2026, 10, 26, 15, 59, 59))[0]).toBe("2026-11-25T16:00:00.000Z");
  });

  it("a day shortened by DST is 23 hours; a skipped midnight starts the day at the change", () => {
    expect(bounds("day", "Europe/Berlin", Date.UTC(2026, 2, 29, 12))).toEqual(["2026-03-28T23:00:00.000Z", "2026-03-29T22:00:00.000Z"]);
    // Chile moves from 00:00 to 01:00 on 2026-09-06: that day starts at 04:00Z.
    expect(bounds("day", "America/Santiago", Date.UTC(2026, 8, 6, 12))).toEqual(["2026-09-06T04:00:00.000Z", "2026-09-07T03:00:00.000Z"]);
    const lateOnTheFifth = Date.UTC(2026, 8, 6, 3, 30);
    const { start, end } = periodBounds("day", "America/Santiago", lateOnTheFifth);
    expect(start).toBeLessThanOrEqual(lateOnTheFifth);
    expect(end).toBeGreaterThan(lateOnTheFifth);
  });

  it("knows IANA names and refuses others", () => {
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
  });
});
