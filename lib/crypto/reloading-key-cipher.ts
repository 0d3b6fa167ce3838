/**
 * A key cipher that picks up a rotated master keyring without a restart. A warm Lambda keeps the
 * keyring it loaded at cold start; once another instance (or the rotation script) writes a key
 * under a newer version, decrypting it fails with `unknown_key_version`. That failure triggers
 * one background reload (at most once per interval), and the catalogue's next reload succeeds.
 */
import { KeyCipher, KeyCipherError } from "./key-cipher";

/** Options of {@link ReloadingKeyCipher}. */
export interface ReloadingKeyCipherOptions {
  /** Fetches the keyring again (it must bypass any memoized copy). */
  reload: () => Promise<KeyCipher>;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Shortest time between two reloads, so unknown versions cannot hammer Secrets Manager. @default 60_000 */
  minReloadIntervalMs?: number;
  /** Told when a reload fails (the message only; never key material). */
  onReloadError?: (message: string) => void;
}

/** Wraps a {@link KeyCipher}; encrypts with the current keyring, reloads it on unknown versions. */
export class ReloadingKeyCipher {
  #cipher: KeyCipher;
  #reloading: Promise<void> | undefined;
  #lastReloadAt = Number.NEGATIVE_INFINITY;
  readonly #options: ReloadingKeyCipherOptions;

  constructor(initial: KeyCipher, options: ReloadingKeyCipherOptions) {
    this.#cipher = initial;
    this.#options = options;
  }

  /** Encrypts under the current master-key version. */
  encrypt(plaintext: string): string {
    return this.#cipher.encrypt(plaintext);
  }

  /** Decrypts; an unknown key version starts a background reload and still throws this time. */
  decrypt(stored: string): string {
    try {
      return this.#cipher.decrypt(stored);
    } catch (error) {
      if (error instanceof KeyCipherError && error.code === "unknown_key_version") this.#startReload();
      throw error;
    }
  }

  /** Resolves when a reload in progress has finished (tests, and callers that want to retry). */
  async settled(): Promise<void> {
    await this.#reloading;
  }

  #startReload(): void {
    const { reload, now, minReloadIntervalMs = 60_000, onReloadError } = this.#options;
    if (this.#reloading || now() - this.#lastReloadAt < minReloadIntervalMs) return;
    this.#lastReloadAt = now();
    this.#reloading = reload()
      .then((cipher) => {
        this.#cipher = cipher;
      })
      .catch((error: unknown) => onReloadError?.(error instanceof Error ? error.message : "keyring reload failed"))
      .finally(() => {
        this.#reloading = undefined;
      });
  }
}
