/**
 * /api/admin/ai-models: the model catalogue (codes, context sizes, prices, capability flags).
 * Prices set here (on create, or a PUT of `inputPricePerM`/`outputPricePerM`) become a new entry
 * of the model's price schedule effective now, keeping the cache prices in effect; dated prices
 * go through model-price-routes.ts.
 */
import { Hono } from "hono";
import type { AppDeps } from "../deps";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import type { AppEnv } from "../http/app-env";
import { validate } from "../http/validation";
import { modelView } from "../catalogue/catalogue-views";
import { isUniqueViolation } from "../catalogue/database-errors";
import { catalogueChanged } from "../catalogue/catalogue-version";
import { addPrice, priceRowAt } from "../pricing/price-store";
import { assertModelDeletable } from "./delete-rules";
import { idParamSchema, modelCreateSchema, modelListQuerySchema, modelUpdateSchema } from "./admin-schemas";

const flag = (value: boolean) => (value ? 1 : 0);

/** Routes mounted at /api/admin/ai-models. */
export function modelRoutes(deps: AppDeps) {
  const { db } = deps.database;
  const app = new Hono<AppEnv>();

  /** A model code that is an alias's name would hide the alias (a model always wins): refused. */
  const assertNotAlias = async (modelCode: string) => {
    const alias = await db.selectFrom("t_model_aliases").select("id").where("alias", "=", modelCode).executeTakeFirst();
    if (alias) throw new ConflictError(`A model alias is named '${modelCode}'; rename or delete the alias first`);
  };

  const findModel = async (id: number) => {
    const row = await db.selectFrom("t_ai_models").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError(`Model ${id} not found`);
    return row;
  };

  app.get("/", validate("query", modelListQuerySchema), async (c) => {
    const { providerId, active } = c.req.valid("query");
    let query = db.selectFrom("t_ai_models").selectAll().orderBy("provider_id").orderBy("model_code");
    if (providerId !== undefined) query = query.where("provider_id", "=", providerId);
    if (active !== undefined) query = query.where("is_active", "=", active === "true" ? 1 : 0);
    return c.json({ code: 200, data: (await query.execute()).map(modelView) });
  });

  app.post("/", validate("json", modelCreateSchema), async (c) => {
    const body = c.req.valid("json");
    const provider = await db.selectFrom("t_ai_providers").select("id").where("id", "=", body.providerId).executeTakeFirst();
    if (!provider) throw new ValidationError(`Provider ${body.providerId} does not exist`, [{ field: "providerId", message: "unknown provider" }]);
    const duplicate = await db
      .selectFrom("t_ai_models")
      .select("id")
      .where("provider_id", "=", body.providerId)
      .where("model_code", "=", body.modelCode)
      .executeTakeFirst();
    if (duplicate) throw new ConflictError(`Model '${body.modelCode}' already exists for provider ${body.providerId}`);
    await assertNotAlias(body.modelCode);
    const now = deps.clock.now();
    try {
      const result = await db
        .insertInto("t_ai_models")
        .values({
          provider_id: body.providerId,
          model_code: body.modelCode,
          display_name: body.displayName,
          context_window: body.contextWindow,
          max_output_tokens: body.maxOutputTokens,
          input_price_per_m: body.inputPricePerM,
          output_price_per_m: body.outputPricePerM,
          supports_streaming: flag(body.supportsStreaming),
          supports_tools: flag(body.supportsTools),
          supports_vision: flag(body.supportsVision),
          is_active: flag(body.isActive),
          created_at: now,
          updated_at: now,
        })
        .executeTakeFirstOrThrow();
      const modelId = Number(result.insertId);
      await addPrice(
        db,
        modelId,
        { effectiveFrom: now, inputPricePerM: body.inputPricePerM, outputPricePerM: body.outputPricePerM, cacheReadPricePerM: null, cacheWritePricePerM: null, cacheWrite1hPricePerM: null, source: null },
        now,
      );
      await catalogueChanged(deps);
      return c.json({ code: 200, data: modelView(await findModel(modelId)) });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`Model '${body.modelCode}' already exists for provider ${body.providerId}`);
      throw error;
    }
  });

  app.get("/:id", validate("param", idParamSchema), async (c) => {
    return c.json({ code: 200, data: modelView(await findModel(c.req.valid("param").id)) });
  });

  app.put("/:id", validate("param", idParamSchema), validate("json", modelUpdateSchema), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const existing = await findModel(id);
    if (body.modelCode !== undefined && body.modelCode !== existing.model_code) {
      const duplicate = await db
        .selectFrom("t_ai_models")
        .select("id")
        .where("provider_id", "=", existing.provider_id)
        .where("model_code", "=", body.modelCode)
        .executeTakeFirst();
      if (duplicate) throw new ConflictError(`Model '${body.modelCode}' already exists for provider ${existing.provider_id}`);
      await assertNotAlias(body.modelCode);
    }
    await db
      .updateTable("t_ai_models")
      .set({
        ...(body.modelCode !== undefined && { model_code: body.modelCode }),
        ...(body.displayName !== undefined && { display_name: body.displayName }),
        ...(body.contextWindow !== undefined && { context_window: body.contextWindow }),
        ...(body.maxOutputTokens !== undefined && { max_output_tokens: body.maxOutputTokens }),
        ...(body.inputPricePerM !== undefined && { input_price_per_m: body.inputPricePerM }),
        ...(body.outputPricePerM !== undefined && { output_price_per_m: body.outputPricePerM }),
        ...(body.supportsStreaming !== undefined && { supports_streaming: flag(body.supportsStreaming) }),
        ...(body.supportsTools !== undefined && { supports_tools: flag(body.supportsTools) }),
        ...(body.supportsVision !== undefined && { supports_vision: flag(body.supportsVision) }),
        ...(body.isActive !== undefined && { is_active: flag(body.isActive) }),
        updated_at: deps.clock.now(),
      })
      .where("id", "=", id)
      .execute();
    const inputPricePerM = body.inputPricePerM ?? Number(existing.input_price_per_m);
    const outputPricePerM = body.outputPricePerM ?? Number(existing.output_price_per_m);
    if (inputPricePerM !== Number(existing.input_price_per_m) || outputPricePerM !== Number(existing.output_price_per_m)) {
      const now = deps.clock.now();
      const current = await priceRowAt(db, id, now);
      await addPrice(
        db,
        id,
        {
          effectiveFrom: now,
          inputPricePerM,
          outputPricePerM,
          cacheReadPricePerM: current?.cache_read_price_per_m ?? null,
          cacheWritePricePerM: current?.cache_write_price_per_m ?? null,
          cacheWrite1hPricePerM: current?.cache_write_1h_price_per_m ?? null,
          source: null,
        },
        now,
        "replace",
      );
    }
    await catalogueChanged(deps);
    return c.json({ code: 200, data: modelView(await findModel(id)) });
  });

  app.delete("/:id", validate("param", idParamSchema), async (c) => {
    const { id } = c.req.valid("param");
    const model = await findModel(id);
    await assertModelDeletable(db, model);
    await db.deleteFrom("t_ai_models").where("id", "=", id).execute();
    // Logged requests keep the cost they were charged; the schedule has no other use.
    await db.deleteFrom("t_model_prices").where("model_id", "=", id).execute();
    await catalogueChanged(deps);
    return c.json({ code: 200, data: { id, modelCode: model.model_code, deleted: true } });
  });

  return app;
}
