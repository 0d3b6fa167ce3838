/**
 * Encryption at rest for provider API keys: AES-256-GCM under a versioned master keyring.
 *
 * Stored format (ASCII, fits a TEXT column):
 *
 *     mg1:<version>:<base64url(iv ‖ ciphertext ‖ tag)>
 *
 * - `mg1` names this format, so a future scheme can live next to it.
 * - `<version>` is the decimal keyring version that encrypted the value; rotating the master
 *   key adds a version and re-encrypts (see `rotate-provider-keys.ts`).
 * - `iv` is 12 random bytes (a fresh one per encryption), `tag` the 16-byte GCM auth tag.
 * - The header `mg1:<version>` is bound as additional authenticated data, so editing the
 *   version (or anything else) makes decryption fail instead of trying another key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/** Master keys by version, and which version encrypts new values. */
export interface Keyring {
  /** Version used by {@link KeyCipher.encrypt}; must be present in `keys`. */
  current: number;
  /** 32-byte AES-256 keys by positive integer version. */
  keys: Map<number, Buffer>;
}

/** What went wrong in a {@link KeyCipherError}; never carries key material or plaintext. */
export type KeyCipherErrorCode = "invalid_keyring" | "malformed_ciphertext" | "unknown_key_version" | "tampered_ciphertext";

/** A failure to build a cipher or to decrypt a stored value. The message names the problem only. */
export class KeyCipherError extends Error {
  override readonly name = "KeyCipherError";

  constructor(
    readonly code: KeyCipherErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Prefix of every value this module writes. */
export const CIPHERTEXT_FORMAT = "mg1";

/** Byte length of an AES-256 key. */
export const MASTER_KEY_BYTES = 32;

const IV_BYTES = 12;
const TAG_BYTES = 16;
const STORED_PATTERN = /^mg1:([1-9][0-9]{0,8}):([A-Za-z0-9_-]+)$/;

/** Encrypts and decrypts provider API keys under a {@link Keyring}. */
export class KeyCipher {
  readonly #keys: Map<number, Buffer>;

  /** Version that {@link encrypt} writes. */
  readonly currentVersion: number;

  /** @throws KeyCipherError (`invalid_keyring`) when a version is not a positive integer, a key is not 32 bytes, or `current` has no key. */
  constructor(keyring: Keyring) {
    for (const [version, key] of keyring.keys) {
      if (!Number.isInteger(version) || version < 1 || version > 999_999_999) {
        throw new KeyCipherError("invalid_keyring", `Key version ${String(version)} is not a positive integer`);
      }
      if (key.length !== MASTER_KEY_BYTES) {
        throw new KeyCipherError("invalid_keyring", `Key version ${version} is ${key.length} bytes, expected ${MASTER_KEY_BYTES}`);
      }
    }
    if (!keyring.keys.has(keyring.current)) {
      throw new KeyCipherError("invalid_keyring", `Keyring has no key for its current version ${keyring.current}`);
    }
    // Private copies: a caller mutating its keyring later must not change what this cipher does.
    this.#keys = new Map([...keyring.keys].map(([version, key]) => [version, Buffer.from(key)]));
    this.currentVersion = keyring.current;
  }

  /** Versions this cipher can decrypt, ascending. */
  get versions(): number[] {
    return [...this.#keys.keys()].sort((left, right) => left - right);
  }

  /** Encrypts `plain` under the current version with a fresh random IV. */
  encrypt(plain: string): string {
    const version = this.currentVersion;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#keys.get(version)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(header(version));
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    const payload = Buffer.concat([iv, body, cipher.getAuthTag()]);
    return `${CIPHERTEXT_FORMAT}:${version}:${payload.toString("base64url")}`;
  }

  /**
   * Decrypts a value written by {@link encrypt} under any version in the keyring.
   * @throws KeyCipherError `malformed_ciphertext`, `unknown_key_version` or `tampered_ciphertext`.
   */
  decrypt(stored: string): string {
    const { version, payload } = parseStored(stored);
    const key = this.#keys.get(version);
    if (!key) {
      throw new KeyCipherError("unknown_key_version", `Ciphertext was encrypted with key version ${version}, which is not in the keyring`);
    }
    const iv = payload.subarray(0, IV_BYTES);
    const tag = payload.subarray(payload.length - TAG_BYTES);
    const body = payload.subarray(IV_BYTES, payload.length - TAG_BYTES);
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(header(version));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
    } catch {
      // node:crypto only says "Unsupported state or unable to authenticate data"; say what it means for us.
      throw new KeyCipherError("tampered_ciphertext", `Ciphertext (key version ${version}) failed authentication: it was altered or the key is wrong`);
    }
  }

  /** True when `stored` was not written under the current version (including values that are not in this format at all). */
  needsRotation(stored: string): boolean {
    const version = keyVersionOf(stored);
    return version === undefined || version !== this.currentVersion;
  }
}

/** The key version in a stored value, or undefined when it is not in the `mg1` format. */
export function keyVersionOf(stored: string): number | undefined {
  const match = STORED_PATTERN.exec(stored);
  return match ? Number(match[1]) : undefined;
}

/** True when `value` looks like a ciphertext this module wrote (no decryption attempted). */
export function isEncryptedKey(value: string): boolean {
  return keyVersionOf(value) !== undefined;
}

function header(version: number): Buffer {
  return Buffer.from(`${CIPHERTEXT_FORMAT}:${version}`, "ascii");
}

function parseStored(stored: string): { version: number; payload: Buffer } {
  const match = STORED_PATTERN.exec(stored);
  if (!match) {
    throw new KeyCipherError("malformed_ciphertext", `Stored key is not in the ${CIPHERTEXT_FORMAT}:<version>:<data> format`);
  }
  const payload = Buffer.from(match[2], "base64url");
  // An empty API key still has IV and tag, so anything shorter was cut.
  if (payload.length < IV_BYTES + TAG_BYTES) {
    throw new KeyCipherError("malformed_ciphertext", "Stored key is too short to be a ciphertext");
  }
  return { version: Number(match[1]), payload };
}

const HINT_ELLIPSIS = "…";
/** A vendor prefix such as `sk`, shown only when it is this short and plainly not secret. */
const HINT_PREFIX_PATTERN = /^([A-Za-z][A-Za-z0-9]{0,3})-/;

/**
 * A masked hint for showing a key: `sk-proj-…` → `sk-…abcd`, `AIzaSy…` → `…wxyz`.
 *
 * Shows the vendor prefix before the first `-` (1–4 characters) and at most the last 4
 * characters; shorter keys show less (2 trailing characters under 16, none under 8) so a
 * hint never reveals a meaningful share of the key.
 */
export function keyHint(apiKey: string): string {
  const key = apiKey.trim();
  const trailingCount = key.length >= 16 ? 4 : key.length >= 8 ? 2 : 0;
  const prefix = key.length >= 16 ? (HINT_PREFIX_PATTERN.exec(key)?.[0] ?? "") : "";
  const trailing = trailingCount > 0 ? key.slice(-trailingCount) : "";
  return `${prefix}${HINT_ELLIPSIS}${trailing}`;
}
