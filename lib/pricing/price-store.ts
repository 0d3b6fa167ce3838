/**
 * Writes a model's price schedule (`t_model_prices`) and keeps the model's flat price columns
 * showing the newest entry. Rows are only ever added: a change applies from its effective time on,
 * and the cost already stored with earlier requests is never touched.
 */
import type { Kysely } from "kysely";
import type { Database, ModelPriceRow } from "../../db/schema";
import { ConflictError } from "../errors";
import { isUniqueViolation } from "../catalogue/database-errors";
import type { ModelPrice } from "./model-prices";

/** One new schedule entry: a price from its effective time on. */
export type NewModelPrice = ModelPrice;

/** A schedule entry as the admin API shows it. */
export function priceView(row: ModelPriceRow) {
  return {
    id: Number(row.id),
    modelId: row.model_id,
    effectiveFrom: new Date(Number(row.effective_from)).toISOString(),
    inputPricePerM: Number(row.input_price_per_m),
    outputPricePerM: Number(row.output_price_per_m),
    cacheReadPricePerM: row.cache_read_price_per_m === null ? null : Number(row.cache_read_price_per_m),
    cacheWritePricePerM: row.cache_write_price_per_m === null ? null : Number(row.cache_write_price_per_m),
    cacheWrite1hPricePerM: row.cache_write_1h_price_per_m === null ? null : Number(row.cache_write_1h_price_per_m),
    source: row.source,
    createdAt: new Date(Number(row.created_at)).toISOString(),
  };
}

/** A model's schedule, oldest first. */
export function listPrices(db: Kysely<Database>, modelId: number): Promise<ModelPriceRow[]> {
  return db.selectFrom("t_model_prices").selectAll().where("model_id", "=", modelId).orderBy("effective_from").execute();
}

/** The entry in effect at `at`, or undefined when the schedule is empty or starts later. */
export function priceRowAt(db: Kysely<Database>, modelId: number, at: number): Promise<ModelPriceRow | undefined> {
  return db.selectFrom("t_model_prices").selectAll().where("model_id", "=", modelId).where("effective_from", "<=", at).orderBy("effective_from", "desc").limit(1).executeTakeFirst();
}

/**
 * Adds an entry and points the model's flat columns at the newest entry.
 * @param sameInstant what to do when the model has an entry at exactly that time already: refuse
 *   (a dated price from the admin API), or replace it (two edits of the flat price within a millisecond)
 * @throws ConflictError 409 when refused
 */
export async function addPrice(db: Kysely<Database>, modelId: number, price: NewModelPrice, now: number, sameInstant: "refuse" | "replace" = "refuse"): Promise<ModelPriceRow> {
  if (sameInstant === "replace") await db.deleteFrom("t_model_prices").where("model_id", "=", modelId).where("effective_from", "=", price.effectiveFrom).execute();
  try {
    await db
      .insertInto("t_model_prices")
      .values({
        model_id: modelId,
        effective_from: price.effectiveFrom,
        input_price_per_m: price.inputPricePerM,
        output_price_per_m: price.outputPricePerM,
        cache_read_price_per_m: price.cacheReadPricePerM,
        cache_write_price_per_m: price.cacheWritePricePerM,
        cache_write_1h_price_per_m: price.cacheWrite1hPricePerM,
        source: price.source,
        created_at: now,
      })
      .execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(`Model ${modelId} already has a price effective from ${new Date(price.effectiveFrom).toISOString()}`);
    throw error;
  }
  const newest = await db.selectFrom("t_model_prices").selectAll().where("model_id", "=", modelId).orderBy("effective_from", "desc").limit(1).executeTakeFirstOrThrow();
  await db
    .updateTable("t_ai_models")
    .set({ input_price_per_m: Number(newest.input_price_per_m), output_price_per_m: Number(newest.output_price_per_m), updated_at: now })
    .where("id", "=", modelId)
    .execute();
  return db.selectFrom("t_model_prices").selectAll().where("model_id", "=", modelId).where("effective_from", "=", price.effectiveFrom).executeTakeFirstOrThrow();
}
