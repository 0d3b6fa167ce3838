/**
 * /api/admin/ai-models/:id/prices: a model's price schedule. `GET` lists it oldest first; `POST`
 * adds a price from `effectiveFrom` on (default now). A price cannot start in the past: the cost
 * of requests already logged is never rewritten, so a schedule that claimed otherwise would lie.
 */
import { Hono } from "hono";
import * as z from "zod";
import type { AppDeps } from "../deps";
import { NotFoundError, ValidationError } from "../errors";
import type { AppEnv } from "../http/app-env";
import { validate } from "../http/validation";
import { catalogueChanged } from "../catalogue/catalogue-version";
import { addPrice, listPrices, priceView } from "../pricing/price-store";
import { timeParamSchema } from "../stats/stats-schemas";
import { idParamSchema, plainTextSchema } from "./admin-schemas";

/** How far in the past `effectiveFrom` may lie: the clock of the admin's browser may run behind. */
const PAST_TOLERANCE_MS = 60_000;

const price = z.number().min(0).max(100_000);

/** `POST /api/admin/ai-models/:id/prices` body. */
export const priceCreateSchema = z
  .object({
    /** Epoch ms or ISO 8601; default now. */
    effectiveFrom: z.union([z.number().int().min(0).max(8.64e15), timeParamSchema]).optional(),
    inputPricePerM: price,
    outputPricePerM: price,
    cacheReadPricePerM: price.nullable().default(null),
    cacheWritePricePerM: price.nullable().default(null),
    cacheWrite1hPricePerM: price.nullable().default(null),
    source: plainTextSchema(255).nullable().default(null),
  })
  .strict();

/** Routes mounted at /api/admin/ai-models (beside the model routes). */
export function modelPriceRoutes(deps: AppDeps) {
  const { db } = deps.database;
  const app = new Hono<AppEnv>();

  const assertModel = async (id: number) => {
    const row = await db.selectFrom("t_ai_models").select("id").where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError(`Model ${id} not found`);
  };

  app.get("/:id/prices", validate("param", idParamSchema), async (c) => {
    const { id } = c.req.valid("param");
    await assertModel(id);
    return c.json({ code: 200, data: (await listPrices(db, id)).map(priceView) });
  });

  app.post("/:id/prices", validate("param", idParamSchema), validate("json", priceCreateSchema), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    await assertModel(id);
    const now = deps.clock.now();
    const effectiveFrom = body.effectiveFrom ?? now;
    if (effectiveFrom < now - PAST_TOLERANCE_MS) {
      throw new ValidationError("A price cannot take effect in the past: the cost of requests already logged is never rewritten", [
        { field: "effectiveFrom", message: `must be now or later (it is ${new Date(effectiveFrom).toISOString()}, now is ${new Date(now).toISOString()})` },
      ]);
    }
    const row = await addPrice(db, id, { ...body, effectiveFrom: Math.max(effectiveFrom, now) }, now);
    await catalogueChanged(deps);
    return c.json({ code: 200, data: priceView(row) });
  });

  return app;
}
