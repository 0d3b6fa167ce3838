/**
 * Structured logging: one JSON line per event on stdout/stderr, with a last line of defence
 * that masks anything shaped like an API key or bearer token before it is written.
 */

/** Log levels in increasing severity. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** The logger every module receives through its dependencies. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** The placeholder that replaces a redacted secret. */
export const REDACTED = "[redacted]";

// Upstreams echo keys back ("Incorrect API key provided: sk-…") and peers leaked them that way
// (https://github.com/BerriAI/litellm/issues/5762): provider and client key shapes (sk-…, sk-ant-…, mg-…),
// credentials in echoed headers, and JWTs.
const KEY_SHAPED = /\b(sk|mg|rk|pk)-[A-Za-z0-9_\-*.]{4,}/g;
const CREDENTIAL_HEADER = /(bearer\s+|x-api-key["']?\s*[:=]\s*["']?)[^\s"',;]+/gi;
const JWT_SHAPED = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;

/**
 * Removes the given secrets and anything shaped like an API key, bearer credential or JWT.
 * Every log line and every upstream error message passes through here.
 * @param secrets exact values to remove as well (the key used for a call); values under 8
 *   characters are ignored, since they would shred ordinary words
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 8) result = result.split(secret).join(REDACTED);
  }
  return result
    .replace(KEY_SHAPED, REDACTED)
    .replace(CREDENTIAL_HEADER, (_match, prefix: string) => `${prefix}${REDACTED}`)
    .replace(JWT_SHAPED, REDACTED);
}

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** @default "info" */
  level?: LogLevel;
  /** Where lines go. @default process.stdout / process.stderr writes */
  write?: (line: string, level: LogLevel) => void;
  /** Fields added to every line. */
  base?: Record<string, unknown>;
  /** Clock for the `time` field. @default Date.now */
  now?: () => number;
}

/** Creates a JSON-lines logger. */
export function createLogger({ level = "info", write, base = {}, now = Date.now }: LoggerOptions = {}): Logger {
  const minimum = LEVEL_ORDER[level];
  const sink =
    write ??
    ((line: string, lineLevel: LogLevel) => (lineLevel === "error" || lineLevel === "warn" ? process.stderr : process.stdout).write(`${line}\n`));
  const emit = (lineLevel: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (LEVEL_ORDER[lineLevel] < minimum) return;
    const line = JSON.stringify({ level: lineLevel, time: new Date(now()).toISOString(), message, ...base, ...fields }, errorReplacer);
    sink(redactSecrets(line), lineLevel);
  };
  return {
    debug: (message, fields) => emit("debug", message, fields),
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
  };
}

/** Errors serialize as name + message only: stack traces stay out of shared logs. */
function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

/** A logger that drops everything (tests that don't care). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
