/**
 * Secrets generated on first local start (the master key, the JWT secret) and kept in the
 * data directory, so `npm start` works with no settings and survives restarts.
 *
 * File content: the random bytes as base64 plus a newline, mode 0600, in a 0700 directory.
 * Creation is atomic and race-free: the bytes go to a private temp file first, which is then
 * hard-linked to the final name. `link` fails if the name exists, so when two processes start
 * at once exactly one file wins and both read it.
 */
import { randomBytes } from "node:crypto";
import { chmod, link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Where warnings go; `console` fits. */
export interface WarningLogger {
  warn(message: string): void;
}

/** A local secret file that exists but cannot be used. The message names the file, never its content. */
export class LocalSecretFileError extends Error {
  override readonly name = "LocalSecretFileError";
}

/**
 * Reads `<dataDir>/<fileName>`, or creates it with `bytes` random bytes when missing.
 *
 * @param dataDir - directory to keep the file in; created (mode 0700) when missing.
 * @param fileName - plain file name, e.g. `master.key`.
 * @param bytes - secret length in bytes; an existing file of another length is an error.
 * @param logger - receives one warning when the file is created (the path, never the secret);
 *   `@default console`.
 * @throws LocalSecretFileError when the file exists but does not hold `bytes` bytes of base64.
 */
export async function loadOrCreateLocalSecret(
  dataDir: string,
  fileName: string,
  bytes: number,
  logger: WarningLogger = console,
): Promise<Buffer> {
  if (fileName.includes("/") || fileName.includes("\\") || fileName === "." || fileName === "..") {
    throw new LocalSecretFileError(`Local secret file name must be a plain file name, got "${fileName}"`);
  }
  const path = join(dataDir, fileName);
  const existing = await readSecret(path, bytes);
  if (existing) return existing;

  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(bytes);
  const temporaryPath = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temporaryPath, `${secret.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  try {
    // writeFile's mode is filtered by the umask; make sure group and others really get nothing.
    await chmod(temporaryPath, 0o600);
    await link(temporaryPath, path);
  } catch (error) {
    if (!isErrorCode(error, "EEXIST")) throw error;
    // Another process created it between our read and our link: use theirs.
    const winner = await readSecret(path, bytes);
    if (winner) return winner;
    throw new LocalSecretFileError(`Local secret file ${path} appeared but could not be read`);
  } finally {
    await unlink(temporaryPath).catch(() => undefined);
  }
  logger.warn(
    `Generated a new local secret in ${path} (mode 0600). Fine for local use; when deployed, configure the secret instead and keep this file out of version control.`,
  );
  return secret;
}

/** The decoded secret, or undefined when the file does not exist. */
async function readSecret(path: string, bytes: number): Promise<Buffer | undefined> {
  let content: string;
  try {
    content = await readFile(path, "utf8");
  } catch (error) {
    if (isErrorCode(error, "ENOENT")) return undefined;
    throw error;
  }
  const text = content.trim();
  const secret = Buffer.from(text, "base64");
  // Buffer.from silently skips junk, so compare against a re-encoding to reject anything but clean base64.
  if (secret.length !== bytes || secret.toString("base64") !== text) {
    throw new LocalSecretFileError(`Local secret file ${path} must contain ${bytes} bytes as base64 (it is not replaced automatically: data encrypted with it would become unreadable)`);
  }
  return secret;
}

function isErrorCode(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}
