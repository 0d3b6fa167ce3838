/**
 * Row -> API shapes for providers, keys and models. The key view has a masked hint and never the key.
 */
import type { ApiKeyRow, ModelRow, ProviderRow } from "../../db/schema";

/** A provider as the admin API shows it. */
export function providerView(row: ProviderRow) {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    baseUrl: row.base_url,
    apiFormat: row.api_format,
    isActive: row.is_active === 1,
    timeout: row.timeout_ms,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

const isoOrNull = (value: number | null) => (value === null ? null : new Date(value).toISOString());

/** A provider key as the admin API shows it: hint only, never the key. */
export function apiKeyView(row: ApiKeyRow, now: number) {
  const coolingDown = row.cooldown_until !== null && row.cooldown_until > now;
  return {
    id: row.id,
    providerId: row.provider_id,
    keyName: row.key_name,
    keyHint: row.key_hint,
    priority: row.priority,
    weight: row.weight,
    rateLimitRpm: row.rate_limit_rpm,
    rateLimitTpm: row.rate_limit_tpm,
    rateLimitRpd: row.rate_limit_rpd,
    maxConcurrency: row.max_concurrency,
    isActive: row.is_active === 1,
    status: row.status,
    statusReason: row.status_reason,
    statusChangedAt: isoOrNull(row.status_changed_at),
    cooldownUntil: coolingDown ? isoOrNull(row.cooldown_until) : null,
    consecutiveFailures: row.consecutive_failures,
    lastUsedAt: isoOrNull(row.last_used_at),
    lastErrorAt: isoOrNull(row.last_error_at),
    lastValidatedAt: isoOrNull(row.last_validated_at),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** A catalogue model as the admin API shows it. */
export function modelView(row: ModelRow) {
  return {
    id: row.id,
    providerId: row.provider_id,
    modelCode: row.model_code,
    displayName: row.display_name,
    contextWindow: row.context_window,
    maxOutputTokens: row.max_output_tokens,
    inputPricePerM: Number(row.input_price_per_m),
    outputPricePerM: Number(row.output_price_per_m),
    supportsStreaming: row.supports_streaming === 1,
    supportsTools: row.supports_tools === 1,
    supportsVision: row.supports_vision === 1,
    isActive: row.is_active === 1,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
