/**
 * The operator's way back in: sets an admin user's password without knowing the old one, signs
 * the user out everywhere, and records the change in the audit trail. Used by
 * `npm run admin:reset-password`, which has database access and so the operator's authority.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { writeAuditEntry } from "../audit/audit-log";
import { CHANGED } from "../audit/audit-summary";
import { normaliseUsername } from "./admin-username";
import { hashPassword } from "./password-hash";

/** Who the audit trail names for changes made from the command line. */
export const COMMAND_LINE_ACTOR = "(command line)";

/** The user whose password was reset. */
export interface PasswordResetResult {
  id: number;
  username: string;
  isActive: boolean;
}

/** Resets the password of `username` (as logins normalise it); null when no such user exists. */
export async function resetAdminPassword(db: Kysely<Database>, username: string, password: string, now: number): Promise<PasswordResetResult | null> {
  const normalised = normaliseUsername(username);
  const user = await db.selectFrom("t_admin_users").select(["id", "username", "is_active"]).where("username", "=", normalised).executeTakeFirst();
  if (!user || user.username !== normalised) return null;
  const passwordHash = await hashPassword(password);
  await db
    .updateTable("t_admin_users")
    .set((eb) => ({ password_hash: passwordHash, token_version: eb("token_version", "+", 1), updated_at: now }))
    .where("id", "=", user.id)
    .execute();
  await writeAuditEntry(db, {
    at: now,
    adminUserId: null,
    adminUsername: COMMAND_LINE_ACTOR,
    action: "user.password_reset",
    targetType: "user",
    targetId: String(user.id),
    summary: { username: user.username, password: CHANGED },
    ip: null,
    requestId: null,
  });
  return { id: Number(user.id), username: user.username, isActive: user.is_active === 1 };
}
