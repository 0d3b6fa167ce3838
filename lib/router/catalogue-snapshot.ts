/**
 * The in-process view of the catalogue the router works from: providers, their keys (decrypted,
 * memory only) and models, indexed for the lookups one chat request needs. Built from database
 * rows by {@link buildCatalogueSnapshot}; the key entries are mutable so the router can apply its
 * own status changes at once instead of waiting for the next reload.
 */
import type { ApiKeyRow, KeyStatus, ModelAliasMemberRow, ModelAliasRow, ModelPriceRow, ModelRow, ProviderRow } from "../../db/schema";
import { KeyCipherError, keyVersionOf } from "../crypto/key-cipher";
import type { ModelPrice } from "../pricing/model-prices";
import { providerFormatOf, type ProviderFormat } from "../providers/provider-registry";

/** A provider as the router sees it. */
export interface CatalogueProvider {
  id: number;
  code: string;
  name: string;
  baseUrl: string;
  /** `null` when the row names a format no adapter speaks. */
  format: ProviderFormat | null;
  isActive: boolean;
  timeoutMs: number;
}

/** A provider key with its secret decrypted; never serialized, logged or returned. */
export interface CatalogueKey {
  id: number;
  providerId: number;
  name: string;
  /** The decrypted secret. */
  apiKey: string;
  priority: number;
  weight: number;
  rateLimitRpm: number | null;
  rateLimitTpm: number | null;
  rateLimitRpd: number | null;
  /** Most requests in flight at once on this key, across all instances; null: no cap. */
  maxConcurrency: number | null;
  status: KeyStatus;
  statusReason: string | null;
  /** Epoch ms; a cooling key is skipped until then, then probed by real traffic. */
  cooldownUntil: number | null;
  consecutiveFailures: number;
  lastUsedAt: number | null;
}

/** A catalogue model. */
export interface CatalogueModel {
  id: number;
  providerId: number;
  code: string;
  displayName: string;
  contextWindow: number;
  maxOutputTokens: number;
  /** USD per million input tokens (the catalogue's flat price; cost uses `prices`). */
  inputPricePerM: number;
  /** USD per million output tokens (the catalogue's flat price; cost uses `prices`). */
  outputPricePerM: number;
  /** The price schedule, oldest first (lib/pricing/model-prices.ts `priceAt`). */
  prices: readonly ModelPrice[];
  isActive: boolean;
  /** Epoch ms. */
  createdAt: number;
}

/** One model of an alias, as stored: it may name a model the catalogue no longer has. */
export interface CatalogueAliasMember {
  /** The member row's id (the weighted rotation's key). */
  id: number;
  /** Try order, lowest first; members of one position are ordered by weight per request. */
  position: number;
  providerId: number;
  modelCode: string;
  /** Share among the members of its position; null when none was given. */
  weight: number | null;
}

/** A model alias: a name that stands for an ordered list of catalogue models. */
export interface CatalogueAlias {
  id: number;
  name: string;
  description: string | null;
  isActive: boolean;
  /** Epoch ms. */
  createdAt: number;
  /** Ordered by position, then as stored. */
  members: readonly CatalogueAliasMember[];
}

/** One consistent view of providers, active keys, models and aliases. */
export interface CatalogueSnapshot {
  /** The shared catalogue version this snapshot was loaded at. */
  version: number;
  /** Epoch ms of the load. */
  loadedAt: number;
  providersById: ReadonlyMap<number, CatalogueProvider>;
  providersByCode: ReadonlyMap<string, CatalogueProvider>;
  /** Every model (active or not) by model code; one code may exist under several providers. */
  modelsByCode: ReadonlyMap<string, readonly CatalogueModel[]>;
  /** Active keys per provider id, highest priority first, then by id. */
  keysByProvider: ReadonlyMap<number, readonly CatalogueKey[]>;
  keysById: ReadonlyMap<number, CatalogueKey>;
  /** Every alias (active or not) by name. */
  aliasesByName: ReadonlyMap<string, CatalogueAlias>;
  /** Per provider id, the master-key version of each active key left out because this process lacks that version. */
  missingKeyVersionsByProvider?: ReadonlyMap<number, readonly number[]>;
}

/** Rows as loaded from the database. */
export interface CatalogueRows {
  providers: ProviderRow[];
  /** Active keys only. */
  keys: ApiKeyRow[];
  models: ModelRow[];
  prices: ModelPriceRow[];
  aliases: ModelAliasRow[];
  aliasMembers: ModelAliasMemberRow[];
}

/** Options of {@link buildCatalogueSnapshot}. */
export interface BuildSnapshotOptions {
  version: number;
  loadedAt: number;
  decrypt(stored: string): string;
  /** Told about a key that cannot be decrypted (it is left out of rotation). */
  onUndecryptableKey?(keyId: number): void;
}

