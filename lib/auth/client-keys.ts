/**
 * Client API keys for applications: `mg-` + 32 random base64url characters, shown once at
 * creation and stored only as a SHA-256 hash (a high-entropy key needs no slow hash).
 */
import { hash, randomBytes } from "node:crypto";

/** Prefix that marks a modelgate client key. */
export const CLIENT_KEY_PREFIX = "mg-";

/** A new random client key. */
export function generateClientKey(): string {
  return `${CLIENT_KEY_PREFIX}${randomBytes(24).toString("base64url")}`;
}

/** The stored form of a client key. */
export function hashClientKey(key: string): string {
  return hash("sha256", key, "hex");
}

/** Masked form for display: `mg-…wxyz`. */
export function clientKeyHint(key: string): string {
  return `${CLIENT_KEY_PREFIX}…${key.slice(-4)}`;
}

/**
 * Parses the stored allowed-model list: null (every model) only for a NULL column; text that is
 * not a JSON array of strings allows nothing, so a damaged row never widens a key's access.
 */
export function parseAllowedModels(stored: string | null): string[] | null {
  if (stored === null) return null;
  try {
    const parsed: unknown = JSON.parse(stored);
    return Array.isArray(parsed) ? parsed.filter((entry): entry is string => typeof entry === "string") : [];
  } catch {
    return [];
  }
}
