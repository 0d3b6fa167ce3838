/**
 * Table types for Kysely. One schema serves SQLite, MySQL/MariaDB and PlanetScale, so:
 * - times are epoch milliseconds in BIGINT columns (portable hour bucketing and range scans),
 * - booleans are 0/1 integers,
 * - JSON lives in TEXT columns and is parsed by the repositories.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/** Epoch milliseconds. */
export type EpochMs = number;
/** 0 or 1. */
export type Flag = number;
/** A column the database fills with its default when an insert leaves it out. */
export type WithDefault<T> = ColumnType<T, T | undefined, T>;

export interface ProvidersTable {
  id: Generated<number>;
  /** Unique: `openai`, `anthropic`, `deepseek`. */
  code: string;
  name: string;
  base_url: string;
  /**
   * Wire format of the adapter, one of the provider registry's (`openai`, `openai-compatible`,
   * `anthropic`, `deepseek`, …). Deliberately unconstrained in the database: the admin API accepts
   * only registered formats, and a row naming one this build does not know is answered with a 503.
   */
  api_format: string;
  is_active: Flag;
  /** Upstream request timeout in milliseconds. */
  timeout_ms: number;
  created_at: EpochMs;
  updated_at: EpochMs;
}

/** Key statuses; only `normal` keys (and those whose cooldown ended) take traffic. */
export const KEY_STATUSES = ["normal", "rate_limited", "quota_exceeded", "invalid", "error"] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

export interface ApiKeysTable {
  id: Generated<number>;
  provider_id: number;
  key_name: string;
  /** AES-256-GCM ciphertext with a key-version prefix; never plaintext. */
  api_key: string;
  /** Masked hint such as `sk-…abcd`. */
  key_hint: string;
  /** Higher first. */
  priority: WithDefault<number>;
  /** Share of traffic within one priority tier. */
  weight: WithDefault<number>;
  rate_limit_rpm: WithDefault<number | null>;
  rate_limit_tpm: WithDefault<number | null>;
  rate_limit_rpd: WithDefault<number | null>;
  /** Most requests in flight at once across all instances; null: no cap. */
  max_concurrency: WithDefault<number | null>;
  is_active: WithDefault<Flag>;
  status: WithDefault<KeyStatus>;
  status_reason: WithDefault<string | null>;
  status_changed_at: WithDefault<EpochMs | null>;
  cooldown_until: WithDefault<EpochMs | null>;
  consecutive_failures: WithDefault<number>;
  last_used_at: WithDefault<EpochMs | null>;
  last_error_at: WithDefault<EpochMs | null>;
  last_validated_at: WithDefault<EpochMs | null>;
  created_at: EpochMs;
  updated_at: EpochMs;
}

export interface ModelsTable {
  id: Generated<number>;
  provider_id: number;
  model_code: string;
  display_name: string;
  context_window: number;
  max_output_tokens: number;
  /** USD per million input tokens. */
  input_price_per_m: number;
  /** USD per million output tokens. */
  output_price_per_m: number;
  supports_streaming: Flag;
  supports_tools: Flag;
  supports_vision: Flag;
  is_active: Flag;
  created_at: EpochMs;
  updated_at: EpochMs;
}

/** Log row statuses. */
export const LOG_STATUSES = ["success", "error", "partial"] as const;
export type LogStatus = (typeof LOG_STATUSES)[number];

