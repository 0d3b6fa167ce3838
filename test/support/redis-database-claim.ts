/**
 * A Redis logical database of a suite's own, for suites that run gateways under the fixed
 * shared-state prefix `modelgate` (separate processes, deployed functions): sharing database 0,
 * or a fixed number, with other suites and with other test runs on the same Redis would leak
 * state between them (a login lockout, a rate-limit window) or delete it under a running suite.
 * Databases 1-15 are claimed with an expiring `SET NX` on one claim key, emptied on claim and on close.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { REDIS_URL } from "./services";

const CLAIM_KEY = "modelgate-test:redis-database:claim";
/** Longer than any suite holding a claim runs; a run that died frees its database after this. */
const CLAIM_MS = 15 * 60 * 1000;

/** A claimed database: its URL, and `close` to empty and free it. */
export interface ClaimedRedisDatabase {
  url: string;
  close(): Promise<void>;
}

/** Claims the first free database among 1-15. */
export async function claimRedisDatabase(purpose: string): Promise<ClaimedRedisDatabase> {
  const token = randomUUID();
  for (let database = 1; database <= 15; database += 1) {
    const url = `${REDIS_URL.replace(/\/\d*$/, "")}/${database}`;
    const client = new Redis(url, { maxRetriesPerRequest: 1 });
    try {
      if ((await client.set(CLAIM_KEY, token, "PX", CLAIM_MS, "NX")) !== "OK") continue;
      // Left over by a run that died: everything but our claim goes.
      const stale = (await client.keys("*")).filter((key) => key !== CLAIM_KEY);
      if (stale.length > 0) await client.del(...stale);
      return {
        url,
        close: async () => {
          const cleaner = new Redis(url, { maxRetriesPerRequest: 1 });
          try {
            await cleaner.flushdb();
          } finally {
            await cleaner.quit();
          }
        },
      };
    } finally {
      await client.quit();
    }
  }
  throw new Error(`no free Redis database among 1-15 for ${purpose}`);
}
