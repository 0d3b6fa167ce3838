/**
 * /api/admin/ai-providers: providers and their keys. Keys are encrypted before they are stored
 * and shown only as a masked hint afterwards.
 */
import { Hono } from "hono";
import type { AppDeps } from "../deps";
import { ConflictError, NotFoundError } from "../errors";
import type { AppEnv } from "../http/app-env";
import { validate } from "../http/validation";
import { assertDestinationAllowed } from "../network/destination-policy";
import { keyHint } from "../crypto/key-cipher";
import { apiKeyView, providerView } from "../catalogue/catalogue-views";
import { isUniqueViolation } from "../catalogue/database-errors";
import { catalogueChanged } from "../catalogue/catalogue-version";
import {
  idParamSchema,
  keyCreateSchema,
  keyIdParamSchema,
  keyUpdateSchema,
  providerCreateSchema,
  providerUpdateSchema,
} from "./admin-schemas";
import { assertProviderDeletable } from "./delete-rules";

/** Routes mounted at /api/admin/ai-providers. */
export function providerRoutes(deps: AppDeps) {
  const { db } = deps.database;
  const app = new Hono<AppEnv>();

  const findProvider = async (id: number) => {
    const row = await db.selectFrom("t_ai_providers").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError(`Provider ${id} not found`);
    return row;
  };
  const findKey = async (keyId: number) => {
    const row = await db.selectFrom("t_ai_api_keys").selectAll().where("id", "=", keyId).executeTakeFirst();
    if (!row) throw new NotFoundError(`Key ${keyId} not found`);
    return row;
  };

  // Key routes first: "/keys/:keyId" must not be taken for a provider id.
  app.put("/keys/:keyId", validate("param", keyIdParamSchema), validate("json", keyUpdateSchema), async (c) => {
    const { keyId } = c.req.valid("param");
    const body = c.req.valid("json");
    const existing = await findKey(keyId);
    const now = deps.clock.now();
    // A new secret, a re-enable or an explicit reset puts the key back in rotation.
    const resetsStatus = body.apiKey !== undefined || body.status === "normal" || (body.isActive === true && existing.is_active === 0);
    await db
      .updateTable("t_ai_api_keys")
      .set({
        ...(body.keyName !== undefined && { key_name: body.keyName }),
        ...(body.apiKey !== undefined && { api_key: deps.cipher.encrypt(body.apiKey), key_hint: keyHint(body.apiKey) }),
        ...(body.priority !== undefined && { priority: body.priority }),
        ...(body.weight !== undefined && { weight: body.weight }),
        ...(body.rateLimitRpm !== undefined && { rate_limit_rpm: body.rateLimitRpm }),
        ...(body.rateLimitTpm !== undefined && { rate_limit_tpm: body.rateLimitTpm }),
        ...(body.rateLimitRpd !== undefined && { rate_limit_rpd: body.rateLimitRpd }),
        ...(body.maxConcurrency !== undefined && { max_concurrency: body.maxConcurrency }),
        ...(body.isActive !== undefined && { is_active: body.isActive ? 1 : 0 }),
        ...(resetsStatus && { status: "normal", status_reason: null, status_changed_at: now, cooldown_until: null, consecutive_failures: 0 }),
        updated_at: now,
      })
      .where("id", "=", keyId)
      .execute();
    if (resetsStatus) await deps.limits.clearCooldown(`key:${keyId}`);
    await catalogueChanged(deps);
    return c.json({ code: 200, data: apiKeyView(await findKey(keyId), now) });
  });

  app.delete("/keys/:keyId", validate("param", keyIdParamSchema), async (c) => {
    const { keyId } = c.req.valid("param");
    const key = await findKey(keyId);
    await db.deleteFrom("t_ai_api_keys").where("id", "=", keyId).execute();
    await catalogueChanged(deps);
    // Name and hint say which key it was (the audit trail keeps them); the secret is gone.
    return c.json({ code: 200, data: { id: keyId, keyName: key.key_name, keyHint: key.key_hint, deleted: true } });
  });

  app.get("/", async (c) => {
    const now = deps.clock.now();
    const providers = await db.selectFrom("t_ai_providers").selectAll().orderBy("id").execute();
    const keyCounts = await db
      .selectFrom("t_ai_api_keys")
      .select((eb) => ["provider_id", "status", "is_active", eb.fn.countAll<number>().as("count")])
      .groupBy(["provider_id", "status", "is_active"])
      .execute();
    const data = providers.map((provider) => {
      const rows = keyCounts.filter((row) => row.provider_id === provider.id);
      const statusSummary: Record<string, number> = {};
      let keyCount = 0;
      let activeKeyCount = 0;
      for (const row of rows) {
        const count = Number(row.count);
        keyCount += count;
        if (row.is_active === 1) {
          activeKeyCount += count;
          statusSummary[row.status] = (statusSummary[row.status] ?? 0) + count;
        }
      }
      return { ...providerView(provider), keyCount, activeKeyCount, statusSummary, checkedAt: new Date(now).toISOString() };
    });
    return c.json({ code: 200, data });
  });

  app.post("/", validate("json", providerCreateSchema), async (c) => {
    const body = c.req.valid("json");
    assertDestinationAllowed(body.baseUrl, deps.settings.destinations, "baseUrl");
    const now = deps.clock.now();
    const duplicate = await db.selectFrom("t_ai_providers").select("id").where("code", "=", body.code).executeTakeFirst();
    if (duplicate) throw new ConflictError(`Provider code '${body.code}' already exists`);
    try {
      const result = await db
        .insertInto("t_ai_providers")
        .values({
          code: body.code,
          name: body.name,
          base_url: body.baseUrl,
          api_format: body.apiFormat,
          is_active: body.isActive ? 1 : 0,
          timeout_ms: body.timeout,
          created_at: now,
          updated_at: now,
        })
        .executeTakeFirstOrThrow();
      await catalogueChanged(deps);
      return c.json({ code: 200, data: providerView(await findProvider(Number(result.insertId))) });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`Provider code '${body.code}' already exists`);
      throw error;
    }
  });

  app.get("/:id", validate("param", idParamSchema), async (c) => {
    const { id } = c.req.valid("param");
    return c.json({ code: 200, data: providerView(await findProvider(id)) });
  });

  app.put("/:id", validate("param", idParamSchema), validate("json", providerUpdateSchema), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    if (body.baseUrl !== undefined) assertDestinationAllowed(body.baseUrl, deps.settings.destinations, "baseUrl");
    await findProvider(id);
    await db
      .updateTable("t_ai_providers")
      .set({
        ...(body.name !== undefined && { name: body.name }),
        ...(body.baseUrl !== undefined && { base_url: body.baseUrl }),
        ...(body.isActive !== undefined && { is_active: body.isActive ? 1 : 0 }),
        ...(body.timeout !== undefined && { timeout_ms: body.timeout }),
        updated_at: deps.clock.now(),
      })
      .where("id", "=", id)
      .execute();
    await catalogueChanged(deps);
    return c.json({ code: 200, data: providerView(await findProvider(id)) });
  });

  app.delete("/:id", validate("param", idParamSchema), async (c) => {
    const { id } = c.req.valid("param");
    const provider = await findProvider(id);
    await assertProviderDeletable(db, id);
    await db.deleteFrom("t_ai_providers").where("id", "=", id).execute();
    await catalogueChanged(deps);
    return c.json({ code: 200, data: { id, code: provider.code, name: provider.name, deleted: true } });
  });

  app.get("/:id/keys", validate("param", idParamSchema), async (c) => {
    const { id } = c.req.valid("param");
    await findProvider(id);
    const now = deps.clock.now();
    const rows = await db
      .selectFrom("t_ai_api_keys")
      .selectAll()
      .where("provider_id", "=", id)
      .orderBy("priority", "desc")
      .orderBy("id")
      .execute();
    return c.json({ code: 200, data: rows.map((row) => apiKeyView(row, now)) });
  });

  app.post("/:id/keys", validate("param", idParamSchema), validate("json", keyCreateSchema), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    await findProvider(id);
    const now = deps.clock.now();
    const result = await db
      .insertInto("t_ai_api_keys")
      .values({
        provider_id: id,
        key_name: body.keyName,
        api_key: deps.cipher.encrypt(body.apiKey),
        key_hint: keyHint(body.apiKey),
        priority: body.priority,
        weight: body.weight,
        rate_limit_rpm: body.rateLimitRpm,
        rate_limit_tpm: body.rateLimitTpm,
        rate_limit_rpd: body.rateLimitRpd,
        max_concurrency: body.maxConcurrency,
        is_active: body.isActive ? 1 : 0,
        status: "normal",
        consecutive_failures: 0,
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow();
    await catalogueChanged(deps);
    return c.json({ code: 200, data: apiKeyView(await findKey(Number(result.insertId)), now) });
  });

  return app;
}
