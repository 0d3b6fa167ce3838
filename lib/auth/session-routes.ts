/**
 * The caller's own session, mounted at /api/auth beside login, for admins and viewers alike:
 * - POST /logout revokes every token the caller holds (on every instance within the session
 *   cache bound, here at once).
 * - POST /password `{currentPassword, newPassword}` changes the caller's password, revokes
 *   every older token, and returns a new one. Wrong current passwords count like failed logins:
 *   five in 15 minutes lock the change out for 15 minutes.
 */
import { Hono, type Context } from "hono";
import * as z from "zod";
import type { AppDeps } from "../deps";
import { AuthenticationError, RateLimitError } from "../errors";
import type { AppEnv } from "../http/app-env";
import { validate } from "../http/validation";
import type { AdminSession, AdminSessions } from "./admin-sessions";
import { limitRefusal } from "../limits/rate-limit-middleware";
import { LOGIN_FAILURE_LIMIT, LOGIN_LOCKOUT_MS, LOGIN_LOCKOUT_RULE } from "./login-routes";
import { hashPassword, MIN_ADMIN_PASSWORD_LENGTH, verifyPassword } from "./password-hash";
import { bearerToken } from "./require-admin";

const passwordChangeSchema = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(MIN_ADMIN_PASSWORD_LENGTH, `must be at least ${MIN_ADMIN_PASSWORD_LENGTH} characters`).max(256),
});

/** Session routes mounted at /api/auth. */
export function sessionRoutes(deps: AppDeps, sessions: AdminSessions) {
  const { db } = deps.database;
  const app = new Hono<AppEnv>();

  const callerSession = async (c: Context<AppEnv>): Promise<AdminSession> => {
    const token = bearerToken(c.req.header("authorization"));
    if (!token) throw new AuthenticationError("Missing bearer token");
    const session = await sessions.verify(token);
    if (!session) throw new AuthenticationError("Invalid or expired token");
    return session;
  };

  app.post("/logout", async (c) => {
    const session = await callerSession(c);
    await sessions.revoke(session.userId);
    deps.logger.info("admin logged out", { username: session.username, requestId: c.get("requestId") });
    return c.json({ code: 200, data: { loggedOut: true } });
  });

  // The token is checked before the body, so an anonymous caller learns nothing about the rules.
  app.use("/password", async (c, next) => {
    const session = await callerSession(c);
    c.set("caller", { kind: "admin", userId: session.userId, username: session.username, role: session.role });
    await next();
  });
  app.post("/password", validate("json", passwordChangeSchema), async (c) => {
    const caller = c.get("caller");
    if (caller?.kind !== "admin") throw new AuthenticationError("Invalid or expired token");
    const { currentPassword, newPassword } = c.req.valid("json");
    const now = deps.clock.now();
    const subject = `password-change:${caller.userId}`;
    const locked = (await deps.limits.getCooldowns([subject], now)).get(subject);
    if (locked) throw new RateLimitError("Too many wrong passwords; try again later", locked - now, {}, limitRefusal(LOGIN_LOCKOUT_RULE, locked - now, now));

    const user = await db.selectFrom("t_admin_users").selectAll().where("id", "=", caller.userId).executeTakeFirst();
    if (!user || !(await verifyPassword(currentPassword, user.password_hash))) {
      const failures = await deps.limits.admit(`${subject}:failures`, [{ name: "fail", limit: LOGIN_FAILURE_LIMIT - 1, windowMs: LOGIN_LOCKOUT_MS, cost: 1 }], now);
      if (!failures.allowed) await deps.limits.setCooldown(subject, now + LOGIN_LOCKOUT_MS, now);
      deps.logger.warn("password change refused", { username: caller.username, requestId: c.get("requestId") });
      throw new AuthenticationError("Current password is wrong");
    }

    await sessions.revoke(user.id, { password_hash: await hashPassword(newPassword) });
    const updated = await db.selectFrom("t_admin_users").selectAll().where("id", "=", user.id).executeTakeFirstOrThrow();
    deps.logger.info("admin password changed", { username: updated.username, requestId: c.get("requestId") });
    const token = await sessions.issue(updated);
    return c.json({ code: 200, data: { token, expiresIn: sessions.expiresInSeconds, username: updated.username, role: updated.role } });
  });

  return app;
}
