/**
 * Where the master keyring for provider-key encryption comes from, in this order:
 *
 * 1. `KEY_ENCRYPTION_SECRET_ARN`: an AWS Secrets Manager secret, fetched once per cold start
 *    (memoized per ARN at module scope; concurrent callers share one request; a failure is not
 *    remembered, so the next call tries again).
 * 2. `KEY_ENCRYPTION_KEY`: the keyring text itself.
 * 3. Local default only: a key generated once into `<dataDir>/master.key` (mode 0600).
 *
 * Keyring text (the secret's `SecretString`, or `KEY_ENCRYPTION_KEY`) is either
 * - JSON `{"current": 2, "keys": {"1": "<base64 32 bytes>", "2": "<base64 32 bytes>"}}`, or
 * - comma-separated `[<version>:]<base64 32 bytes>` entries, the first one current; a bare
 *   key is version 1. So a single base64 key works, and after a rotation
 *   `2:<new key>,1:<old key>` keeps the old version readable.
 * A binary secret (`SecretBinary`) of exactly 32 bytes is version 1.
 *
 * Nothing here reads `process.env`: the caller passes the settings in.
 */
import type { SecretsManagerClient, SecretsManagerClientConfig } from "@aws-sdk/client-secrets-manager";
import { MASTER_KEY_BYTES, type Keyring } from "./key-cipher";
import { loadOrCreateLocalSecret, type WarningLogger } from "./local-secret-file";

/** Which source a keyring came from. */
export type KeyringSource = "secrets-manager" | "environment" | "local-file";

/** A keyring plus where it came from (for health output; never the keys themselves). */
export interface LoadedKeyring extends Keyring {
  source: KeyringSource;
}

/** Settings for {@link loadKeyring}. */
export interface LoadKeyringOptions {
  /** `KEY_ENCRYPTION_SECRET_ARN`: ARN or name of the Secrets Manager secret holding the keyring. Wins over `encryptionKey`. */
  secretArn?: string;
  /** `KEY_ENCRYPTION_KEY`: keyring text (see the module comment). */
  encryptionKey?: string;
  /**
   * Directory of the generated local key, used when neither setting is given.
   * @default "./data"
   */
  dataDir?: string;
  /**
   * Whether a generated local key may be used when neither setting is given; pass `false` when
   * deployed so a missing setting stops the start instead of silently creating a key.
   * @default true
   */
  allowLocalKey?: boolean;
  /**
   * Configuration for the Secrets Manager client (`endpoint`, `region`, `credentials`, …).
   * @default {} (the SDK's defaults: region, credentials and `AWS_ENDPOINT_URL_SECRETS_MANAGER` from the environment)
   */
  secretsManager?: SecretsManagerClientConfig;
  /** A ready client to use instead of building one from `secretsManager`. */
  secretsManagerClient?: Pick<SecretsManagerClient, "send">;
  /**
   * Receives the warning when a local key is generated.
   * @default console
   */
  logger?: WarningLogger;
}

/** The setting (or file) a {@link MasterKeyError} is about. */
export type MasterKeySetting = "KEY_ENCRYPTION_SECRET_ARN" | "KEY_ENCRYPTION_KEY" | "NEW_KEY_ENCRYPTION_KEY" | "master.key";

/** The master key is missing or unusable. `setting` names what to fix; the message never holds key material. */
export class MasterKeyError extends Error {
  override readonly name = "MasterKeyError";

