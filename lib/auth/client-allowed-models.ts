/**
 * A client key's allowed models are stored as `provider/model` entries, each naming exactly one
 * catalogue model, and compared exactly with the resolved target; or as the name of a model
 * alias (aliases have no `/`), which allows the alias whatever its models. A bare code is
 * resolved once: when an admin saves it (an unknown or ambiguous code is the admin's 400), or,
 * for a row an older version wrote, the first time the key is loaded (a code naming no model or
 * several, and no alias, is dropped, and the pinned list is written back).
 */
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { ValidationError } from "../errors";

/** One catalogue model by name. */
export interface CatalogueModelName {
  providerCode: string;
  modelCode: string;
}

/** What an allowed-model entry names in the catalogue. */
export type AllowedModelResolution =
  | { kind: "model"; entry: string }
  | { kind: "alias"; entry: string }
  | { kind: "unknown" }
  | { kind: "ambiguous"; options: string[] };

/** Everything an allowed-models entry may name: catalogue models and model aliases. */
export interface AllowedModelNames {
  models: CatalogueModelName[];
  /** Every alias name, active or not. */
  aliases: ReadonlySet<string>;
}

/** Loads {@link AllowedModelNames}. */
export async function loadAllowedModelNames(db: Kysely<Database>): Promise<AllowedModelNames> {
  const [models, aliases] = await Promise.all([loadCatalogueModelNames(db), db.selectFrom("t_model_aliases").select("alias").execute()]);
  return { models, aliases: new Set(aliases.map((row) => row.alias)) };
}

/** Every catalogue model, active or not, in creation order. */
export async function loadCatalogueModelNames(db: Kysely<Database>): Promise<CatalogueModelName[]> {
  const rows = await db
    .selectFrom("t_ai_models")
    .innerJoin("t_ai_providers", "t_ai_providers.id", "t_ai_models.provider_id")
    .select(["t_ai_providers.code as providerCode", "t_ai_models.model_code as modelCode"])
    .orderBy("t_ai_models.id")
    .execute();
  return rows;
}

/** The stored entry for one model. Provider codes hold no `/`, so the entry reads back one way only. */
export function allowedModelEntry(providerCode: string, modelCode: string): string {
  return `${providerCode}/${modelCode}`;
}

/**
 * Resolves an entry: `provider/model` naming a catalogue model is that model; otherwise a model
 * code offered by exactly one provider is that provider's model; otherwise an alias name is that
 * alias (a model code wins: aliases may not take one).
 */
export function resolveAllowedModel(entry: string, { models, aliases }: AllowedModelNames): AllowedModelResolution {
  const slash = entry.indexOf("/");
  if (slash > 0) {
    const providerCode = entry.slice(0, slash);
    const modelCode = entry.slice(slash + 1);
    if (models.some((model) => model.providerCode === providerCode && model.modelCode === modelCode)) return { kind: "model", entry };
  }
  const options = models.filter((model) => model.modelCode === entry).map((model) => allowedModelEntry(model.providerCode, model.modelCode));
  if (options.length === 1) return { kind: "model", entry: options[0] };
  if (options.length > 1) return { kind: "ambiguous", options };
  return aliases.has(entry) ? { kind: "alias", entry } : { kind: "unknown" };
}

/**
 * The stored form of an admin's list, in order without duplicates.
 * @throws ValidationError 400 naming each entry that is unknown or ambiguous (`allowedModels.<index>`)
 */
export async function canonicalAllowedModels(db: Kysely<Database>, entries: readonly string[]): Promise<string[]> {
  if (entries.length === 0) return [];
  const names = await loadAllowedModelNames(db);
  const canonical: string[] = [];
  const errors: Array<{ field: string; message: string }> = [];
  entries.forEach((entry, index) => {
    const resolution = resolveAllowedModel(entry, names);
    const field = `allowedModels.${index}`;
    if (resolution.kind === "unknown") errors.push({ field, message: `'${entry}' is not a model or model alias in the catalogue` });
    else if (resolution.kind === "ambiguous") errors.push({ field, message: `'${entry}' is offered by several providers; use one of: ${resolution.options.join(", ")}` });
    else if (!canonical.includes(resolution.entry)) canonical.push(resolution.entry);
  });
  if (errors.length > 0) throw new ValidationError(`Invalid allowedModels: ${errors.map((error) => error.message).join("; ")}`, errors);
  return canonical;
}

/**
 * The list a loaded key allows. Entries with a `/` and alias names are taken as stored; other
 * bare codes (rows an older version wrote) are pinned to the one model they name now, or dropped,
 * and the pinned list is written back when it changed, unless the row changed meanwhile.
 */
export async function pinnedAllowedModels(db: Kysely<Database>, clientId: number, stored: string, entries: string[]): Promise<string[]> {
  if (entries.every((entry) => entry.indexOf("/") > 0)) return entries;
  const names = await loadAllowedModelNames(db);
  const pinned: string[] = [];
  for (const entry of entries) {
    const resolution = entry.indexOf("/") > 0 ? ({ kind: "model", entry } as const) : resolveAllowedModel(entry, names);
    if ((resolution.kind === "model" || resolution.kind === "alias") && !pinned.includes(resolution.entry)) pinned.push(resolution.entry);
  }
  if (pinned.length === entries.length && pinned.every((entry, index) => entry === entries[index])) return pinned;
  // Best effort: the pinned list applies to this load either way, and the next load pins again.
  await db
    .updateTable("t_client_keys")
    .set({ allowed_models: JSON.stringify(pinned) })
    .where("id", "=", clientId)
    .where("allowed_models", "=", stored)
    .execute()
    .catch(() => undefined);
  return pinned;
}
