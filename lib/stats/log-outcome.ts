/**
 * What a request's log row counts as, decided once when the row is written (`t_ai_api_logs.outcome`):
 * - `served`: the client got an answer (`success`, or `partial` when it went away mid-answer);
 * - `failed`: routing began and the gateway or the provider could not answer (upstream errors,
 *   every key busy or invalid, no key configured, timeouts, a stream that broke), or the gateway
 *   itself failed (a 5xx) before routing;
 * - `rejected`: refused before routing for the client's own reasons (client RPM, a model the key
 *   may not use or that does not exist, bad input, a body too large);
 * - `budget`: refused by a client budget or token quota.
 * Success rates are served / (served + failed): rejections say nothing about providers.
 */
import { sql, type RawBuilder } from "kysely";
import type { LogStatus } from "../../db/schema";

/** The outcomes a log row can have. */
export const LOG_OUTCOMES = ["served", "failed", "rejected", "budget"] as const;
/** One of {@link LOG_OUTCOMES}. */
export type LogOutcome = (typeof LOG_OUTCOMES)[number];

/** Error codes of budget and quota refusals. */
const BUDGET_ERROR_CODES: readonly string[] = ["budget_exceeded", "token_quota_exceeded"];

/** What the classifier reads about a finished request. */
export interface OutcomeFacts {
  status: LogStatus;
  httpStatus: number;
  errorCode?: string | null;
  /** The router took the request (even if it then found no usable key). */
  routed: boolean;
  /** The request was refused as malformed (a `ValidationError`), wherever that was noticed. */
  invalidInput?: boolean;
}

/** The one classifier of log rows; see the file comment. */
export function logOutcome(facts: OutcomeFacts): LogOutcome {
  if (facts.status !== "error") return "served";
  if (facts.errorCode && BUDGET_ERROR_CODES.includes(facts.errorCode)) return "budget";
  const clientSide = facts.httpStatus >= 400 && facts.httpStatus < 500;
  if (clientSide && (!facts.routed || facts.invalidInput)) return "rejected";
  return "failed";
}

/**
 * The outcome of a row written without one (by a version before the column existed, or a
 * replayed line from one): the same rule read from what such a row stored. No attempt and a 4xx
 * means refused before routing, except a 429 with a provider, which is "every key busy".
 */
export function storedRowOutcome(row: { status: LogStatus; http_status: number; error_code: string | null; attempts: number; provider_id: number | null }): LogOutcome {
  const routed = row.attempts > 0 || (row.http_status === 429 && row.provider_id !== null);
  return logOutcome({ status: row.status, httpStatus: row.http_status, errorCode: row.error_code, routed });
}

/** {@link storedRowOutcome} in SQL, for rows whose `outcome` is null (portable across dialects). */
const STORED_ROW_OUTCOME_SQL: RawBuilder<LogOutcome> = sql<LogOutcome>`CASE
  WHEN status <> 'error' THEN 'served'
  WHEN error_code IN (${sql.join(BUDGET_ERROR_CODES)}) THEN 'budget'
  WHEN http_status >= 400 AND http_status < 500 AND attempts = 0 AND NOT (http_status = 429 AND provider_id IS NOT NULL) THEN 'rejected'
  ELSE 'failed' END`;

/** A row's outcome in SQL: the stored column, or the rule for rows written without it. */
export const OUTCOME_SQL: RawBuilder<LogOutcome> = sql<LogOutcome>`COALESCE(outcome, ${STORED_ROW_OUTCOME_SQL})`;
