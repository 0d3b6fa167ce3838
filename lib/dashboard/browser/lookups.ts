/**
 * Catalogue data several views need to show names instead of ids: providers (cached for the
 * page's life, refreshed where they change), their keys, client keys and models.
 */
import { api, listOf } from "./api";

/** A provider as the admin API lists it. */
export interface Provider {
  id: number;
  code: string;
  name: string;
  baseUrl: string;
  apiFormat: string;
  timeout: number;
  isActive: boolean;
  keyCount: number;
  activeKeyCount: number;
  statusSummary?: Record<string, number>;
}

/** A provider key (never the key itself: only its hint). */
export interface ProviderKey {
  id: number;
  providerId: number;
  keyName: string;
  keyHint: string;
  priority: number;
  weight: number;
  rateLimitRpm: number | null;
  rateLimitTpm: number | null;
  rateLimitRpd: number | null;
  maxConcurrency?: number | null;
  isActive: boolean;
  status: string;
  statusReason: string | null;
  cooldownUntil: string | null;
  consecutiveFailures: number;
  lastUsedAt: string | null;
  lastValidatedAt: string | null;
}

/** A model of the catalogue. */
export interface Model {
  id: number;
  providerId: number;
  modelCode: string;
  displayName: string;
  contextWindow: number;
  maxOutputTokens: number;
  inputPricePerM: number;
  outputPricePerM: number;
  supportsStreaming: boolean;
  supportsTools: boolean;
  supportsVision: boolean;
  isActive: boolean;
}

/** A client key (its hint only). */
export interface Client {
  id: number;
  name: string;
  keyHint: string;
  allowedModels: string[] | null;
  rateLimitRpm: number | null;
  isActive: boolean;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

let providerCache: Promise<Provider[]> | null = null;

/** The providers; `force` reloads them. */
export function loadProviders(force = false): Promise<Provider[]> {
  if (!providerCache || force) {
    providerCache = api<Provider[]>("GET", "admin/ai-providers").catch((error: unknown) => {
      providerCache = null;
      throw error;
    });
  }
  return providerCache;
}

/** Every key of every provider. */
export async function loadKeys(providers: Provider[]): Promise<ProviderKey[]> {
  const lists = await Promise.all(providers.map((provider) => api<ProviderKey[]>("GET", `admin/ai-providers/${provider.id}/keys`)));
  return lists.flat();
}

/** Client keys. */
export async function loadClients(): Promise<Client[]> {
  return listOf<Client>(await api("GET", "admin/clients"));
}

/** The model catalogue. */
export async function loadModels(): Promise<Model[]> {
  return listOf<Model>(await api("GET", "admin/ai-models"));
}

/** A provider's name by id, `#id` when unknown, a dash when none. */
export function providerName(providers: Provider[], id: unknown): string {
  const match = providers.find((provider) => provider.id === Number(id));
  return match ? match.name : id === null || id === undefined ? "—" : `#${String(id)}`;
}

/** `provider/model` as the gateway names a model of the catalogue. */
export function qualifiedModel(providers: Provider[], model: Model): string {
  const provider = providers.find((candidate) => candidate.id === model.providerId);
  return provider ? `${provider.code}/${model.modelCode}` : model.modelCode;
}
