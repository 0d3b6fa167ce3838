/**
 * Admin passwords hashed with scrypt (node:crypto), stored as `scrypt$N$r$p$salt$hash`.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from "node:crypto";

/** Shortest admin password accepted, for the bootstrap admin and for password changes alike. */
export const MIN_ADMIN_PASSWORD_LENGTH = 12;

const KEY_LENGTH = 64;
const DEFAULT_COST = { N: 16384, r: 8, p: 1 };

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, KEY_LENGTH, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** Hashes a password with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, DEFAULT_COST);
  return ["scrypt", DEFAULT_COST.N, DEFAULT_COST.r, DEFAULT_COST.p, salt.toString("base64"), hash.toString("base64")].join("$");
}

/** Checks a password against a stored hash in constant time; false for any malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  let actual: Buffer;
  try {
    actual = await scrypt(password, Buffer.from(salt, "base64"), { N: Number(n), r: Number(r), p: Number(p) });
  } catch {
    // Cost parameters scrypt refuses (not numbers, N not a power of two, over maxmem).
    return false;
  }
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash of a random password, used to spend the same time when the username does not exist. */
export const DUMMY_PASSWORD_HASH = hashPassword(randomBytes(16).toString("hex"));
