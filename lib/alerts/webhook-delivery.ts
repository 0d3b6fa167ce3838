/**
 * POSTs one alert body to one webhook, retrying with exponential backoff. Never throws: the
 * outcome (and a reason that never contains the URL, whose path or query holds the vendor's
 * access token) is returned for the history and the log.
 */
import type { Sleep } from "../jobs/job-context";
import type { AlertFormat } from "./alert-formats";

/** Options of {@link deliverWebhook}. */
export interface DeliveryOptions {
  fetch: typeof fetch;
  sleep: Sleep;
  /** Tries in total, the first included. @default 3 */
  attempts?: number;
  /** Wait before the second try; doubled before each later one. @default 1000 */
  backoffMs?: number;
  /** Per-try time limit. @default 5000 */
  timeoutMs?: number;
}

/** Outcome of a delivery. */
export type DeliveryResult = { ok: true; attempts: number } | { ok: false; attempts: number; error: string };

/**
 * Sends `body` to `url`. A 2xx answer counts as delivered unless the vendor reports an error in
 * the body (DingTalk and WeCom `errcode`, Feishu `code`/`StatusCode` non-zero, all with HTTP 200).
 * 4xx answers other than 408 and 429 are not retried: the request itself is wrong.
 */
export async function deliverWebhook(url: string, format: AlertFormat, body: unknown, options: DeliveryOptions): Promise<DeliveryResult> {
  const { attempts = 3, backoffMs = 1000, timeoutMs = 5000 } = options;
  let error = "not attempted";
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    if (attempt > 1) await options.sleep(backoffMs * 2 ** (attempt - 2));
    let retryable = true;
    try {
      const response = await options.fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "error",
      });
      const text = await response.text();
      if (response.ok) {
        const vendorError = vendorErrorOf(format, text);
        if (!vendorError) return { ok: true, attempts: attempt };
        error = vendorError;
      } else {
        error = `HTTP ${response.status}`;
        retryable = response.status >= 500 || response.status === 408 || response.status === 429;
      }
    } catch (caught) {
      error = describeFailure(caught);
    }
    if (!retryable || attempt === attempts) return { ok: false, attempts: attempt, error };
  }
  return { ok: false, attempts, error };
}

/** The error a chat tool reports inside a 200 answer, or null. */
function vendorErrorOf(format: AlertFormat, text: string): string | null {
  if (format === "generic" || format === "slack") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  // `null` is valid JSON too, and reading a field of it would throw.
  if (typeof parsed !== "object" || parsed === null) return null;
  const fields = parsed as Record<string, unknown>;
  const code = fields.errcode ?? fields.code ?? fields.StatusCode;
  if (code === undefined || code === 0 || code === "0") return null;
  const reason = fields.errmsg ?? fields.msg ?? fields.StatusMessage ?? "";
  return `vendor error ${String(code)}: ${String(reason).slice(0, 200)}`;
}

// fetch errors wrap the socket error in `cause`; its code (ECONNREFUSED, …) is the useful part.
function describeFailure(caught: unknown): string {
  if (caught instanceof Error) {
    if (caught.name === "TimeoutError" || caught.name === "AbortError") return "timed out";
    const cause = (caught as { cause?: { code?: string } }).cause;
    return cause?.code ? `network error ${cause.code}` : `network error: ${caught.name}`;
  }
  return "network error";
}
