/**
 * Idempotent seeding: inserts the seed providers and models that are missing and leaves existing
 * rows (and admins' edits to them) alone. Run twice, same rows.
 */
import type { Kysely } from "kysely";
import type { Database } from "./schema";
import { SEED_MODELS, SEED_PROVIDERS } from "./seed-data";

/** Counts of rows this run inserted. */
export interface SeedResult {
  providersInserted: number;
  modelsInserted: number;
}

/** Inserts missing seed rows; `now` is epoch ms. */
export async function seedCatalogue(db: Kysely<Database>, now: number): Promise<SeedResult> {
  let providersInserted = 0;
  let modelsInserted = 0;
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

  const existingModels = await db.selectFrom("t_ai_models").select(["provider_id", "model_code"]).execute();
  const modelKeys = new Set(existingModels.map((row) => `${row.provider_id}/${row.model_code}`));
  for (const model of SEED_MODELS) {
    const providerId = providerIds.get(model.providerCode);
    if (providerId === undefined || modelKeys.has(`${providerId}/${model.modelCode}`)) continue;
    await db
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
      .execute();
    modelsInserted++;
  }
  return { providersInserted, modelsInserted };
}
