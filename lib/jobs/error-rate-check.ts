/**
 * Error-rate check (every 5 minutes): the success rate of the last window, overall and per
 * provider. A scope with at least `settings.alerts.minRequests` requests and a success rate below
 * `settings.alerts.successRateThreshold` fires (once per alert window); a scope with traffic and
 * a rate at or above the threshold resolves an open incident. A scope with too little traffic to
 * judge keeps its state: no alert, and no premature "recovered".
 *
 * Only provider outcomes count (served and failed, lib/stats/log-outcome.ts): a client refused
 * before routing (its own RPM, a forbidden or unknown model, bad input) or by its budget says
 * nothing about providers, so it never fires "all providers". With `settings.alerts.onRejections`
 * (`ALERT_ON_REJECTIONS`), a `rejections` scope fires when the share of all requests refused
 * before routing rises above 1 − threshold.
 */
import { sql } from "kysely";
import { AlertNotifier, type AlertNotifierOptions } from "../alerts/alert-notifier";
import { OUTCOME_SQL } from "../stats/log-outcome";
import type { JobContext } from "./job-context";

/** The job's name. */
export const ERROR_RATE_JOB = "error-rate";

/** Options of {@link runErrorRateCheck}. */
export interface ErrorRateOptions {
  /** Look-back window. @default 300_000 (5 minutes) */
  windowMs?: number;
  /** Alert de-duplication and delivery settings. */
  notifier?: AlertNotifierOptions;
}

/** One scope's verdict. */
export interface ErrorRateScope {
  /** `overall`, the provider code, or `rejections` (with `ALERT_ON_REJECTIONS`). */
  scope: string;
  providerId: number | null;
  requests: number;
  successes: number;
  /** 0..1, null without requests. */
  successRate: number | null;
  verdict: "failing" | "healthy" | "insufficient";
  /** What the notifier did. */
  action: "sent" | "suppressed" | "resolved" | "none";
}

/** What an error-rate run found. */
export interface ErrorRateSummary {
  job: typeof ERROR_RATE_JOB;
  windowStart: string;
  threshold: number;
  minRequests: number;
  scopes: ErrorRateScope[];
}

/** Checks success rates and sends alerts or recoveries. */
export async function runErrorRateCheck(context: JobContext, options: ErrorRateOptions = {}): Promise<ErrorRateSummary> {
  const { windowMs = 300_000 } = options;
  const { db, clock, settings } = context;
  const { successRateThreshold: threshold, minRequests } = settings.alerts;
  const now = clock.now();
  const since = now - windowMs;
  const notifier = new AlertNotifier(context, options.notifier);
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  const minutes = Math.round(windowMs / 60_000);

  const [counts, providers] = await Promise.all([
    db
      .selectFrom("t_ai_api_logs")
      .select((eb) => ["provider_id", OUTCOME_SQL.as("outcome_value"), "error_code", eb.fn.countAll<number>().as("count")])
      .where("created_at", ">=", since)
      .where("created_at", "<=", now)
      .groupBy(["provider_id", sql`outcome_value`, "error_code"])
      .execute(),
    db.selectFrom("t_ai_providers").select(["id", "code", "name"]).orderBy("id").execute(),
  ]);

  interface Scope {
    scope: string;
    label: string;
    providerId: number | null;
    requests: number;
    successes: number;
    errors: Map<string, number>;
    /** Which rows count: provider outcomes, or every request for the rejections scope. */
    counts: (providerId: number | null, outcome: string) => "success" | "failure" | null;
  }
  const providerOutcome = (outcome: string) => (outcome === "served" ? "success" : outcome === "failed" ? "failure" : null);
  const scopes: Scope[] = [{ scope: "overall", label: "all providers", providerId: null, requests: 0, successes: 0, errors: new Map(), counts: (_, outcome) => providerOutcome(outcome) }];
  for (const provider of providers) {
    scopes.push({
      scope: provider.code,
      label: provider.name,
      providerId: provider.id,
      requests: 0,
      successes: 0,
      errors: new Map(),
      counts: (providerId, outcome) => (providerId === provider.id ? providerOutcome(outcome) : null),
    });
  }
  if (settings.alerts.onRejections) {
    scopes.push({
      scope: "rejections",
      label: "requests refused before routing",
      providerId: null,
      requests: 0,
      successes: 0,
      errors: new Map(),
      counts: (_, outcome) => (outcome === "rejected" ? "failure" : "success"),
    });
  }
  for (const scope of scopes) {
    for (const row of counts) {
      const counted = scope.counts(row.provider_id, row.outcome_value);
      const count = Number(row.count);
      if (counted === null) continue;
      scope.requests += count;
      if (counted === "success") scope.successes += count;
      else scope.errors.set(row.error_code ?? "unknown", (scope.errors.get(row.error_code ?? "unknown") ?? 0) + count);
    }
  }

  const results: ErrorRateScope[] = [];
  for (const scope of scopes) {
    const successRate = scope.requests > 0 ? scope.successes / scope.requests : null;
    const verdict =
      successRate === null
        ? "insufficient"
        : successRate < threshold
          ? scope.requests >= minRequests
            ? "failing"
            : "insufficient"
          : "healthy";
    const incidentKey = `error_rate:${scope.scope}`;
    let action: ErrorRateScope["action"] = "none";
    if (verdict === "failing") {
      const topErrors = [...scope.errors.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
      action = await notifier.fire({
        kind: "error_rate",
        incidentKey,
        title: scope.scope === "rejections" ? `${percent(1 - successRate!)} of requests refused before routing` : `Success rate ${percent(successRate!)} for ${scope.label}`,
        lines: [
          scope.scope === "rejections"
            ? `${scope.requests - scope.successes} of ${scope.requests} requests were refused before routing (client limits, forbidden or unknown models, bad input) over the last ${minutes} minutes; alert above ${percent(1 - threshold)}.`
            : `Success rate ${percent(successRate!)} (${scope.successes}/${scope.requests}) over the last ${minutes} minutes for ${scope.label}; threshold ${percent(threshold)}.`,
          ...(topErrors.length ? [`Top errors: ${topErrors.map(([code, count]) => `${code} ×${count}`).join(", ")}`] : []),
        ],
        details: { scope: scope.scope, providerId: scope.providerId, requests: scope.requests, successes: scope.successes, successRate, threshold, topErrors: Object.fromEntries(topErrors) },
      });
    } else if (verdict === "healthy") {
      const outcome = await notifier.resolve({
        kind: "error_rate",
        incidentKey,
        title: `Success rate recovered for ${scope.label}`,
        lines: [`Success rate back to ${percent(successRate!)} (${scope.successes}/${scope.requests}) over the last ${minutes} minutes for ${scope.label}; threshold ${percent(threshold)}.`],
        details: { scope: scope.scope, providerId: scope.providerId, requests: scope.requests, successes: scope.successes, successRate, threshold },
      });
      if (outcome === "resolved") action = "resolved";
    }
    results.push({ scope: scope.scope, providerId: scope.providerId, requests: scope.requests, successes: scope.successes, successRate, verdict, action });
  }
  return { job: ERROR_RATE_JOB, windowStart: new Date(since).toISOString(), threshold, minRequests, scopes: results };
}
