/**
 * Stored provider keys written under a master-key version this process does not have: what
 * happens when the app starts without the new key after `rotate-master-key`. Said plainly at
 * start-up and to callers, instead of the keys silently dropping out of rotation.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { keyVersionOf } from "./key-cipher";

/** Which setting supplies the keyring, for the message. */
export type KeyringSetting = "KEY_ENCRYPTION_KEY" | "KEY_ENCRYPTION_SECRET_ARN";

/** Start-up refused: some stored keys need a master-key version that is not configured. */
export class MissingKeyVersionError extends Error {
  override readonly name = "MissingKeyVersionError";
}

/** Versions named by `stored` values that are not in `known`, ascending. */
function missingVersions(stored: readonly string[], known: readonly number[]): number[] {
  const missing = new Set<number>();
  for (const value of stored) {
    const version = keyVersionOf(value);
    if (version !== undefined && !known.includes(version)) missing.add(version);
  }
  return [...missing].sort((left, right) => left - right);
}

/** "… were encrypted under master key version 2, which this process does not have; set …". */
export function missingKeyVersionMessage(count: number, versions: readonly number[], setting?: KeyringSetting): string {
  const versionText = versions.length === 1 ? `version ${versions[0]}` : `versions ${versions.join(", ")}`;
  const subject = count === 1 ? "1 provider API key was" : `${count} provider API keys were`;
  const newest = versions.at(-1);
  const where =
    setting === "KEY_ENCRYPTION_SECRET_ARN"
      ? `the secret KEY_ENCRYPTION_SECRET_ARN names to a keyring that includes ${versionText} (e.g. {"current":${newest},"keys":{"${newest}":"<that key>",…}})`
      : `${setting ?? "KEY_ENCRYPTION_KEY (or the secret KEY_ENCRYPTION_SECRET_ARN names)"} to a keyring that includes ${versionText} (e.g. KEY_ENCRYPTION_KEY="${newest}:<that key>,<the current value>")`;
  return `${subject} encrypted under master key ${versionText}, which this process does not have; set ${where}`;
}

/** Throws {@link MissingKeyVersionError} when an active stored key needs a version not in `known`. */
export async function assertKeyVersionsKnown(db: Kysely<Database>, known: readonly number[], setting: KeyringSetting): Promise<void> {
  const rows = await db.selectFrom("t_ai_api_keys").select("api_key").where("is_active", "=", 1).execute();
  const stored = rows.map((row) => row.api_key);
  const versions = missingVersions(stored, known);
  if (versions.length === 0) return;
  const count = stored.filter((value) => versions.includes(keyVersionOf(value) ?? 0)).length;
  throw new MissingKeyVersionError(missingKeyVersionMessage(count, versions, setting));
}
