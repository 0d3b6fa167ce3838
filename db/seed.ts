/**
 * Idempotent seeding: inserts the seed providers and models that are missing and leaves existing
 * rows (and admins' edits to them) alone. Each seed model also gets its published price row
 * (cache prices and source included), effective from the seeding on: when it is new, or when it
 * still has the seed's input and output prices (an upgrade from before price history); a model
 * whose prices an admin changed keeps them. Run twice, same rows.
 */
import type { Kysely } from "kysely";
import type { Database } from "./schema";
import { SEED_MODELS, SEED_PRICE_SOURCES, SEED_PROVIDERS, type SeedModel } from "./seed-data";

/** Counts of rows this run inserted. */
export interface SeedResult {
  providersInserted: number;
  modelsInserted: number;
  pricesInserted: number;
}

/** Options of {@link seedCatalogue}. */
export interface SeedOptions {
  /**
   * Seed price rows too; upgrade tests that seed a schema older than the price history turn it off.
   * @default true
   */
  prices?: boolean;
}

/** Inserts missing seed rows; `now` is epoch ms. */
export async function seedCatalogue(db: Kysely<Database>, now: number, { prices = true }: SeedOptions = {}): Promise<SeedResult> {
  let providersInserted = 0;
  let modelsInserted = 0;
  let pricesInserted = 0;
  const existingProviders = await db.selectFrom("t_ai_providers").select(["id", "code"]).execute();
  const providerIds = new Map(existingProviders.map((row) => [row.code, row.id]));
  const takenIds = new Set(existingProviders.map((row) => row.id));
  for (const provider of SEED_PROVIDERS) {
    if (providerIds.has(provider.code)) continue;
    // Fixed ids (1 = OpenAI, 2 = Anthropic, 3 = DeepSeek) unless an admin already used that id.
    const values = {
      code: provider.code,
      name: provider.name,
      base_url: provider.baseUrl,
      api_format: provider.apiFormat,
      is_active: 1,
      timeout_ms: provider.timeoutMs,
      created_at: now,
      updated_at: now,
    };
    if (takenIds.has(provider.id)) {
      const result = await db.insertInto("t_ai_providers").values(values).executeTakeFirstOrThrow();
      providerIds.set(provider.code, Number(result.insertId));
    } else {
      await db.insertInto("t_ai_providers").values({ id: provider.id, ...values }).execute();
      providerIds.set(provider.code, provider.id);
    }
    providersInserted++;
  }

  const existingModels = await db.selectFrom("t_ai_models").select(["id", "provider_id", "model_code", "input_price_per_m", "output_price_per_m"]).execute();
  const modelsByKey = new Map(existingModels.map((row) => [`${row.provider_id}/${row.model_code}`, row]));
  for (const model of SEED_MODELS) {
    const providerId = providerIds.get(model.providerCode);
    if (providerId === undefined) continue;
    const existing = modelsByKey.get(`${providerId}/${model.modelCode}`);
    if (existing) {
      const unchanged = Number(existing.input_price_per_m) === model.inputPricePerM && Number(existing.output_price_per_m) === model.outputPricePerM;
      if (prices && unchanged && (await insertSeedPrice(db, existing.id, model, now))) pricesInserted++;
      continue;
    }
    const inserted = await db
      .insertInto("t_ai_models")
      .values({
        provider_id: providerId,
        model_code: model.modelCode,
        display_name: model.displayName,
        context_window: model.contextWindow,
        max_output_tokens: model.maxOutputTokens,
        input_price_per_m: model.inputPricePerM,
        output_price_per_m: model.outputPricePerM,
        supports_streaming: 1,
        supports_tools: model.supportsTools ? 1 : 0,
        supports_vision: model.supportsVision ? 1 : 0,
        is_active: 1,
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow();
    modelsInserted++;
    if (prices && (await insertSeedPrice(db, Number(inserted.insertId), model, now))) pricesInserted++;
  }
  return { providersInserted, modelsInserted, pricesInserted };
}

/** Adds the seed's price row for a model unless it has one from the seed's source already. */
async function insertSeedPrice(db: Kysely<Database>, modelId: number, model: SeedModel, now: number): Promise<boolean> {
  const source = SEED_PRICE_SOURCES[model.providerCode] ?? null;
  let seeded = db.selectFrom("t_model_prices").select("id").where("model_id", "=", modelId);
  seeded = source === null ? seeded.where("source", "is", null) : seeded.where("source", "=", source);
  if (await seeded.executeTakeFirst()) return false;
  await db
    .insertInto("t_model_prices")
    .values({
      model_id: modelId,
      effective_from: now,
      input_price_per_m: model.inputPricePerM,
      output_price_per_m: model.outputPricePerM,
      cache_read_price_per_m: model.cacheReadPricePerM,
      cache_write_price_per_m: model.cacheWritePricePerM,
      cache_write_1h_price_per_m: model.cacheWrite1hPricePerM,
      source,
      created_at: now,
    })
    .execute();
  return true;
}
