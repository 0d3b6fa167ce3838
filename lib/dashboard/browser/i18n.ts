/**
 * Two languages, English and Simplified Chinese: the first of the browser's languages that
 * matches, unless the user picked one (remembered in localStorage). Every string shown comes
 * from the dictionaries through {@link t}; dates and numbers are formatted for the locale.
 */
import { en, type MessageKey } from "./messages-en";
import { zhCN } from "./messages-zh";

/** The dashboard's languages, as BCP 47 tags. */
export const LOCALES = ["en", "zh-CN"] as const;
/** One of {@link LOCALES}. */
export type Locale = (typeof LOCALES)[number];

const DICTIONARIES: Record<Locale, Record<MessageKey, string>> = { en, "zh-CN": zhCN };
const LOCALE_KEY = "modelgate.locale";

/** Picks the locale for a list of browser languages (navigator.languages order). */
export function matchLocale(languages: readonly string[]): Locale {
  for (const language of languages) {
    const lower = language.toLowerCase();
    if (lower.startsWith("zh")) return "zh-CN";
    if (lower.startsWith("en")) return "en";
  }
  return "en";
}

function initialLocale(): Locale {
  try {
    const stored = localStorage.getItem(LOCALE_KEY);
    if (stored && (LOCALES as readonly string[]).includes(stored)) return stored as Locale;
  } catch {
    // Storage refused (private mode): fall back to the browser's languages.
  }
  return matchLocale(navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || "en"]);
}

// Chosen at first use, not at load, so the module also loads where there is no browser (tests).
let chosen: Locale | undefined;

/** The locale in use. */
export function locale(): Locale {
  chosen ??= initialLocale();
  return chosen;
}

/** Switches and remembers the locale; the caller re-renders. */
export function setLocale(next: Locale): void {
  chosen = next;
  try {
    localStorage.setItem(LOCALE_KEY, next);
  } catch {
    // Not remembered; still switched for this page.
  }
  applyDocumentLanguage();
}

/** Sets `<html lang>` so screen readers and fonts follow. */
export function applyDocumentLanguage(): void {
  document.documentElement.lang = locale();
}

/** Parameters of a message: `{name}` in the text is replaced by `params.name`. */
export type MessageParams = Record<string, string | number>;

/** The message for a key in the current locale, with `{placeholders}` filled. */
export function t(key: MessageKey, params?: MessageParams): string {
  const text = DICTIONARIES[locale()][key] ?? en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** True when a key exists (for codes sent by the server, e.g. `job.rollup`). */
export function hasMessage(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/** A message chosen by a server-sent code (`prefix.code`), or the fallback text as is. */
export function messageFor(prefix: string, code: string | null | undefined, fallback: string): string {
  const key = `${prefix}.${code ?? ""}`;
  return hasMessage(key) ? t(key) : fallback;
}

const DASH = "—";
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const cacheKey = `n:${locale()}:${JSON.stringify(options)}`;
  let formatter = formatters.get(cacheKey) as Intl.NumberFormat | undefined;
  if (!formatter) formatters.set(cacheKey, (formatter = new Intl.NumberFormat(locale(), options)));
  return formatter;
}

function dateFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const cacheKey = `d:${locale()}:${JSON.stringify(options)}`;
  let formatter = formatters.get(cacheKey) as Intl.DateTimeFormat | undefined;
  if (!formatter) formatters.set(cacheKey, (formatter = new Intl.DateTimeFormat(locale(), options)));
  return formatter;
}

const missing = (value: unknown) => value === null || value === undefined || value === "";

/** A date and time (epoch ms or ISO), to the second, in the locale's order. */
export function formatTime(value: unknown): string {
  if (missing(value)) return DASH;
  const date = new Date(typeof value === "number" ? value : String(value));
  if (Number.isNaN(date.getTime())) return String(value);
  return dateFormat({ year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).format(date);
}

/** A chart axis label: day and hour for hourly buckets, the day alone for daily ones. */
export function formatBucket(start: number, hourly: boolean): string {
  return dateFormat(hourly ? { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" } : { month: "2-digit", day: "2-digit" }).format(new Date(start));
}

/** An integer or decimal with the locale's grouping. */
export function formatNumber(value: unknown): string {
  if (missing(value) || Number.isNaN(Number(value))) return DASH;
  return numberFormat({ maximumFractionDigits: 6 }).format(Number(value));
}

/** US dollars: cents, or six decimals for fractions of a cent. */
export function formatCost(value: unknown): string {
  if (missing(value)) return DASH;
  const number = Number(value);
  const digits = number !== 0 && Math.abs(number) < 0.01 ? 6 : 2;
  return numberFormat({ style: "currency", currency: "USD", minimumFractionDigits: digits, maximumFractionDigits: digits }).format(number);
}

/** A price per million tokens, as entered (no rounding). */
export function formatPrice(value: unknown): string {
  if (missing(value)) return DASH;
  return numberFormat({ style: "currency", currency: "USD", minimumFractionDigits: 0, maximumFractionDigits: 6 }).format(Number(value));
}

/** A ratio 0..1 as a percentage with one decimal. */
export function formatPercent(value: unknown): string {
  if (missing(value) || Number.isNaN(Number(value))) return DASH;
  return numberFormat({ style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(Number(value));
}

/** Milliseconds, rounded. */
export function formatMs(value: unknown): string {
  if (missing(value) || Number.isNaN(Number(value))) return DASH;
  return t("unit.ms", { value: numberFormat({ maximumFractionDigits: 0 }).format(Math.round(Number(value))) });
}

/** A limit, or ∞ when there is none. */
export function formatLimit(value: unknown): string {
  return missing(value) ? "∞" : formatNumber(value);
}
