import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isEncryptedKey, KeyCipher, KeyCipherError, keyHint, keyVersionOf, type Keyring } from "../../lib/crypto/key-cipher";

const API_KEY = "sk-proj-Th1sIsAFakeProviderKeyForTests0123abcd";

function keyring(current: number, ...versions: number[]): Keyring {
  return { current, keys: new Map(versions.map((version) => [version, randomBytes(32)])) };
}

function expectCipherError(action: () => unknown, code: KeyCipherError["code"]): KeyCipherError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(KeyCipherError);
    expect((error as KeyCipherError).code).toBe(code);
    return error as KeyCipherError;
  }
  throw new Error(`expected a KeyCipherError ${code}`);
}

describe("KeyCipher", () => {
  it("round-trips keys, including empty and non-ASCII ones", () => {
    const cipher = new KeyCipher(keyring(1, 1));
    for (const plain of [API_KEY, "", "ключ-🔑-鍵"]) {
      const stored = cipher.encrypt(plain);
      expect(cipher.decrypt(stored)).toBe(plain);
    }
  });

  it("writes the documented mg1:<version>:<base64url> format without the plaintext", () => {
    const cipher = new KeyCipher(keyring(7, 3, 7));
    const stored = cipher.encrypt(API_KEY);
    expect(stored).toMatch(/^mg1:7:[A-Za-z0-9_-]+$/);
    expect(stored).not.toContain("sk-proj");
    // 12-byte IV + ciphertext (same length as the plaintext) + 16-byte tag.
    expect(Buffer.from(stored.split(":")[2], "base64url")).toHaveLength(12 + Buffer.byteLength(API_KEY) + 16);
    expect(keyVersionOf(stored)).toBe(7);
    expect(isEncryptedKey(stored)).toBe(true);
    expect(isEncryptedKey(API_KEY)).toBe(false);
  });

  it("uses a fresh random IV each time", () => {
    const cipher = new KeyCipher(keyring(1, 1));
    const first = cipher.encrypt(API_KEY);
    const second = cipher.encrypt(API_KEY);
    expect(first).not.toBe(second);
    const ivOf = (stored: string) => Buffer.from(stored.split(":")[2], "base64url").subarray(0, 12).toString("hex");
    expect(ivOf(first)).not.toBe(ivOf(second));
  });

  it("detects any flipped byte, and a version rewritten in the header", () => {
    const ring = keyring(1, 1, 2);
    const cipher = new KeyCipher(ring);
    const stored = cipher.encrypt(API_KEY);
    const payload = Buffer.from(stored.split(":")[2], "base64url");
    for (const index of [0, 12, payload.length - 1]) {
      const tampered = Buffer.from(payload);
      tampered[index] ^= 0x01;
      const error = expectCipherError(() => cipher.decrypt(`mg1:1:${tampered.toString("base64url")}`), "tampered_ciphertext");
      expect(error.message).not.toContain(API_KEY);
    }
    // Same key under both versions: only the authenticated header stops the swap.
    const sameKey: Keyring = { current: 1, keys: new Map([[1, ring.keys.get(1)!], [2, ring.keys.get(1)!]]) };
    expectCipherError(() => new KeyCipher(sameKey).decrypt(stored.replace(/^mg1:1:/, "mg1:2:")), "tampered_ciphertext");
  });

  it("rejects values that are not ciphertexts, and cut ones", () => {
    const cipher = new KeyCipher(keyring(1, 1));
    expectCipherError(() => cipher.decrypt(API_KEY), "malformed_ciphertext");
    expectCipherError(() => cipher.decrypt("mg1:1:"), "malformed_ciphertext");
    expectCipherError(() => cipher.decrypt("mg1:1:AAAA"), "malformed_ciphertext");
    expectCipherError(() => cipher.decrypt("mg2:1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), "malformed_ciphertext");
  });

  it("names an unknown key version without revealing anything else", () => {
    const stored = new KeyCipher(keyring(3, 3)).encrypt(API_KEY);
    const error = expectCipherError(() => new KeyCipher(keyring(1, 1, 2)).decrypt(stored), "unknown_key_version");
    expect(error.message).toContain("version 3");
    expect(error.message).not.toContain(stored.split(":")[2]);
  });

  it("decrypts every version in the keyring and encrypts under the current one", () => {
    const ring = keyring(1, 1);
    const old = new KeyCipher(ring).encrypt(API_KEY);
    const rotated: Keyring = { current: 2, keys: new Map([...ring.keys, [2, randomBytes(32)]]) };
    const cipher = new KeyCipher(rotated);
    expect(cipher.decrypt(old)).toBe(API_KEY);
    expect(cipher.needsRotation(old)).toBe(true);
    const fresh = cipher.encrypt(API_KEY);
    expect(keyVersionOf(fresh)).toBe(2);
    expect(cipher.needsRotation(fresh)).toBe(false);
    expect(cipher.needsRotation("plaintext-key")).toBe(true);
    expect(cipher.versions).toEqual([1, 2]);
  });

  it("refuses a keyring it cannot use, without echoing key bytes", () => {
    expectCipherError(() => new KeyCipher({ current: 2, keys: new Map([[1, randomBytes(32)]]) }), "invalid_keyring");
    const shortKey = randomBytes(16);
    const error = expectCipherError(() => new KeyCipher({ current: 1, keys: new Map([[1, shortKey]]) }), "invalid_keyring");
    expect(error.message).toContain("16 bytes");
    expect(error.message).not.toContain(shortKey.toString("base64"));
    expectCipherError(() => new KeyCipher({ current: 0, keys: new Map([[0, randomBytes(32)]]) }), "invalid_keyring");
  });

  it("is not affected by later changes to the keyring it was built from", () => {
    const ring = keyring(1, 1);
    const cipher = new KeyCipher(ring);
    const stored = cipher.encrypt(API_KEY);
    ring.keys.get(1)!.fill(0);
    ring.keys.delete(1);
    expect(cipher.decrypt(stored)).toBe(API_KEY);
  });
});

describe("keyHint", () => {
  it.each([
    ["sk-proj-Th1sIsAFakeProviderKeyForTests0123abcd", "sk-…abcd"],
    ["sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAAwxyz", "sk-…wxyz"],
    ["AIzaSyA-FakeGoogleStyleKey-9876", "…9876"],
    ["abcdefghijklmnopqrstuvwxyz", "…wxyz"],
    ["verylongprefix-AAAAAAAAAAAA1234", "…1234"],
    ["short-key-12", "…12"],
    ["sk-abc", "…"],
    ["", "…"],
  ])("%s -> %s", (apiKey, hint) => {
    expect(keyHint(apiKey)).toBe(hint);
  });

  it("never shows more than 4 characters of the key's end", () => {
    for (let length = 0; length < 80; length += 1) {
      const apiKey = "x".repeat(length);
      const hint = keyHint(apiKey);
      expect(hint.slice(hint.indexOf("…") + 1).length).toBeLessThanOrEqual(4);
    }
  });
});
