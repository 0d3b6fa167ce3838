/**
 * Reads how long an upstream asks us to wait, from the headers providers actually send.
 *
 * Order: `retry-after-ms` (OpenAI), `retry-after` (seconds or an HTTP date; RFC 9110 §10.2.3),
 * then the reset times of the limits that are exhausted: Anthropic's
 * `anthropic-ratelimit-*-reset` (RFC 3339 timestamps,
 * https://docs.anthropic.com/en/api/rate-limits#response-headers) and OpenAI's
 * `x-ratelimit-reset-*` (durations like `6m0s`, https://platform.openai.com/docs/guides/rate-limits).
 */

/** Minimal header reader: a `Headers` instance or anything with the same `get`. */
export interface HeaderReader {
  get(name: string): string | null;
}

/** Anthropic limit families that carry `-remaining` and `-reset` headers. */
const anthropicLimitFamilies = ["requests", "tokens", "input-tokens", "output-tokens"];
/** OpenAI limit families that carry `x-ratelimit-remaining-*` and `x-ratelimit-reset-*`. */
const openAILimitFamilies = ["requests", "tokens"];

/** Upper bound for a parsed wait, so a bogus header cannot park a key for days. */
const maximumRetryAfterMs = 24 * 60 * 60 * 1000;

/** Options of {@link parseRetryAfterMs}. */
export interface RetryAfterOptions {
  /**
   * Current time, for HTTP-date and timestamp headers.
   * @default Date.now()
   */
  nowMs?: number;
  /**
   * The response was a rate limit: when no limit header says which limit is exhausted, wait for
   * the latest reset of all. Otherwise only exhausted limits count.
   * @default false
   */
  rateLimited?: boolean;
}

/**
 * Milliseconds to wait before retrying, or `undefined` when the headers do not say.
 *
 * @param headers response headers (absent for network errors)
 */
export function parseRetryAfterMs(
  headers: HeaderReader | undefined | null,
  { nowMs = Date.now(), rateLimited = false }: RetryAfterOptions = {},
): number | undefined {
  if (!headers) return undefined;
  const milliseconds = parseNumber(headers.get("retry-after-ms"));
  if (milliseconds !== undefined) return clamp(milliseconds);

  const retryAfter = headers.get("retry-after");
  if (retryAfter) {
    const seconds = parseNumber(retryAfter);
    if (seconds !== undefined) return clamp(seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return clamp(date - nowMs);
  }

  return anthropicResetMs(headers, nowMs, rateLimited) ?? openAIResetMs(headers, rateLimited);
}

/** Latest reset among exhausted Anthropic limits (all of them for a 429 when none says which). */
function anthropicResetMs(headers: HeaderReader, nowMs: number, rateLimited: boolean): number | undefined {
  return collectResets(anthropicLimitFamilies, rateLimited, (family) => ({
    remaining: headers.get(`anthropic-ratelimit-${family}-remaining`),
    reset: timestampWaitMs(headers.get(`anthropic-ratelimit-${family}-reset`), nowMs),
  }));
}

/** Latest reset among exhausted OpenAI limits (all of them for a 429 when none says which). */
function openAIResetMs(headers: HeaderReader, rateLimited: boolean): number | undefined {
  return collectResets(openAILimitFamilies, rateLimited, (family) => ({
    remaining: headers.get(`x-ratelimit-remaining-${family}`),
    reset: parseGoDurationMs(headers.get(`x-ratelimit-reset-${family}`)),
  }));
}

function collectResets(
  families: string[],
  rateLimited: boolean,
  read: (family: string) => { remaining: string | null; reset: number | undefined },
): number | undefined {
  const all: number[] = [];
  const exhausted: number[] = [];
  for (const family of families) {
    const { remaining, reset } = read(family);
    if (reset === undefined) continue;
    all.push(reset);
    if (remaining !== null && Number(remaining) <= 0) exhausted.push(reset);
  }
  const candidates = exhausted.length > 0 || !rateLimited ? exhausted : all;
  return candidates.length > 0 ? clamp(Math.max(...candidates)) : undefined;
}

function timestampWaitMs(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time - nowMs;
}

const goDurationUnitsMs: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };

/**
 * Parses Go-style durations (`1s`, `6m0s`, `12ms`, `1h2m3.5s`) into milliseconds.
 *
 * @returns `undefined` when the value is absent or not a duration
 */
export function parseGoDurationMs(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (!/^(\d+(\.\d+)?(h|ms|m|s|us|µs|ns))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, , unit] of trimmed.matchAll(/(\d+(\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) {
    total += Number(amount) * goDurationUnitsMs[unit];
  }
  return total;
}

function parseNumber(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value.trim() === "") return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

function clamp(milliseconds: number): number {
  return Math.round(Math.min(Math.max(milliseconds, 0), maximumRetryAfterMs));
}
