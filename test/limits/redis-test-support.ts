/**
 * Redis helpers for the limit suites: availability (through test/support/services.ts: skip with
 * a notice locally, fail under CI=true), per-run key prefixes and cleanup.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { isCi, REDIS_URL, redisAvailable, skipNotice } from "../support/services";

/** The Redis every Redis-backed limit suite uses. */
export const redisUrl = REDIS_URL;

/**
 * Whether a Redis-backed suite can run: prints a notice and answers false when Redis is down,
 * except under CI=true, where a missing Redis is an error.
 */
export async function redisAvailableFor(suite: string): Promise<boolean> {
  if (await redisAvailable) return true;
  if (isCi) throw new Error(`${suite}: Redis at ${redisUrl} is required when CI=true`);
  skipNotice(suite, `Redis (${redisUrl})`);
  return false;
}

/** A key prefix no other test file or run shares. */
export function uniquePrefix(label: string): string {
  return `modelgate-test:${label}:${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under `prefix` (and returns how many there were). */
export async function deleteKeysUnder(prefix: string, url = redisUrl): Promise<number> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const keys = await listKeysUnder(prefix, client);
    if (keys.length > 0) await client.del(...keys);
    return keys.length;
  } finally {
    await client.quit();
  }
}

/** Every key under `prefix`, via SCAN (never KEYS). */
export async function listKeysUnder(prefix: string, client: Redis): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await client.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== "0");
  return keys;
}