  constructor(
    readonly setting: MasterKeySetting,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${setting}: ${message}`, options);
  }
}

/** File name of the generated local master key inside `dataDir`. */
export const LOCAL_MASTER_KEY_FILE = "master.key";

const secretFetches = new Map<string, Promise<LoadedKeyring>>();

/**
 * Loads the master keyring from the first configured source.
 * @throws MasterKeyError naming the setting when the source is unreachable or holds no valid keyring.
 */
export async function loadKeyring(options: LoadKeyringOptions = {}): Promise<LoadedKeyring> {
  const { secretArn, encryptionKey, dataDir = "./data", allowLocalKey = true, logger = console } = options;
  if (secretArn !== undefined && secretArn.trim() !== "") return loadFromSecretsManager(secretArn.trim(), options);
  if (encryptionKey !== undefined && encryptionKey.trim() !== "") {
    return { ...parseKeyringText(encryptionKey, "KEY_ENCRYPTION_KEY"), source: "environment" };
  }
  if (!allowLocalKey) {
    throw new MasterKeyError("KEY_ENCRYPTION_KEY", "no master key configured: set KEY_ENCRYPTION_SECRET_ARN or KEY_ENCRYPTION_KEY");
  }
  const key = await loadOrCreateLocalSecret(dataDir, LOCAL_MASTER_KEY_FILE, MASTER_KEY_BYTES, logger).catch((error: unknown) => {
    throw new MasterKeyError("master.key", error instanceof Error ? error.message : "local master key file is unusable");
  });
  return { current: 1, keys: new Map([[1, key]]), source: "local-file" };
}

/** Forgets memoized Secrets Manager keyrings, so the next {@link loadKeyring} fetches again (tests; a key version seen for the first time). */
export function clearKeyringCache(): void {
  secretFetches.clear();
}

function loadFromSecretsManager(secretArn: string, options: LoadKeyringOptions): Promise<LoadedKeyring> {
  const pending = secretFetches.get(secretArn);
  if (pending) return pending;
  const fetching = fetchKeyringSecret(secretArn, options);
  secretFetches.set(secretArn, fetching);
  // Forget a failure so a later call retries; keep a success for the life of this process (one cold start).
  fetching.catch(() => {
    if (secretFetches.get(secretArn) === fetching) secretFetches.delete(secretArn);
  });
  return fetching;
}

async function fetchKeyringSecret(secretArn: string, options: LoadKeyringOptions): Promise<LoadedKeyring> {
  // Imported on first use so the local default never loads the AWS SDK.
  const { GetSecretValueCommand, SecretsManagerClient } = await import("@aws-sdk/client-secrets-manager");
  const client = options.secretsManagerClient ?? new SecretsManagerClient(options.secretsManager ?? {});
  let response: { SecretString?: string; SecretBinary?: Uint8Array };
  try {
    response = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  } catch (error) {
    // SDK errors carry a type name and AWS's message, neither of which contains the secret value.
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : "unknown error";
    throw new MasterKeyError("KEY_ENCRYPTION_SECRET_ARN", `could not read secret ${secretArn} (${reason})`, { cause: error });
  }
  if (response.SecretString !== undefined) {
    return { ...parseKeyringText(response.SecretString, "KEY_ENCRYPTION_SECRET_ARN", secretArn), source: "secrets-manager" };
  }
  if (response.SecretBinary !== undefined && response.SecretBinary.length === MASTER_KEY_BYTES) {
    return { current: 1, keys: new Map([[1, Buffer.from(response.SecretBinary)]]), source: "secrets-manager" };
  }
  throw new MasterKeyError("KEY_ENCRYPTION_SECRET_ARN", `secret ${secretArn} holds no keyring (expected keyring text or ${MASTER_KEY_BYTES} binary bytes)`);
}

/**
 * Parses keyring text (JSON or `[<version>:]<base64>` entries; see the module comment).
 * @param setting - the setting named in errors.
 * @param secretArn - when parsing a secret's value, its ARN for the error message.
 * @throws MasterKeyError naming `setting`, without any of the text.
 */
export function parseKeyringText(text: string, setting: Exclude<MasterKeySetting, "master.key">, secretArn?: string): Keyring {
  const where = secretArn ? `secret ${secretArn}` : "value";
  const fail = (problem: string): never => {
    throw new MasterKeyError(setting, `${where} ${problem}`);
  };
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      // JSON.parse's message quotes the input, which here is key material.
      return fail("is not valid JSON");
    }
    return keyringFromJson(parsed, fail);
  }
  const keys = new Map<number, Buffer>();
  let current: number | undefined;
  for (const [index, entry] of trimmed.split(",").entries()) {
    const match = /^(?:([1-9][0-9]{0,8}):)?([A-Za-z0-9+/=_-]+)$/.exec(entry.trim());
    if (!match) fail(`entry ${index + 1} is not [<version>:]<base64 key>`);
    const version = match![1] ? Number(match![1]) : 1;
    if (keys.has(version)) fail(`lists key version ${version} twice`);
    keys.set(version, decodeKey(match![2], `entry ${index + 1}`, fail));
    current ??= version;
  }
  return { current: current!, keys };
}

function keyringFromJson(parsed: unknown, fail: (problem: string) => never): Keyring {
  if (typeof parsed !== "object" || parsed === null) return fail("must be a JSON object");
  const { current, keys } = parsed as { current?: unknown; keys?: unknown };
  if (typeof current !== "number" || !Number.isInteger(current) || current < 1) fail('needs "current": a positive integer key version');
  if (typeof keys !== "object" || keys === null || Array.isArray(keys)) fail('needs "keys": {"<version>": "<base64 key>"}');
  const keyring = new Map<number, Buffer>();
  for (const [name, value] of Object.entries(keys as Record<string, unknown>)) {
    if (!/^[1-9][0-9]{0,8}$/.test(name)) fail(`has key version "${name}", which is not a positive integer`);
    if (typeof value !== "string") fail(`key version ${name} is not a base64 string`);
    keyring.set(Number(name), decodeKey(value as string, `key version ${name}`, fail));
  }
  if (!keyring.has(current as number)) fail(`has no key for its current version ${String(current)}`);
  return { current: current as number, keys: keyring };
}

function decodeKey(encoded: string, label: string, fail: (problem: string) => never): Buffer {
  // Accept standard and URL-safe base64; reject anything that does not decode to exactly 32 bytes.
  const normalized = encoded.trim().replace(/-/g, "+").replace(/_/g, "/");
  const key = Buffer.from(normalized, "base64");
  if (key.length !== MASTER_KEY_BYTES || key.toString("base64").replace(/=+$/, "") !== normalized.replace(/=+$/, "")) {
    fail(`${label} must be base64 of exactly ${MASTER_KEY_BYTES} bytes`);
  }
  return key;
}
