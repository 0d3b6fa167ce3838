/**
 * Reads and writes `t_sys_job_state`: per-job watermarks and the last run's outcome.
 */
import type { Kysely } from "kysely";
import type { SqlDialect } from "../../db/connection";
import type { Database, JobStateRow } from "../../db/schema";

/** Fields a job may update; absent fields keep their stored value. */
export interface JobStateUpdate {
  watermarkMs?: number | null;
  lastLogId?: number | null;
  priorLogId?: number | null;
  lastRunAt?: number;
  lastFinishedAt?: number;
  lastStatus?: "ok" | "failed";
  /** Stored as JSON. */
  lastSummary?: unknown;
}

/** The stored row of a job, or undefined before its first run. */
export async function readJobState(db: Kysely<Database>, jobName: string): Promise<JobStateRow | undefined> {
  return db.selectFrom("t_sys_job_state").selectAll().where("job_name", "=", jobName).executeTakeFirst();
}

/** Every stored job row. */
export async function readAllJobStates(db: Kysely<Database>): Promise<JobStateRow[]> {
  return db.selectFrom("t_sys_job_state").selectAll().orderBy("job_name").execute();
}

/** Inserts or updates a job's row (one upsert statement on either dialect). */
export async function writeJobState(db: Kysely<Database>, dialect: SqlDialect, jobName: string, update: JobStateUpdate, now: number): Promise<void> {
  const changes = {
    ...(update.watermarkMs !== undefined && { watermark_ms: update.watermarkMs }),
    ...(update.lastLogId !== undefined && { last_log_id: update.lastLogId }),
    ...(update.priorLogId !== undefined && { prior_log_id: update.priorLogId }),
    ...(update.lastRunAt !== undefined && { last_run_at: update.lastRunAt }),
    ...(update.lastFinishedAt !== undefined && { last_finished_at: update.lastFinishedAt }),
    ...(update.lastStatus !== undefined && { last_status: update.lastStatus }),
    ...(update.lastSummary !== undefined && { last_summary: JSON.stringify(update.lastSummary) }),
    updated_at: now,
  };
  const insert = db.insertInto("t_sys_job_state").values({ job_name: jobName, ...changes });
  if (dialect === "mysql") await insert.onDuplicateKeyUpdate(changes).execute();
  else await insert.onConflict((conflict) => conflict.column("job_name").doUpdateSet(changes)).execute();
}