/** Indexes loaded rows into a snapshot; keys that fail to decrypt are left out. */
export function buildCatalogueSnapshot(rows: CatalogueRows, options: BuildSnapshotOptions): CatalogueSnapshot {
  const providersById = new Map<number, CatalogueProvider>();
  const providersByCode = new Map<string, CatalogueProvider>();
  for (const row of rows.providers) {
    const provider: CatalogueProvider = {
      id: row.id,
      code: row.code,
      name: row.name,
      baseUrl: row.base_url,
      format: providerFormatOf(row.api_format),
      isActive: row.is_active === 1,
      timeoutMs: Number(row.timeout_ms),
    };
    providersById.set(provider.id, provider);
    providersByCode.set(provider.code, provider);
  }

  const pricesByModel = new Map<number, ModelPrice[]>();
  for (const row of rows.prices) {
    const price: ModelPrice = {
      effectiveFrom: Number(row.effective_from),
      inputPricePerM: Number(row.input_price_per_m),
      outputPricePerM: Number(row.output_price_per_m),
      cacheReadPricePerM: nullableNumber(row.cache_read_price_per_m),
      cacheWritePricePerM: nullableNumber(row.cache_write_price_per_m),
      cacheWrite1hPricePerM: nullableNumber(row.cache_write_1h_price_per_m),
      source: row.source,
    };
    const schedule = pricesByModel.get(row.model_id);
    if (schedule) schedule.push(price);
    else pricesByModel.set(row.model_id, [price]);
  }
  for (const schedule of pricesByModel.values()) schedule.sort((left, right) => left.effectiveFrom - right.effectiveFrom);

  const modelsByCode = new Map<string, CatalogueModel[]>();
  for (const row of rows.models) {
    const model: CatalogueModel = {
      id: row.id,
      providerId: row.provider_id,
      code: row.model_code,
      displayName: row.display_name,
      contextWindow: Number(row.context_window),
      maxOutputTokens: Number(row.max_output_tokens),
      inputPricePerM: Number(row.input_price_per_m),
      outputPricePerM: Number(row.output_price_per_m),
      prices: pricesByModel.get(row.id) ?? [],
      isActive: row.is_active === 1,
      createdAt: Number(row.created_at),
    };
    const sameCode = modelsByCode.get(model.code);
    if (sameCode) sameCode.push(model);
    else modelsByCode.set(model.code, [model]);
  }

  const keysByProvider = new Map<number, CatalogueKey[]>();
  const keysById = new Map<number, CatalogueKey>();
  const missingKeyVersionsByProvider = new Map<number, number[]>();
  for (const row of rows.keys) {
    let apiKey: string;
    try {
      apiKey = options.decrypt(row.api_key);
    } catch (error) {
      options.onUndecryptableKey?.(row.id);
      const version = keyVersionOf(row.api_key);
      if (error instanceof KeyCipherError && error.code === "unknown_key_version" && version !== undefined) {
        missingKeyVersionsByProvider.set(row.provider_id, [...(missingKeyVersionsByProvider.get(row.provider_id) ?? []), version]);
      }
      continue;
    }
    const key: CatalogueKey = {
      id: row.id,
      providerId: row.provider_id,
      name: row.key_name,
      apiKey,
      priority: Number(row.priority),
      weight: Math.max(1, Number(row.weight)),
      rateLimitRpm: nullableNumber(row.rate_limit_rpm),
      rateLimitTpm: nullableNumber(row.rate_limit_tpm),
      rateLimitRpd: nullableNumber(row.rate_limit_rpd),
      maxConcurrency: nullableNumber(row.max_concurrency ?? null),
      status: row.status,
      statusReason: row.status_reason,
      cooldownUntil: nullableNumber(row.cooldown_until),
      consecutiveFailures: Number(row.consecutive_failures),
      lastUsedAt: nullableNumber(row.last_used_at),
    };
    keysById.set(key.id, key);
    const providerKeys = keysByProvider.get(key.providerId);
    if (providerKeys) providerKeys.push(key);
    else keysByProvider.set(key.providerId, [key]);
  }
  for (const keys of keysByProvider.values()) keys.sort((left, right) => right.priority - left.priority || left.id - right.id);

  const membersByAlias = new Map<number, CatalogueAliasMember[]>();
  for (const row of [...rows.aliasMembers].sort((left, right) => left.position - right.position || left.id - right.id)) {
    const member: CatalogueAliasMember = { id: row.id, position: row.position, providerId: row.provider_id, modelCode: row.model_code, weight: nullableNumber(row.weight) };
    const members = membersByAlias.get(row.alias_id);
    if (members) members.push(member);
    else membersByAlias.set(row.alias_id, [member]);
  }
  const aliasesByName = new Map<string, CatalogueAlias>();
  for (const row of rows.aliases) {
    aliasesByName.set(row.alias, {
      id: row.id,
      name: row.alias,
      description: row.description,
      isActive: row.is_active === 1,
      createdAt: Number(row.created_at),
      members: membersByAlias.get(row.id) ?? [],
    });
  }

  return { version: options.version, loadedAt: options.loadedAt, providersById, providersByCode, modelsByCode, keysByProvider, keysById, aliasesByName, missingKeyVersionsByProvider };
}

function nullableNumber(value: number | null): number | null {
  return value === null ? null : Number(value);
}
