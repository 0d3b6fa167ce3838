/**
 * /api/admin/users: the people who sign in to the admin side. Views never show password hashes.
 * Two rules keep someone able to administer: the last active admin cannot be deleted, demoted
 * or deactivated, and nobody can delete, demote or deactivate themselves (nor set their own
 * password here: that goes through POST /api/auth/password, which asks for the current one).
 * A change of name, role, password or active flag signs the user out everywhere at once.
 */
import { Hono } from "hono";
import type { AdminUserRow } from "../../db/schema";
import type { AdminSessions } from "../auth/admin-sessions";
import { hashPassword } from "../auth/password-hash";
import { isUniqueViolation } from "../catalogue/database-errors";
import type { AppDeps } from "../deps";
import { ConflictError, NotFoundError } from "../errors";
import type { AppEnv } from "../http/app-env";
import { validate } from "../http/validation";
import { idParamSchema } from "./admin-schemas";
import { userCreateSchema, userUpdateSchema, type UserUpdate } from "./user-schemas";

const iso = (time: number | null) => (time === null ? null : new Date(Number(time)).toISOString());

/** A user as the admin API shows it. */
export function userView(row: AdminUserRow) {
  return {
    id: Number(row.id),
    username: row.username,
    role: row.role,
    isActive: row.is_active === 1,
    lastLoginAt: iso(row.last_login_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

const isActiveAdmin = (row: Pick<AdminUserRow, "role" | "is_active">) => row.role === "admin" && row.is_active === 1;

/** Routes mounted at /api/admin/users. */
export function userRoutes(deps: AppDeps, sessions: AdminSessions) {
  const { db } = deps.database;
  const app = new Hono<AppEnv>();

  const findUser = async (id: number) => {
    const row = await db.selectFrom("t_admin_users").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError(`User ${id} not found`);
    return row;
  };
  const callerId = (caller: AppEnv["Variables"]["caller"]) => (caller?.kind === "admin" ? caller.userId : null);
  const anyActiveAdmin = async (except?: number) => {
    let query = db.selectFrom("t_admin_users").select("id").where("role", "=", "admin").where("is_active", "=", 1);
    if (except !== undefined) query = query.where("id", "!=", except);
    return (await query.limit(1).execute()).length > 0;
  };
  const lastAdmin = (target: AdminUserRow, what: string) => new ConflictError(`Cannot ${what} '${target.username}': it is the last active admin`);
  /**
   * Demotes or deactivates `target` unless that leaves no active admin. Checked before (the clear
   * answer) and again after the write: two admins demoting each other at once both pass the first
   * check, both see nobody left in the second, and both put their target back.
   */
  const demote = async (target: AdminUserRow, changes: { role?: "admin" | "viewer"; is_active?: number }, what: string) => {
    if (isActiveAdmin(target) && !(await anyActiveAdmin(target.id))) throw lastAdmin(target, what);
    await sessions.revoke(target.id, changes);
    if (isActiveAdmin(target) && !(await anyActiveAdmin())) {
      await sessions.revoke(target.id, { role: target.role, is_active: target.is_active });
      throw lastAdmin(target, what);
    }
  };
  const duplicateName = (username: string) => new ConflictError(`Username '${username}' is already taken`);

  app.get("/", async (c) => {
    const rows = await db.selectFrom("t_admin_users").selectAll().orderBy("id").execute();
    return c.json({ code: 200, data: rows.map(userView) });
  });

  app.get("/:id", validate("param", idParamSchema), async (c) => c.json({ code: 200, data: userView(await findUser(c.req.valid("param").id)) }));

  app.post("/", validate("json", userCreateSchema), async (c) => {
    const body = c.req.valid("json");
    const taken = await db.selectFrom("t_admin_users").select("id").where("username", "=", body.username).executeTakeFirst();
    if (taken) throw duplicateName(body.username);
    const now = deps.clock.now();
    try {
      const result = await db
        .insertInto("t_admin_users")
        .values({
          username: body.username,
          password_hash: await hashPassword(body.password),
          role: body.role,
          is_active: body.isActive ? 1 : 0,
          created_at: now,
          updated_at: now,
        })
        .executeTakeFirstOrThrow();
      return c.json({ code: 200, data: userView(await findUser(Number(result.insertId))) });
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateName(body.username);
      throw error;
    }
  });

  app.put("/:id", validate("param", idParamSchema), validate("json", userUpdateSchema), async (c) => {
    const { id } = c.req.valid("param");
    const body: UserUpdate = c.req.valid("json");
    const target = await findUser(id);
    const demotes = (body.role !== undefined && body.role !== "admin") || body.isActive === false;
    if (callerId(c.get("caller")) === id) {
      if (demotes) throw new ConflictError("You cannot demote or deactivate yourself; ask another admin");
      if (body.password !== undefined) throw new ConflictError("Change your own password with POST /api/auth/password (it asks for the current one)");
    }
    if (body.username !== undefined && body.username !== target.username) {
      const taken = await db.selectFrom("t_admin_users").select("id").where("username", "=", body.username).executeTakeFirst();
      if (taken) throw duplicateName(body.username);
    }
    const roleChanges = {
      ...(body.role !== undefined && { role: body.role }),
      ...(body.isActive !== undefined && { is_active: body.isActive ? 1 : 0 }),
    };
    if (demotes) await demote(target, roleChanges, body.isActive === false ? "deactivate" : "demote");
    try {
      await sessions.revoke(id, {
        ...(body.username !== undefined && { username: body.username }),
        ...(body.password !== undefined && { password_hash: await hashPassword(body.password) }),
        ...(!demotes && roleChanges),
      });
    } catch (error) {
      if (isUniqueViolation(error) && body.username !== undefined) throw duplicateName(body.username);
      throw error;
    }
    return c.json({ code: 200, data: userView(await findUser(id)) });
  });

  app.delete("/:id", validate("param", idParamSchema), async (c) => {
    const { id } = c.req.valid("param");
    const target = await findUser(id);
    if (callerId(c.get("caller")) === id) throw new ConflictError("You cannot delete yourself; ask another admin");
    // Deactivated first, under the last-admin rule (this also signs the user out at once).
    await demote(target, { is_active: 0 }, "delete");
    await db.deleteFrom("t_admin_users").where("id", "=", id).execute();
    return c.json({ code: 200, data: { id, username: target.username, deleted: true } });
  });

  return app;
}
