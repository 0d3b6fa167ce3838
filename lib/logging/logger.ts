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

// Provider and client key shapes (sk-…, sk-ant-…, mg-…) and bearer tokens / JWTs.
const SECRET_PATTERNS = [
  /\b(sk|mg|rk|pk)-[A-Za-z0-9_-]{8,}/g,
  /\bBearer\s+[A-Za-z0-9._~+/-]{8,}=*/gi,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
];

/** Replaces anything that looks like a secret with a masked marker. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const pattern of SECRET_PATTERNS) result = result.replace(pattern, "[redacted]");
  return result;
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
