/**
 * Re-encrypts stored provider API keys under a new master key version.
 *
 * Walks `t_ai_api_keys` by id in bounded batches, so memory stays flat and a PlanetScale
 * transaction limit is never in play. Each row is updated only if its ciphertext is still the
 * one read (`WHERE id = ? AND api_key = ?`), so a concurrent admin edit is never overwritten,
 * and rows already at the new version are skipped: running it twice is harmless.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import type { KeyCipher } from "./key-cipher";

/** Options for {@link rotateProviderKeys}. */
export interface RotateProviderKeysOptions {
  /**
   * Rows read per batch.
   * @default 100
   */
  batchSize?: number;
  /**
   * Count what would change without writing.
   * @default false
   */
  dryRun?: boolean;
}

/** What a rotation did. Ids only, never key material. */
export interface RotationResult {
  /** Rows looked at. */
  scanned: number;
  /** Rows re-encrypted under the new current version (or that would be, in a dry run). */
  rotated: number;
  /** Rows already at the new current version. */
  alreadyCurrent: number;
  /** Rows changed by someone else between read and write; run again to pick them up. */
  changedConcurrently: number;
  /** Rows whose ciphertext neither keyring could decrypt (unknown version, tampered, malformed). */
  failedIds: number[];
}

/**
 * Re-encrypts every `t_ai_api_keys.api_key` not yet at `toCipher`'s current version.
 *
 * @param fromCipher - a cipher that can decrypt the old versions.
 * @param toCipher - the cipher whose current version every row should end up under; its
 *   keyring may also hold old versions, in which case it decrypts them itself.
 */
export async function rotateProviderKeys(
  db: Kysely<Database>,
  fromCipher: KeyCipher,
  toCipher: KeyCipher,
  options: RotateProviderKeysOptions = {},
): Promise<RotationResult> {
  const { batchSize = 100, dryRun = false } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const result: RotationResult = { scanned: 0, rotated: 0, alreadyCurrent: 0, changedConcurrently: 0, failedIds: [] };
  let lastId = 0;
  for (;;) {
    const rows = await db
      .selectFrom("t_ai_api_keys")
      .select(["id", "api_key"])
      .where("id", ">", lastId)
      .orderBy("id")
      .limit(batchSize)
      .execute();
    if (rows.length === 0) return result;
    for (const row of rows) {
      // Drivers may hand ids back as strings (PlanetScale's INT64) or bigints; compare as numbers.
      const id = Number(row.id);
      lastId = id;
      result.scanned += 1;
      if (!toCipher.needsRotation(row.api_key)) {
        result.alreadyCurrent += 1;
        continue;
      }
      const plain = decryptWithEither(row.api_key, fromCipher, toCipher);
      if (plain === undefined) {
        result.failedIds.push(id);
        continue;
      }
      if (dryRun) {
        result.rotated += 1;
        continue;
      }
      const update = await db
        .updateTable("t_ai_api_keys")
        .set({ api_key: toCipher.encrypt(plain) })
        .where("id", "=", id)
        .where("api_key", "=", row.api_key)
        .executeTakeFirst();
      if (Number(update.numUpdatedRows) === 1) result.rotated += 1;
      else result.changedConcurrently += 1;
    }
  }
}

/** The plaintext, or undefined when neither cipher can decrypt the value. */
function decryptWithEither(stored: string, fromCipher: KeyCipher, toCipher: KeyCipher): string | undefined {
  for (const cipher of [fromCipher, toCipher]) {
    try {
      return cipher.decrypt(stored);
    } catch {
      // Try the next keyring; a row no keyring opens is reported by id.
    }
  }
  return undefined;
}
