/**
 * What a client spent in a period according to the database: the truth a budget counter starts
 * from when the shared store does not have it (first request of a period, a flushed Redis).
 *
 * Log rows are kept `logRetentionDays`; older spend is read from the hourly per-client rollup
 * (`t_client_usage_stats`), which outlives the logs. The log rows cover the period from the
 * later of its start and a day inside the retention horizon (or from the rollup's watermark, when
 * the rollup has not got that far); the rollup covers the whole hours before that. A period start
 * that is not on an hour (a zone such as Asia/Kathmandu) is only met by the rollup for periods
 * older than the retention, where the hour holding it counts in full.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { ROLLUP_JOB } from "../jobs/hourly-rollup";
import { DAY_MS, hourStart } from "../jobs/job-context";
import { readJobState } from "../jobs/job-state";
import { toUnits, type BudgetKind } from "./client-budgets";

/** What {@link durableSpend} reads. */
export interface DurableSpendQuery {
  clientId: number;
  kind: BudgetKind;
  /** Epoch ms of the period's start. */
  since: number;
  /** Epoch ms; rows at or after it are not counted. */
  until: number;
  logRetentionDays: number;
}

/** The spend in counter units (nano-USD or tokens). */
export async function durableSpend(db: Kysely<Database>, { clientId, kind, since, until, logRetentionDays }: DurableSpendQuery): Promise<number> {
  const retainedFrom = hourStart(until - (logRetentionDays - 1) * DAY_MS);
  const rolledUpUntil = since < retainedFrom ? Number((await readJobState(db, ROLLUP_JOB))?.watermark_ms ?? 0) : retainedFrom;
  const logsFrom = Math.max(since, Math.min(retainedFrom, rolledUpUntil));
  const column = kind === "cost" ? "cost" : "total_tokens";
  const fromLogs = db
    .selectFrom("t_ai_api_logs")
    .select((eb) => eb.fn.sum<number | string | null>(column).as("spent"))
    .where("client_id", "=", clientId)
    .where("created_at", ">=", logsFrom)
    .where("created_at", "<", until)
    .executeTakeFirst();
  const fromRollup =
    since < logsFrom
      ? db
          .selectFrom("t_client_usage_stats")
          .select((eb) => eb.fn.sum<number | string | null>(column).as("spent"))
          .where("client_id", "=", clientId)
          .where("hour_start", ">=", hourStart(since))
          .where("hour_start", "<", logsFrom)
          .executeTakeFirst()
      : Promise.resolve({ spent: 0 });
  const [logs, rollup] = await Promise.all([fromLogs, fromRollup]);
  return toUnits(kind, Number(logs?.spent ?? 0) + Number(rollup?.spent ?? 0));
}