export interface ApiLogsTable {
  id: Generated<number>;
  request_id: string;
  client_id: number | null;
  /** Who called: client key name, or `admin:<username>`. */
  client_name: string | null;
  provider_id: number | null;
  key_id: number | null;
  model: string;
  status: LogStatus;
  /** What the row counts as (lib/stats/log-outcome.ts); null only on rows written before the column. */
  outcome: "served" | "failed" | "rejected" | "budget" | null;
  http_status: number;
  error_code: string | null;
  error_message: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** 1 when the upstream sent no usage and the counts are estimates. */
  tokens_estimated: Flag;
  /** USD. */
  cost: number;
  latency_ms: number;
  ttft_ms: number | null;
  attempts: number;
  /** 1 when more than one upstream call was made (indexed for "failovers only" pages). */
  failed_over: WithDefault<Flag>;
  /** JSON array of failed attempts before the final one: `[{keyId, code, status, latencyMs}]`. */
  attempt_errors: string | null;
  is_stream: Flag;
  /** The door: `chat`, `messages`, `responses`, `envelope`, `embeddings`. */
  door: WithDefault<string>;
  /** What went upstream: the door's protocol passed through (`chat`, `messages`, `responses`, `embeddings`) or `canonical` (translated). */
  upstream_protocol: string | null;
  /** What translations dropped, adjusted or emulated, in words. */
  warnings: string | null;
  /** Input tokens read from the provider's prompt cache (a part of `prompt_tokens`). */
  cache_read_tokens: WithDefault<number>;
  /** Input tokens written to the provider's prompt cache (a part of `prompt_tokens`). */
  cache_write_tokens: WithDefault<number>;
  /** Output tokens spent on reasoning (a part of `completion_tokens`, billed as output). */
  reasoning_tokens: WithDefault<number>;
  /** The model as the client named it (an alias, `provider/model` or a code); `model` is the one that answered. */
  requested_model: WithDefault<string | null>;
  /** JSON array of the `provider/model`s tried, in order. */
  models_tried: WithDefault<string | null>;
  created_at: EpochMs;
}

/** Every column of a log row but its id, in table order (replay and listing share it). */
export const API_LOG_COLUMNS = [
  "request_id",
  "client_id",
  "client_name",
  "provider_id",
  "key_id",
  "model",
  "status",
  "outcome",
  "http_status",
  "error_code",
  "error_message",
  "prompt_tokens",
  "completion_tokens",
  "total_tokens",
  "tokens_estimated",
  "cost",
  "latency_ms",
  "ttft_ms",
  "attempts",
  "failed_over",
  "attempt_errors",
  "is_stream",
  "door",
  "upstream_protocol",
  "warnings",
  "cache_read_tokens",
  "cache_write_tokens",
  "reasoning_tokens",
  "requested_model",
  "models_tried",
  "created_at",
] as const satisfies ReadonlyArray<keyof ApiLogsTable>;

export interface UsageStatsTable {
  id: Generated<number>;
  /** Start of the hour, epoch ms. */
  hour_start: EpochMs;
  provider_id: number;
  /** 0 when no key was reached. */
  key_id: number;
  model: string;
  request_count: number;
  success_count: number;
  error_count: number;
  /** Refused before routing (not in the success rate). */
  rejected_count: WithDefault<number>;
  /** Refused by a client budget or quota. */
  budget_refused_count: WithDefault<number>;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost: number;
  avg_latency_ms: number;
  p95_latency_ms: number;
  max_latency_ms: number;
  updated_at: EpochMs;
}

export interface AdminUsersTable {
  id: Generated<number>;
  /** Normalised (NFKC, case-folded, no invisible characters); compared exactly. */
  username: string;
  /** `scrypt$N$r$p$salt$hash`. */
  password_hash: string;
  role: "admin" | "viewer";
  is_active: Flag;
  last_login_at: EpochMs | null;
  created_at: EpochMs;
  updated_at: EpochMs;
  /** Carried in every token; bumping it (logout, password change) revokes the user's older tokens. */
  token_version: WithDefault<number>;
}

export interface ClientKeysTable {
  id: Generated<number>;
  name: string;
  /** SHA-256 hex of the full key; the key itself is shown once and never stored. */
  key_hash: string;
  key_hint: string;
  /** JSON array of `provider/model` entries, null = all models. */
  allowed_models: string | null;
  rate_limit_rpm: number | null;
  is_active: Flag;
  last_used_at: EpochMs | null;
  created_at: EpochMs;
  revoked_at: EpochMs | null;
}

