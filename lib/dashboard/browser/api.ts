/**
 * The admin API client: bearer token from sessionStorage, the `{code, data}` envelope, and
 * errors turned into localized text (by status, by the limit a 429 names, by known messages).
 */
import { formatTime, locale, t } from "./i18n";
import type { MessageKey } from "./messages-en";

const TOKEN_KEY = "modelgate.token";
const SESSION_KEY = "modelgate.session";
// Relative to the page (…/admin/), so a REST API stage prefix such as /prod is kept.
export const API_BASE = "../api/";

/** Who is signed in, as stored beside the token. */
export interface Session {
  username: string;
  role: string;
  expiresAt: number;
}

/** What a 429 from an admin limit says about itself. */
export interface LimitInfo {
  limit?: string;
  retryAfterSeconds?: number;
  resetAt?: string;
}

/** A failed API call. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: Array<{ field: string; message: string }> = [],
    readonly limit: LimitInfo | null = null,
    /** The session is gone (the login form is showing): nothing more to report. */
    readonly sessionEnded = false,
  ) {
    super(message);
  }
}

/** The stored session, or null when there is none or it expired. */
export function session(): Session | null {
  try {
    const stored = JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null") as Session | null;
    if (!stored || !sessionStorage.getItem(TOKEN_KEY)) return null;
    if (stored.expiresAt && stored.expiresAt <= Date.now()) return null;
    return stored;
  } catch {
    return null;
  }
}

/** Keeps a login (or password change) answer. */
export function signIn(data: { token: string; username?: string; role?: string; expiresIn?: number }): void {
  sessionStorage.setItem(TOKEN_KEY, data.token);
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({ username: data.username || "admin", role: data.role || "admin", expiresAt: Date.now() + (Number(data.expiresIn) || 3600) * 1000 }));
}

/** Forgets the session here. */
export function forgetSession(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(SESSION_KEY);
}

let onSessionEnded: () => void = () => undefined;
/** What to do when the API answers 401 (the shell shows the login form). */
export function whenSessionEnds(handler: () => void): void {
  onSessionEnded = handler;
}

/** A query string from the non-empty values. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === "") continue;
    search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

function authHeaders(): Record<string, string> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** Sends a request with the session's token; non-2xx answers become {@link ApiError}. */
async function send(method: string, path: string, body: unknown, accept: string): Promise<Response> {
  const headers: Record<string, string> = { accept, "accept-language": locale(), ...authHeaders() };
  if (body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(API_BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store", credentials: "omit" });
  } catch (error) {
    throw new ApiError(0, error instanceof Error ? error.message : "");
  }
  if (response.ok) return response;
  let payload: { message?: string; errors?: Array<{ field: string; message: string }>; data?: LimitInfo } | null = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  // A wrong password at login or at a password change is an answer, not the end of the session.
  const sessionEnded = response.status === 401 && path !== "auth/login" && path !== "auth/password";
  if (sessionEnded) {
    forgetSession();
    onSessionEnded();
  }
  const limit = response.status === 429 ? { ...(payload?.data ?? {}), retryAfterSeconds: payload?.data?.retryAfterSeconds ?? (Number(response.headers.get("retry-after")) || undefined) } : null;
  throw new ApiError(response.status, payload?.message ?? "", payload?.errors ?? [], limit, sessionEnded);
}

/** Calls the admin API and returns the envelope's `data`. */
export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body, "application/json");
  const payload = (await response.json().catch(() => null)) as { data?: T } | null;
  return (payload ? payload.data : null) as T;
}

/** Downloads a file from the API (CSV exports) and returns it with its name and whether the server capped it. */
export async function download(path: string): Promise<{ filename: string; blob: Blob; rows: number | null; truncated: boolean }> {
  const response = await send("GET", path, undefined, "text/csv");
  const blob = await response.blob();
  const disposition = response.headers.get("content-disposition") ?? "";
  const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? path.split("?")[0].split("/").pop() ?? "export.csv";
  const rows = response.headers.get("x-export-rows");
  return { filename, blob, rows: rows === null ? null : Number(rows), truncated: response.headers.get("x-export-truncated") === "true" };
}

/** Lists come as an array, or as a page `{ items, nextCursor }`. */
export function listOf<T>(data: unknown): T[] {
  if (Array.isArray(data)) return data as T[];
  const items = (data as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? (items as T[]) : [];
}

/** Server messages with a fixed text, shown in the user's language. */
const KNOWN_MESSAGES: Record<string, MessageKey> = {
  "Invalid username or password": "api.invalidLogin",
  "Current password is wrong": "api.wrongPassword",
  "Too many failed logins; try again later": "api.tooManyLogins",
  "Too many wrong passwords; try again later": "api.tooManyPasswords",
  "Invalid or expired token": "api.sessionEnded",
};

const STATUS_MESSAGES: Record<number, MessageKey> = {
  0: "api.network",
  400: "api.badRequest",
  401: "api.unauthorized",
  403: "api.forbidden",
  404: "api.notFound",
  409: "api.conflict",
  413: "api.tooLarge",
  429: "api.rateLimited",
  500: "api.serverError",
  502: "api.upstream",
  503: "api.unavailable",
  504: "api.timeout",
};

/** When a limit lifts, in words. */
export function limitText(limit: LimitInfo): string {
  const seconds = limit.retryAfterSeconds ?? (limit.resetAt ? Math.max(1, Math.ceil((Date.parse(limit.resetAt) - Date.now()) / 1000)) : undefined);
  const at = limit.resetAt ? formatTime(limit.resetAt) : seconds !== undefined ? formatTime(Date.now() + seconds * 1000) : "";
  // The failed-login lockout is no setting one could raise: say what it is.
  if (limit.limit === "login_lockout" && at) return t("api.loginLockout", { time: at, seconds: seconds ?? "?" });
  if (limit.limit && at) return t("api.limitNamed", { setting: limit.limit, time: at, seconds: seconds ?? "?" });
  if (at) return t("api.limitUnnamed", { time: at, seconds: seconds ?? "?" });
  return t("api.rateLimited");
}

/** Localized text for anything a call threw. */
export function errorText(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error && error.message ? error.message : t("api.unknown");
  if (error.status === 429 && error.limit) return limitText(error.limit);
  const known = KNOWN_MESSAGES[error.message];
  let text: string;
  if (known) text = t(known);
  else {
    const generic = t(STATUS_MESSAGES[error.status] ?? (error.status >= 500 ? "api.serverError" : "api.failed"), { status: error.status });
    // The server's own words carry the detail (which field, which id); English, but specific.
    text = error.message && locale() !== "en" ? `${generic} (${error.message})` : error.message || generic;
  }
  if (error.errors.length) text += ` — ${error.errors.map((item) => `${item.field}: ${item.message}`).join("; ")}`;
  return text;
}
