/**
 * Keeps API keys out of error messages. Upstreams echo keys back (OpenAI's "Incorrect API key
 * provided: sk-…", proxies that repeat the whole request) and peers leaked them that way
 * (litellm PR #25203, issue #5762), so every message that leaves an adapter passes through here.
 */

/** Anything shaped like a provider secret: `sk-…`, `sk-ant-…`, `sk-proj-…`. */
const keyShapedPattern = /\bsk-[A-Za-z0-9_\-*.]{4,}/g;
/** Credentials in echoed headers: `Bearer xyz`, `x-api-key: xyz`. */
const credentialHeaderPattern = /(bearer\s+|x-api-key["']?\s*[:=]\s*["']?)[^\s"',;]+/gi;

/** The placeholder that replaces a redacted secret. */
export const redactedPlaceholder = "[redacted]";

/**
 * Removes every occurrence of the given secrets and of anything that looks like an API key.
 *
 * @param text message to clean
 * @param secrets exact values to remove (the key used for the call); empty values are ignored
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let result = text;
  for (const secret of secrets) {
    // Very short "secrets" would shred ordinary words; real keys are long.
    if (secret && secret.length >= 8) result = result.split(secret).join(redactedPlaceholder);
  }
  return result
    .replace(keyShapedPattern, redactedPlaceholder)
    .replace(credentialHeaderPattern, (_match, prefix: string) => `${prefix}${redactedPlaceholder}`);
}