/** A client's budget or quota for one period kind (`day`, `week`, `month`, `total`). */
export interface ClientBudgetsTable {
  id: Generated<number>;
  client_id: number;
  /** `cost` (USD) or `tokens`. */
  kind: string;
  /** `day`, `week`, `month` or `total`. */
  period: string;
  /** The hard limit: USD for `cost`, tokens for `tokens`. */
  limit_value: number;
  /** Alert at this percentage of the limit; null: no soft-limit alert. */
  soft_limit_percent: number | null;
  /** IANA time zone of the period boundaries. */
  time_zone: string;
  created_at: EpochMs;
  updated_at: EpochMs;
}

export interface AlertWebhooksTable {
  id: Generated<number>;
  name: string;
  url: string;
  /** `generic`, `slack`, `feishu`, `dingtalk` or `wecom`. */
  format: string;
  is_active: Flag;
  created_at: EpochMs;
  updated_at: EpochMs;
}

export interface AlertHistoryTable {
  id: Generated<number>;
  /** `error_rate`, `key_status`, … */
  kind: string;
  /** Identifies one incident so it alerts once and resolves once. */
  incident_key: string;
  state: "firing" | "resolved";
  title: string;
  message: string;
  delivered: Flag;
  delivery_error: string | null;
  created_at: EpochMs;
}

/** The hourly rollup per client: `t_ai_usage_stats` plus a client dimension. */
export interface ClientUsageStatsTable {
  id: Generated<number>;
  hour_start: EpochMs;
  /** 0 for calls without a client key (admin JWT). */
  client_id: number;
  /** 0 when no provider was reached. */
  provider_id: number;
  /** 0 when no key was reached. */
  key_id: number;
  model: string;
  request_count: number;
  success_count: number;
  error_count: number;
  /** Refused before routing (not in the success rate). */
  rejected_count: WithDefault<number>;
  /** Refused by a client budget or quota. */
  budget_refused_count: WithDefault<number>;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost: number;
  /** Sum of latencies, so averages combine exactly across hours. */
  latency_sum_ms: number;
  max_latency_ms: number;
  /** Latency histogram of served and failed requests (lib/stats/latency-histogram.ts). */
  latency_histogram: string | null;
  /** Time-to-first-token histogram, same encoding. */
  ttft_histogram: string | null;
  updated_at: EpochMs;
}

/** One row per scheduled job (`rollup`, `purge`, `error-rate`, `key-status`). */
export interface JobStateTable {
  job_name: string;
  /** Rollup: every hour before this (epoch ms, hour-aligned) has been rolled up. */
  watermark_ms: EpochMs | null;
  /** Rollup: the highest log id seen by the last run; newer ids in older hours are late rows. */
  last_log_id: number | null;
  /** Rollup: the highest log id seen by the run before the last one (where the late-row scan starts). */
  prior_log_id: number | null;
  last_run_at: EpochMs | null;
  /** `ok` or `failed`. */
  last_status: string | null;
  /** JSON summary of the last run. */
  last_summary: string | null;
  /** When the last run ended (null for runs recorded before this column existed). */
  last_finished_at: WithDefault<EpochMs | null>;
  updated_at: EpochMs;
}

/** A response of the Responses door, kept for `previous_response_id` and `GET /v1/responses/{id}`. */
export interface GatewayResponsesTable {
  /** `resp_mg…` for the gateway's own, OpenAI's id for responses passed through. */
  id: string;
  /** `client:<id>` or `admin:<user id>`: only the owner sees or references it. */
  owner: string;
  previous_response_id: string | null;
  provider_id: number | null;
  model: string;
  /** JSON array: the request's input items, item references resolved (the chain before it not included). */
  input_items: string;
  /** JSON: the Response object as returned. */
  response: string;
  created_at: EpochMs;
}

/** An output item with an id that does not name its response (OpenAI's), found by id for `item_reference`. */
export interface GatewayResponseItemsTable {
  item_id: string;
  response_id: string;
  owner: string;
  /** JSON: the output item. */
  item: string;
  created_at: EpochMs;
}

