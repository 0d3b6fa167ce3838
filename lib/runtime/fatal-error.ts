/**
 * The one line a script or the local server prints when it cannot do its job: the setting or
 * the cause to fix (a port in use, a database host that does not resolve or answer, a bad
 * setting, keys under a master key this process lacks), never a stack trace and never a secret
 * (a DATABASE_URL is named, not quoted, since it may carry a password).
 */

type Environment = Record<string, string | undefined>;

interface SystemError {
  code?: unknown;
  syscall?: unknown;
  hostname?: unknown;
  address?: unknown;
  port?: unknown;
  path?: unknown;
  message: string;
}

/** The error itself or the first of its causes that carries a system or driver error code. */
function codedError(error: unknown): SystemError | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (typeof (current as SystemError).code === "string") return current as SystemError;
  }
  return undefined;
}

/** The database setting in use, for messages about the database. */
function databaseSetting(environment: Environment): string {
  if (environment.DATABASE_URL) return "DATABASE_URL";
  if (environment.DATABASE_HOST) return "DATABASE_HOST";
  return "DATA_DIR";
}

/** The setting whose URL or host names `host`; the database setting when none does. */
function settingForHost(host: string, environment: Environment): string {
  const hostOf = (value: string | undefined) => {
    try {
      return value ? new URL(value.includes("://") ? value : `https://${value}`).hostname : undefined;
    } catch {
      return undefined;
    }
  };
  for (const setting of ["DATABASE_URL", "DATABASE_HOST", "UPSTASH_REDIS_REST_URL", "ALERT_WEBHOOK_URL"]) {
    if (hostOf(environment[setting]) === host) return setting;
  }
  return databaseSetting(environment);
}

/** What went wrong, in one line naming what to change. */
export function fatalErrorLine(error: unknown, environment: Environment = process.env): string {
  const coded = codedError(error);
  const code = coded?.code;
  if (coded && code === "EADDRINUSE") {
    return `port ${String(coded.port ?? environment.PORT ?? "")} on ${String(coded.address ?? environment.HOST ?? "")} is already in use: stop the process using it or set PORT to a free port`;
  }
  if (coded && code === "EACCES" && coded.syscall === "listen") {
    return `not allowed to listen on port ${String(coded.port ?? "")}: set PORT to a port above 1023`;
  }
  if (coded && (code === "ENOTFOUND" || code === "EAI_AGAIN")) {
    const host = String(coded.hostname ?? "");
    return `unknown host '${host}' (${settingForHost(host, environment)}): check the host name`;
  }
  if (coded && (code === "ECONNREFUSED" || code === "ETIMEDOUT" || code === "EHOSTUNREACH")) {
    const target = coded.address ? `${String(coded.address)}:${String(coded.port ?? "")}` : "the server";
    return `cannot connect to ${target} (${code}; ${databaseSetting(environment)}): is the server running and the address right?`;
  }
  if (code === "ER_ACCESS_DENIED_ERROR") return `the database refused the user name or password in ${databaseSetting(environment)}`;
  if (code === "ER_BAD_DB_ERROR") return `the database named in ${databaseSetting(environment)} does not exist: create it first`;
  if (coded && code === "ENOENT") return `no such file: ${String(coded.path ?? coded.message)}`;
  if (coded && typeof code === "string" && code.startsWith("SQLITE_CANTOPEN")) return `cannot open the SQLite file under DATA_DIR: check that the folder exists and is writable`;
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]!.trim() || "unknown error";
}

/** Prints `<what>: <the line>` to stderr and ends the process with `exitCode`. */
export function exitWithFatalError(what: string, error: unknown, exitCode = 1): never {
  process.stderr.write(`${what}: ${fatalErrorLine(error)}\n`);
  process.exit(exitCode);
}

/**
 * Runs a script's `main`; its result is the exit code (0 when nothing is returned). Any error
 * ends the process with one line and exit code 1.
 */
export function runScript(what: string, main: () => Promise<number | void>): void {
  main().then(
    (exitCode) => {
      process.exitCode = exitCode ?? 0;
    },
    (error: unknown) => exitWithFatalError(what, error),
  );
}
