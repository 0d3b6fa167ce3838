/**
 * Recognises unique-key violations across SQLite, mysql2 and PlanetScale so a duplicate becomes a 409.
 */

/** True when `error` is a unique/duplicate-key violation from any supported driver. */
export function isUniqueViolation(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  const { code, errno, message } = error as { code?: unknown; errno?: unknown; message?: unknown };
  if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") return true;
  if (code === "ER_DUP_ENTRY" || errno === 1062) return true;
  // PlanetScale reports MySQL errors inside the message text: "… (errno 1062) (sqlstate 23000) …".
  return typeof message === "string" && /\(errno 1062\)/.test(message);
}
