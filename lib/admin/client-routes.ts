/**
 * /api/admin/clients: API keys for applications. The key is in the create response only;
 * afterwards just its hint. DELETE revokes (the row stays so logs keep their client).
 * Allowed models are saved as `provider/model`: a bare code must name exactly one catalogue model.
 */
import { Hono } from "hono";
import * as z from "zod";
import type { ClientKeyRow } from "../../db/schema";
import { canonicalAllowedModels } from "../auth/client-allowed-models";
import { clientKeyHint, generateClientKey, hashClientKey, parseAllowedModels } from "../auth/client-keys";
import type { AppDeps } from "../deps";
import { ConflictError, NotFoundError } from "../errors";
import type { AppEnv } from "../http/app-env";
import { validate } from "../http/validation";
import { idParamSchema, plainTextSchema } from "./admin-schemas";

const modelList = z.array(plainTextSchema(100)).max(200).nullable();

const clientCreateSchema = z.object({
  name: plainTextSchema(100),
  allowedModels: modelList.default(null),
  rateLimitRpm: z.number().int().positive().max(1_000_000).nullable().default(null),
});

const clientUpdateSchema = z
  .object({
    name: plainTextSchema(100),
    allowedModels: modelList,
    rateLimitRpm: z.number().int().positive().max(1_000_000).nullable(),
    isActive: z.boolean(),
  })
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, "at least one field is required");


/** A client key as the admin API shows it (never the key or its hash). */
export function clientView(row: ClientKeyRow) {
  return {
    id: row.id,
    name: row.name,
    keyHint: row.key_hint,
    allowedModels: parseAllowedModels(row.allowed_models),
    rateLimitRpm: row.rate_limit_rpm,
    isActive: row.is_active === 1 && row.revoked_at === null,
    lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at).toISOString(),
  };
}

/** Routes mounted at /api/admin/clients. */
export function clientRoutes(deps: AppDeps) {
  const { db } = deps.database;
  const app = new Hono<AppEnv>();
  const findClient = async (id: number) => {
    const row = await db.selectFrom("t_client_keys").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError(`Client ${id} not found`);
    return row;
  };

  app.get("/", async (c) => {
    const rows = await db.selectFrom("t_client_keys").selectAll().orderBy("id", "desc").execute();
    return c.json({ code: 200, data: rows.map(clientView) });
  });

  /** The column value for an admin's list: null (every model) or the resolved entries. */
  const storedAllowedModels = async (entries: string[] | null) => (entries === null ? null : JSON.stringify(await canonicalAllowedModels(db, entries)));

  app.post("/", validate("json", clientCreateSchema), async (c) => {
    const body = c.req.valid("json");
    const allowedModels = await storedAllowedModels(body.allowedModels);
    const apiKey = generateClientKey();
    const result = await db
      .insertInto("t_client_keys")
      .values({
        name: body.name,
        key_hash: hashClientKey(apiKey),
        key_hint: clientKeyHint(apiKey),
        allowed_models: allowedModels,
        rate_limit_rpm: body.rateLimitRpm,
        is_active: 1,
        created_at: deps.clock.now(),
      })
      .executeTakeFirstOrThrow();
    const row = await findClient(Number(result.insertId));
    // The only time the key is ever shown.
    return c.json({ code: 200, data: { ...clientView(row), apiKey } });
  });

  app.get("/:id", validate("param", idParamSchema), async (c) => c.json({ code: 200, data: clientView(await findClient(c.req.valid("param").id)) }));

  app.put("/:id", validate("param", idParamSchema), validate("json", clientUpdateSchema), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const existing = await findClient(id);
    if (existing.revoked_at !== null && body.isActive === true) {
      throw new ConflictError(`Client ${id} was revoked; create a new key instead`);
    }
    const allowedModels = body.allowedModels === undefined ? undefined : await storedAllowedModels(body.allowedModels);
    await db
      .updateTable("t_client_keys")
      .set({
        ...(body.name !== undefined && { name: body.name }),
        ...(allowedModels !== undefined && { allowed_models: allowedModels }),
        ...(body.rateLimitRpm !== undefined && { rate_limit_rpm: body.rateLimitRpm }),
        ...(body.isActive !== undefined && { is_active: body.isActive ? 1 : 0 }),
      })
      .where("id", "=", id)
      .execute();
    return c.json({ code: 200, data: clientView(await findClient(id)) });
  });

  app.delete("/:id", validate("param", idParamSchema), async (c) => {
    const { id } = c.req.valid("param");
    await findClient(id);
    await db.updateTable("t_client_keys").set({ is_active: 0, revoked_at: deps.clock.now() }).where("id", "=", id).execute();
    return c.json({ code: 200, data: clientView(await findClient(id)) });
  });

  return app;
}
