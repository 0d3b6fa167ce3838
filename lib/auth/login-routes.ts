/**
 * POST /api/auth/login: username + password -> JWT. Five failures for one user from one IP
 * within 15 minutes lock that pair out for 15 minutes (shared state, so it holds across instances).
 * The user is looked up, and locked out, by its normalised username, compared exactly, so no
 * other spelling of a locked name gets further guesses and no database collation merges names.
 */
import { Hono } from "hono";
import * as z from "zod";
import type { AppDeps } from "../deps";
import { AuthenticationError, RateLimitError } from "../errors";
import type { AppEnv } from "../http/app-env";
import { clientIp } from "../http/client-ip";
import { validate } from "../http/validation";
import { limitRefusal } from "../limits/rate-limit-middleware";
import type { AdminSessions } from "./admin-sessions";
import { normaliseUsername } from "./admin-username";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "./password-hash";

const loginSchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});

/** Failures allowed per (user, IP) and window. */
export const LOGIN_FAILURE_LIMIT = 5;
/** Window and lockout length. */
export const LOGIN_LOCKOUT_MS = 15 * 60 * 1000;
/** What a lockout's 429 names as its limit: a fixed rule, not a setting. */
export const LOGIN_LOCKOUT_RULE = "login_lockout";

/** Routes mounted at /api/auth. */
export function loginRoutes(deps: AppDeps, sessions: AdminSessions) {
  const { db } = deps.database;
  const app = new Hono<AppEnv>();

  app.post("/login", validate("json", loginSchema), async (c) => {
    const { password } = c.req.valid("json");
    const username = normaliseUsername(c.req.valid("json").username);
    const now = deps.clock.now();
    const ip = clientIp(c);
    // JSON-encoded so no name can forge the separator between name and address.
    const subject = `login:${JSON.stringify([username, ip])}`;
    const locked = (await deps.limits.getCooldowns([subject], now)).get(subject);
    if (locked) throw new RateLimitError("Too many failed logins; try again later", locked - now, {}, limitRefusal(LOGIN_LOCKOUT_RULE, locked - now, now));

    const found = username === "" ? undefined : await db.selectFrom("t_admin_users").selectAll().where("username", "=", username).executeTakeFirst();
    // Exact on the normalised name, whatever the column's collation called equal.
    const user = found?.username === username ? found : undefined;
    // Same scrypt cost whether or not the user exists, so timing does not reveal usernames.
    const valid = await verifyPassword(password, user?.password_hash ?? (await DUMMY_PASSWORD_HASH));
    if (!user || !valid || user.is_active !== 1) {
      const failures = await deps.limits.admit(`${subject}:failures`, [{ name: "fail", limit: LOGIN_FAILURE_LIMIT - 1, windowMs: LOGIN_LOCKOUT_MS, cost: 1 }], now);
      if (!failures.allowed) await deps.limits.setCooldown(subject, now + LOGIN_LOCKOUT_MS, now);
      deps.logger.warn("login failed", { username, ip, requestId: c.get("requestId") });
      throw new AuthenticationError("Invalid username or password");
    }

    await db.updateTable("t_admin_users").set({ last_login_at: now }).where("id", "=", user.id).execute();
    const token = await sessions.issue(user);
    return c.json({ code: 200, data: { token, expiresIn: sessions.expiresInSeconds, username: user.username, role: user.role } });
  });

  return app;
}
