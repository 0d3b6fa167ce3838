/**
 * `npm run admin:reset-password -- <username>`: sets a new password for an admin user and signs
 * that user out everywhere. The password is `ADMIN_PASSWORD` when set, else a random one printed
 * once. Reads the same database settings as the app (DATABASE_*, DATA_DIR) and applies pending
 * migrations first, as `npm run db:init` does, so the audit trail it writes exists. Prints one line;
 * exits non-zero with one line naming the cause (unknown user, bad setting, unreachable database).
 */
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { createDatabase } from "../db/connection";
import { migrateToLatest } from "../db/migrate";
import { resetAdminPassword } from "../lib/auth/password-reset";
import { MIN_ADMIN_PASSWORD_LENGTH } from "../lib/auth/password-hash";
import { parseSettings } from "../lib/config/settings";
import { fatalErrorLine } from "../lib/runtime/fatal-error";

/** Where the command writes. */
export interface CommandOutput {
  info(line: string): void;
  error(line: string): void;
}

const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/** Runs the command; returns the exit code. */
export async function resetPasswordCommand(environment: Record<string, string | undefined>, args: string[], output: CommandOutput): Promise<number> {
  const username = args.find((arg) => arg !== "--")?.trim() ?? "";
  if (username === "" || args.filter((arg) => arg !== "--").length > 1) {
    output.error("usage: npm run admin:reset-password -- <username>   (ADMIN_PASSWORD=… to choose the password)");
    return 2;
  }
  const chosen = environment.ADMIN_PASSWORD;
  if (chosen !== undefined && chosen.length < MIN_ADMIN_PASSWORD_LENGTH) {
    output.error(`admin:reset-password: ADMIN_PASSWORD must be at least ${MIN_ADMIN_PASSWORD_LENGTH} characters`);
    return 1;
  }
  try {
    // ADMIN_USERNAME/ADMIN_PASSWORD mean the bootstrap admin to the app; here the password is the new one.
    const settings = parseSettings({ ...environment, ADMIN_USERNAME: undefined, ADMIN_PASSWORD: undefined });
    const database = await createDatabase(settings.database);
    try {
      await migrateToLatest(database);
      const password = chosen ?? randomBytes(18).toString("base64url");
      const user = await resetAdminPassword(database.db, username, password, Date.now());
      if (!user) {
        const where = settings.database.kind === "sqlite" ? settings.database.file : `${database.kind} database`;
        output.error(`admin:reset-password: no admin user '${oneLine(username)}' in ${where}`);
        return 1;
      }
      const inactive = user.isActive ? "" : " (this user is deactivated: an admin must reactivate it before it can log in)";
      const shown = chosen === undefined ? `new password: ${password} (shown once)` : "password set from ADMIN_PASSWORD";
      output.info(`Admin '${user.username}': ${shown}; every session of this user is signed out${inactive}`);
      return 0;
    } finally {
      await database.close();
    }
  } catch (error) {
    output.error(`admin:reset-password: ${fatalErrorLine(error, environment)}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const output: CommandOutput = { info: (line) => console.log(line), error: (line) => console.error(line) };
  process.exitCode = await resetPasswordCommand(process.env, process.argv.slice(2), output);
}