/** One change an admin made; never a secret (see lib/audit/audit-summary.ts). */
export interface AdminAuditLogTable {
  id: Generated<number>;
  created_at: EpochMs;
  /** Null for changes made outside the API (the operator's password-reset command). */
  admin_user_id: number | null;
  /** As it was at the time. */
  admin_username: string;
  /** `<target type>.<verb>`: `client.update`, `key.validate`, `user.password_change`, … */
  action: string;
  target_type: string;
  target_id: string | null;
  /** JSON object: changed field -> new value, secrets as "(changed)". */
  summary: string;
  ip: string | null;
  request_id: string | null;
}

/** A model alias: a name standing for an ordered list of catalogue models. */
export interface ModelAliasesTable {
  id: Generated<number>;
  /** Unique, never a model code of the catalogue, no `/`. */
  alias: string;
  description: string | null;
  is_active: Flag;
  created_at: EpochMs;
  updated_at: EpochMs;
}

/** One model of an alias. */
export interface ModelAliasMembersTable {
  id: Generated<number>;
  alias_id: number;
  /** Try order, lowest first; members sharing a position are ordered by weight per request. */
  position: number;
  provider_id: number;
  model_code: string;
  /** Share among members of the same position; null when the member carries none. */
  weight: number | null;
}

/** A model's prices from `effective_from` on (until the next row of the same model). */
export interface ModelPricesTable {
  id: Generated<number>;
  model_id: number;
  effective_from: EpochMs;
  /** USD per million tokens. */
  input_price_per_m: number;
  output_price_per_m: number;
  /** Cache hits; null: charged as input. */
  cache_read_price_per_m: number | null;
  /** Cache writes (Anthropic's 5-minute ones); null: charged as input. */
  cache_write_price_per_m: number | null;
  /** Anthropic's 1-hour cache writes; null: the 5-minute write price. */
  cache_write_1h_price_per_m: number | null;
  /** Where the price comes from (a page and the date it was read). */
  source: string | null;
  created_at: EpochMs;
}

export interface Database {
  t_ai_providers: ProvidersTable;
  t_ai_api_keys: ApiKeysTable;
  t_ai_models: ModelsTable;
  t_ai_api_logs: ApiLogsTable;
  t_ai_usage_stats: UsageStatsTable;
  t_admin_users: AdminUsersTable;
  t_client_keys: ClientKeysTable;
  t_client_budgets: ClientBudgetsTable;
  t_alert_webhooks: AlertWebhooksTable;
  t_alert_history: AlertHistoryTable;
  t_sys_job_state: JobStateTable;
  t_client_usage_stats: ClientUsageStatsTable;
  t_gateway_responses: GatewayResponsesTable;
  t_gateway_response_items: GatewayResponseItemsTable;
  t_admin_audit_log: AdminAuditLogTable;
  t_model_aliases: ModelAliasesTable;
  t_model_alias_members: ModelAliasMembersTable;
  t_model_prices: ModelPricesTable;
}

export type ProviderRow = Selectable<ProvidersTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type NewApiKeyRow = Insertable<ApiKeysTable>;
export type ApiKeyUpdate = Updateable<ApiKeysTable>;
export type ModelRow = Selectable<ModelsTable>;
export type ApiLogRow = Selectable<ApiLogsTable>;
export type NewApiLogRow = Insertable<ApiLogsTable>;
export type UsageStatsRow = Selectable<UsageStatsTable>;
export type AdminUserRow = Selectable<AdminUsersTable>;
export type ClientKeyRow = Selectable<ClientKeysTable>;
export type ClientBudgetRow = Selectable<ClientBudgetsTable>;
export type AlertWebhookRow = Selectable<AlertWebhooksTable>;
export type AlertHistoryRow = Selectable<AlertHistoryTable>;
export type JobStateRow = Selectable<JobStateTable>;
export type ClientUsageStatsRow = Selectable<ClientUsageStatsTable>;
export type AdminAuditLogRow = Selectable<AdminAuditLogTable>;
export type NewAdminAuditLogRow = Insertable<AdminAuditLogTable>;
export type GatewayResponseRow = Selectable<GatewayResponsesTable>;
export type ModelAliasRow = Selectable<ModelAliasesTable>;
export type ModelAliasMemberRow = Selectable<ModelAliasMembersTable>;
export type ModelPriceRow = Selectable<ModelPricesTable>;
export type { ColumnType };
