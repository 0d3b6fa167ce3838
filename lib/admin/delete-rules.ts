/**
 * When a provider, model or key may be deleted. Deletes are real deletes, refused with a 409 that
 * says what still depends on the row, rather than soft deletes: a soft-deleted row would have to
 * be hidden from every list, the router and the uniqueness of codes, and a provider key kept
 * around keeps its secret. History does not block a delete: log rows and rollups hold the model
 * code, the client name and the provider and key ids as plain values, and are never rewritten,
 * so a delete leaves every logged request as it was.
 * - A provider goes once it has no keys and no models (delete those first, or set isActive false).
 * - A model goes once no live client key lists it among its allowed models (a stale entry would
 *   silently stop matching if a model of that name were added again) and no model alias lists it.
 * - A key can always be deleted: that is how a leaked or retired secret is destroyed.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { allowedModelEntry } from "../auth/client-allowed-models";
import { parseAllowedModels } from "../auth/client-keys";
import { ConflictError } from "../errors";

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** @throws ConflictError while the provider still has keys or models */
export async function assertProviderDeletable(db: Kysely<Database>, providerId: number): Promise<void> {
  const [keys, models] = await Promise.all([
    db.selectFrom("t_ai_api_keys").select((eb) => eb.fn.countAll<number>().as("n")).where("provider_id", "=", providerId).executeTakeFirstOrThrow(),
    db.selectFrom("t_ai_models").select((eb) => eb.fn.countAll<number>().as("n")).where("provider_id", "=", providerId).executeTakeFirstOrThrow(),
  ]);
  const keyCount = Number(keys.n);
  const modelCount = Number(models.n);
  if (keyCount > 0 || modelCount > 0) {
    throw new ConflictError(
      `Provider ${providerId} still has ${count(keyCount, "key", "keys")} and ${count(modelCount, "model", "models")}; delete them first, or set isActive to false to stop using it`,
    );
  }
}

/** @throws ConflictError while a client key that is not revoked allows the model, or a model alias lists it */
export async function assertModelDeletable(db: Kysely<Database>, model: { id: number; provider_id: number; model_code: string }): Promise<void> {
  const provider = await db.selectFrom("t_ai_providers").select("code").where("id", "=", model.provider_id).executeTakeFirst();
  if (!provider) return;
  const entry = allowedModelEntry(provider.code, model.model_code);
  const aliases = await db
    .selectFrom("t_model_alias_members")
    .innerJoin("t_model_aliases", "t_model_aliases.id", "t_model_alias_members.alias_id")
    .select("t_model_aliases.alias")
    .where("t_model_alias_members.provider_id", "=", model.provider_id)
    .where("t_model_alias_members.model_code", "=", model.model_code)
    .execute();
  if (aliases.length > 0) {
    throw new ConflictError(`Model ${entry} is listed by model aliases ${aliases.map((row) => `'${row.alias}'`).join(", ")}; remove it from them first, or set isActive to false`);
  }
  const clients = await db.selectFrom("t_client_keys").select(["id", "name", "allowed_models"]).where("allowed_models", "is not", null).where("revoked_at", "is", null).execute();
  // Bare codes are rows an older version wrote, not yet pinned to one provider.
  const users = clients.filter((client) => parseAllowedModels(client.allowed_models)?.some((allowed) => allowed === entry || allowed === model.model_code));
  if (users.length > 0) {
    const names = users.slice(0, 5).map((client) => `'${client.name}' (id ${client.id})`).join(", ");
    throw new ConflictError(`Model ${entry} is allowed for client keys ${names}${users.length > 5 ? " and more" : ""}; remove it from their allowed models first, or set isActive to false`);
  }
}
