/**
 * The first admin: from ADMIN_USERNAME/ADMIN_PASSWORD, or, on the local default only, a random
 * password printed once to the terminal. There is never a default password.
 */
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import type { Logger } from "../logging/logger";
import { normaliseUsername } from "./admin-username";
import { hashPassword } from "./password-hash";

/** What happened at bootstrap. */
export type BootstrapResult =
  | { created: false }
  | { created: true; username: string; generatedPassword: string | null };

/**
 * Creates the first admin when there is none.
 * @param options.allowGenerated generate a random password when no credentials are configured (local only)
 */
export async function ensureBootstrapAdmin(
  db: Kysely<Database>,
  options: { credentials: { username: string; password: string } | null; allowGenerated: boolean; now: number; logger: Logger },
): Promise<BootstrapResult> {
  const existing = await db.selectFrom("t_admin_users").select("id").limit(1).executeTakeFirst();
  if (existing) return { created: false };
  if (!options.credentials && !options.allowGenerated) {
    options.logger.warn("no admin user exists; set ADMIN_USERNAME and ADMIN_PASSWORD and run `npm run db:init`");
    return { created: false };
  }
  // Stored as logins look it up: `Admin` is created as `admin`.
  const username = normaliseUsername(options.credentials?.username ?? "admin");
  const generatedPassword = options.credentials ? null : randomBytes(12).toString("base64url");
  const password = options.credentials?.password ?? generatedPassword!;
  await db
    .insertInto("t_admin_users")
    .values({ username, password_hash: await hashPassword(password), role: "admin", is_active: 1, created_at: options.now, updated_at: options.now })
    .execute();
  options.logger.info("bootstrap admin created", { username, generated: generatedPassword !== null });
  return { created: true, username, generatedPassword };
}
