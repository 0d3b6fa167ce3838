/**
 * Daily log purge: deletes `t_ai_api_logs` rows older than `settings.logRetentionDays`, a bounded
 * batch per statement so no statement holds a long lock or builds a huge undo log (one unbatched
 * `DELETE … WHERE created_at < ?` over millions of rows stalls every writer of the table).
 * `t_ai_usage_stats` is left alone: the hourly figures outlive the raw logs. Alert history older
 * than the same retention goes too, and so do the Responses door's stored responses.
 *
 * Each batch first finds the id bound of the next `batchSize` old rows, then deletes the primary-
 * key range up to it. Portable: SQLite has no `DELETE … ORDER BY … LIMIT` in default builds.
 */
import { purgeStoredResponses } from "../doors/responses/response-store";
import { DAY_MS, type JobContext } from "./job-context";

/** The job's name. */
export const PURGE_JOB = "purge";

/** Options of {@link runLogPurge}. */
export interface PurgeOptions {
  /** Rows per DELETE statement. @default 5000 */
  batchSize?: number;
  /** Pause between batches so other writers get the table. @default 0 */
  pauseMs?: number;
  /** Batches per run; the rest waits for the next run (bounds a Lambda's running time). @default 2000 */
  maxBatches?: number;
  /** Overrides `settings.logRetentionDays`. */
  retentionDays?: number;
}

/** What a purge run did. */
export interface PurgeSummary {
  job: typeof PURGE_JOB;
  /** Rows older than this instant (ISO) were deleted. */
  cutoff: string;
  deleted: number;
  batches: number;
  /** False when `maxBatches` stopped the run with old rows left. */
  complete: boolean;
  /** Alert history rows past the same retention. */
  alertsDeleted: number;
  /** Stored responses (of the Responses door) past the same retention. */
  responsesDeleted: number;
}

/** Deletes old logs in batches and returns how many went. */
export async function runLogPurge(context: JobContext, options: PurgeOptions = {}): Promise<PurgeSummary> {
  const { batchSize = 5000, pauseMs = 0, maxBatches = 2000 } = options;
  const retentionDays = options.retentionDays ?? context.settings.logRetentionDays;
  if (!(batchSize > 0) || !(retentionDays > 0)) throw new RangeError("batchSize and retentionDays must be positive");
  const { db, clock } = context;
  const cutoff = clock.now() - retentionDays * DAY_MS;

  let deleted = 0;
  let batches = 0;
  let lowerId = 0;
  let complete = false;
  // An abandoned run (its time is up) stops between batches; the next run carries on.
  while (batches < maxBatches && !context.signal?.aborted) {
    const bound = await db
      .selectFrom((eb) =>
        eb
          .selectFrom("t_ai_api_logs")
          .select("id")
          .where("id", ">", lowerId)
          .where("created_at", "<", cutoff)
          .orderBy("id")
          .limit(batchSize)
          .as("batch"),
      )
      .select((eb) => eb.fn.max("batch.id").as("upperId"))
      .executeTakeFirst();
    if (bound?.upperId == null) {
      complete = true;
      break;
    }
    const upperId = Number(bound.upperId);
    const result = await db
      .deleteFrom("t_ai_api_logs")
      .where("id", ">", lowerId)
      .where("id", "<=", upperId)
      // Rows written late into this id range are newer than the cutoff and stay.
      .where("created_at", "<", cutoff)
      .executeTakeFirst();
    deleted += Number(result.numDeletedRows);
    batches += 1;
    lowerId = upperId;
    if (pauseMs > 0) await context.sleep(pauseMs);
  }
  // Alert history follows the same retention. It grows by a few rows an hour at most (one per
  // incident and window), so one statement stays small.
  const alerts = await db.deleteFrom("t_alert_history").where("created_at", "<", cutoff).executeTakeFirst();
  const alertsDeleted = Number(alerts.numDeletedRows);
  const responsesDeleted = await purgeStoredResponses(db, cutoff);
  if (deleted > 0 || alertsDeleted > 0 || responsesDeleted > 0) {
    context.logger.info("old logs purged", { deleted, batches, alertsDeleted, responsesDeleted, cutoff: new Date(cutoff).toISOString() });
  }
  return { job: PURGE_JOB, cutoff: new Date(cutoff).toISOString(), deleted, batches, complete, alertsDeleted, responsesDeleted };
}
