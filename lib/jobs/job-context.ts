/**
 * What every scheduled job receives. Jobs never read the environment or the wall clock: the
 * front door (local server, Lambda entry, `npm run job`, admin endpoint, test) builds this.
 */
import type { Kysely } from "kysely";
import type { SqlDialect } from "../../db/connection";
import type { Database } from "../../db/schema";
import type { Settings } from "../config/settings";
import type { AppDeps, Clock } from "../deps";
import type { LimitStore } from "../limits/limit-store";
import type { Logger } from "../logging/logger";

/** Waits for a number of milliseconds; injected so tests of retries and pauses do not wait. */
export type Sleep = (milliseconds: number) => Promise<void>;

/** Dependencies of a job. */
export interface JobContext {
  db: Kysely<Database>;
  dialect: SqlDialect;
  limits: LimitStore;
  clock: Clock;
  logger: Logger;
  /** Used for alert webhooks. */
  fetch: typeof fetch;
  settings: Readonly<Settings>;
  sleep: Sleep;
  /** Aborts when the run is abandoned (its time is up); long jobs stop between batches. */
  signal?: AbortSignal;
}

/** The real sleep. */
export const realSleep: Sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Takes what jobs need from the app's dependencies. */
export function jobContextFrom(deps: AppDeps, overrides: Partial<JobContext> = {}): JobContext {
  return {
    db: deps.database.db,
    dialect: deps.database.dialect,
    limits: deps.limits,
    clock: deps.clock,
    logger: deps.logger,
    fetch: deps.fetch,
    settings: deps.settings,
    sleep: realSleep,
    ...overrides,
  };
}

/** One hour in milliseconds. */
export const HOUR_MS = 3_600_000;
/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

/** Start of the hour holding `time` (UTC, epoch ms). */
export function hourStart(time: number): number {
  return time - (((time % HOUR_MS) + HOUR_MS) % HOUR_MS);
}
