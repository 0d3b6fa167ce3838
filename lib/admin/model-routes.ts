/**
 * /api/admin/ai-models: the model catalogue (codes, context sizes, prices, capability flags).
 */
import { Hono } from "hono";
import type { AppDeps } from "../deps";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import type { AppEnv } from "../http/app-env";
import { validate } from "../http/validation";
import { modelView } from "../catalogue/catalogue-views";
import { isUniqueViolation } from "../catalogue/database-errors";
import { catalogueChanged } from "../catalogue/catalogue-version";
import { assertModelDeletable } from "./delete-rules";
import { idParamSchema, modelCreateSchema, modelListQuerySchema, modelUpdateSchema } from "./admin-schemas";

const flag = (value: boolean) => (value ? 1 : 0);

/** Routes mounted at /api/admin/ai-models. */
export function modelRoutes(deps: AppDeps) {
  const { db } = deps.database;
  const app = new Hono<AppEnv>();

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
      await catalogueChanged(deps);
      return c.json({ code: 200, data: modelView(await findModel(Number(result.insertId))) });
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
    await catalogueChanged(deps);
    return c.json({ code: 200, data: modelView(await findModel(id)) });
  });

  app.delete("/:id", validate("param", idParamSchema), async (c) => {
    const { id } = c.req.valid("param");
    const model = await findModel(id);
    await assertModelDeletable(db, model);
    await db.deleteFrom("t_ai_models").where("id", "=", id).execute();
    await catalogueChanged(deps);
    return c.json({ code: 200, data: { id, modelCode: model.model_code, deleted: true } });
  });

  return app;
}
