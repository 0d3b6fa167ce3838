/**
 * Re-encrypts every stored provider API key under a new master key version.
 *
 *     npm run rotate-master-key -- [--dry-run] [--batch-size 100]
 *
 * Reads the same settings as the app (DATABASE_*, DATA_DIR, KEY_ENCRYPTION_KEY or
 * KEY_ENCRYPTION_SECRET_ARN, or the local data/master.key). The new key comes from either
 * - `NEW_KEY_ENCRYPTION_KEY=[<version>:]<base64 32 bytes>` next to the current source (the
 *   version defaults to the highest known + 1), or
 * - the current source itself, when its keyring already names a newer current version
 *   (Secrets Manager JSON `{"current":2,"keys":{"1":…,"2":…}}`, or `KEY_ENCRYPTION_KEY=2:<new>,1:<old>`).
 *
 * Safe to run while the app serves traffic and to run again: rows are updated only if
 * unchanged since read, and rows already at the new version are skipped. Prints counts and row
 * ids, never keys. Exits 1 when some rows could not be decrypted.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createDatabase } from "../db/connection";
import { parseSettings } from "../lib/config/settings";
import { KeyCipher, type Keyring } from "../lib/crypto/key-cipher";
import { LOCAL_MASTER_KEY_FILE, loadKeyring, MasterKeyError, parseKeyringText, type LoadKeyringOptions } from "../lib/crypto/master-key-source";
import { rotateProviderKeys } from "../lib/crypto/rotate-provider-keys";
import { fatalErrorLine } from "../lib/runtime/fatal-error";

/** Where the CLI writes: lines for people, never key material. */
export interface RotationOutput {
  info(line: string): void;
  error(line: string): void;
}

/**
 * Runs the rotation described by `environment` and `args`; returns the process exit code.
 * @param options.secretsManager - Secrets Manager client settings (tests point it at a local server).
 */
export async function rotateMasterKey(
  environment: Record<string, string | undefined>,
  args: string[],
  output: RotationOutput,
  options: Pick<LoadKeyringOptions, "secretsManager"> = {},
): Promise<number> {
  const { values } = parseArgs({ args, options: { "dry-run": { type: "boolean", default: false }, "batch-size": { type: "string", default: "100" } } });
  const batchSize = Number(values["batch-size"]);
  const dryRun = values["dry-run"] ?? false;
  try {
    const settings = parseSettings(environment);
    const source = settings.keyEncryption;
    if (source.kind === "local-file" && !existsSync(join(settings.dataDir, LOCAL_MASTER_KEY_FILE))) {
      throw new MasterKeyError("master.key", `no master key configured and no ${join(settings.dataDir, LOCAL_MASTER_KEY_FILE)} to rotate from`);
    }
    const oldKeyring = await loadKeyring({
      secretArn: source.kind === "secrets-manager" ? source.secretArn : undefined,
      encryptionKey: source.kind === "env" ? source.base64Key : undefined,
      dataDir: settings.dataDir,
      secretsManager: options.secretsManager,
      logger: { warn: (line) => output.error(line) },
    });
    const newKeyText = environment.NEW_KEY_ENCRYPTION_KEY?.trim();
    const newKeyring = newKeyText ? withNewKey(oldKeyring, newKeyText) : oldKeyring;
    const fromCipher = new KeyCipher(oldKeyring);
    const toCipher = new KeyCipher(newKeyring);

    output.info(`${dryRun ? "Dry run: counting" : "Re-encrypting"} provider keys under key version ${toCipher.currentVersion} (master key from ${oldKeyring.source}; known versions ${toCipher.versions.join(", ")}).`);
    const database = await createDatabase(settings.database);
    const result = await rotateProviderKeys(database.db, fromCipher, toCipher, { batchSize, dryRun }).finally(() => database.close());

    output.info(
      `scanned ${result.scanned}, ${dryRun ? "to rotate" : "rotated"} ${result.rotated}, already current ${result.alreadyCurrent}, changed concurrently ${result.changedConcurrently}, failed ${result.failedIds.length}`,
    );
    if (result.failedIds.length > 0) {
      output.error(`Could not decrypt rows with id ${result.failedIds.join(", ")} under any known key version; they were left unchanged.`);
    }
    if (result.changedConcurrently > 0) output.info("Some rows changed while rotating: run again to pick them up.");
    if (newKeyText && !dryRun) {
      output.info(
        `Next: make version ${toCipher.currentVersion} current in the app, keeping the old versions readable, e.g. ` +
          `KEY_ENCRYPTION_KEY="${toCipher.currentVersion}:$NEW_KEY_ENCRYPTION_KEY,<the current value>" or a Secrets Manager JSON keyring. ` +
          "Run this again afterwards; drop an old version only once a run reports nothing left to rotate.",
      );
    }
    return result.failedIds.length > 0 ? 1 : 0;
  } catch (error) {
    // Settings and key errors name the setting and never carry key material; database errors at most quote ciphertext.
    output.error(`rotate-master-key failed: ${fatalErrorLine(error, environment)}`);
    return 2;
  }
}

/** The old keyring plus the new key as current. */
function withNewKey(oldKeyring: Keyring, text: string): Keyring {
  const parsed = parseKeyringText(text, "NEW_KEY_ENCRYPTION_KEY");
  if (parsed.keys.size !== 1) throw new MasterKeyError("NEW_KEY_ENCRYPTION_KEY", "must be one [<version>:]<base64 key>");
  const key = parsed.keys.get(parsed.current)!;
  const explicitVersion = /^[1-9][0-9]*:/.test(text);
  const version = explicitVersion ? parsed.current : Math.max(...oldKeyring.keys.keys()) + 1;
  const existing = oldKeyring.keys.get(version);
  if ([...oldKeyring.keys.values()].some((oldKey) => oldKey.equals(key)) && !existing?.equals(key)) {
    throw new MasterKeyError("NEW_KEY_ENCRYPTION_KEY", "is already in the keyring under another version");
  }
  if (existing && !existing.equals(key)) {
    throw new MasterKeyError("NEW_KEY_ENCRYPTION_KEY", `version ${version} already exists with a different key`);
  }
  return { current: version, keys: new Map([...oldKeyring.keys, [version, key]]) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const output: RotationOutput = { info: (line) => console.log(line), error: (line) => console.error(line) };
  process.exitCode = await rotateMasterKey(process.env, process.argv.slice(2), output);
}
