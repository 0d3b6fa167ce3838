/**
 * Period boundaries of a budget in its IANA time zone: a day starts at local midnight, a week on
 * local Monday midnight (ISO weeks), a month on the 1st; a `total` budget never resets. Computed
 * with `Intl` only: the local wall time of an instant, and the instant of a local midnight found by
 * correcting for the zone's offset twice (the second pass lands on the right side of a DST change).
 * Seconds-level offsets before 1970 are out of scope: periods are about now.
 */

/** How often a budget resets. */
export const BUDGET_PERIODS = ["day", "week", "month", "total"] as const;
/** One of {@link BUDGET_PERIODS}. */
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/** The period holding an instant. */
export interface PeriodBounds {
  /** Epoch ms of the period's first instant (0 for `total`). */
  start: number;
  /** Epoch ms of the next period's start; null for `total`. */
  end: number | null;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: building one costs far more than using it. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether `name` is a time zone this runtime knows (an IANA name such as `Europe/Berlin`, or `UTC`). */
export function isTimeZone(name: string): boolean {
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

/** The local wall time of `instant` in `timeZone`, as if it were UTC (epoch ms, whole seconds). */
function wallClock(timeZone: string, instant: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) if (part.type !== "literal") parts[part.type] = Number(part.value);
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

/**
 * The first instant at which the local wall time in `timeZone` reads `wall` (given as UTC epoch
 * ms) or later: where a DST change skips midnight (America/Santiago), the moment of the change.
 */
function instantOfWall(timeZone: string, wall: number): number {
  const first = wall - (wallClock(timeZone, wall) - wall);
  const instant = wall - (wallClock(timeZone, first) - first);
  const shortBy = wall - wallClock(timeZone, instant);
  return shortBy > 0 ? instant + shortBy : instant;
}

/** The bounds of the `period` that holds `now`, in `timeZone`. */
export function periodBounds(period: BudgetPeriod, timeZone: string, now: number): PeriodBounds {
  if (period === "total") return { start: 0, end: null };
  const local = new Date(wallClock(timeZone, now));
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth();
  let day = local.getUTCDate();
  let length = 1;
  if (period === "week") {
    // getUTCDay: 0 = Sunday; ISO weeks start on Monday.
    day -= (local.getUTCDay() + 6) % 7;
    length = 7;
  }
  if (period === "month") {
    return { start: instantOfWall(timeZone, Date.UTC(year, month, 1)), end: instantOfWall(timeZone, Date.UTC(year, month + 1, 1)) };
  }
  return { start: instantOfWall(timeZone, Date.UTC(year, month, day)), end: instantOfWall(timeZone, Date.UTC(year, month, day + length)) };
}
