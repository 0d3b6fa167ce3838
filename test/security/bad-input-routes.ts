/**
 * The routes and doors the bad-input corpus attacks, as tables: each JSON route with a body that
 * is valid except for what a probe breaks, its fields typed so wrong values can be derived, each
 * path parameter, and each query parameter. A new door is one entry in {@link BODY_ROUTES}.
 */

/** What kind of value a field takes; the probes derive wrong values from it. */
export type FieldKind = "text" | "code" | "url" | "int" | "number" | "boolean" | "enum" | "list" | "messages" | "object" | "time";

/** One body or query field. */
export interface FieldSpec {
  name: string;
  kind: FieldKind;
  /** Refused when absent. */
  required?: boolean;
  /** Bounds of a number, or of a text's length. */
  min?: number;
  max?: number;
  /** `null` is a valid value. */
  nullable?: boolean;
  /** Any text is valid (passwords): no control-character probes. */
  freeText?: boolean;
}

/** Who may call a route. */
export type Caller = "admin" | "client" | "none";

/** A JSON-body route. `{keyId}`, `{clientId}`, `{webhookId}`, `{userId}` are filled from the fixture. */
export interface BodyRoute {
  name: string;
  method: "POST" | "PUT";
  path: string;
  caller: Caller;
  /** A body that is valid but for the one thing each probe breaks. */
  body: Record<string, unknown>;
  fields: FieldSpec[];
  /** Unknown fields are refused (`.strict()` schemas); other routes pass them through. */
  strict?: boolean;
  /** `/v1/*` answers in OpenAI's error shape, `/v1/messages*` in Anthropic's. */
  shape: "envelope" | "openai" | "anthropic";
}

const messages = [{ role: "user", content: "hello" }];

/** Every JSON-body route on main, and the doors being added (enabled when they answer). */
export const BODY_ROUTES: BodyRoute[] = [
  {
    name: "login",
    method: "POST",
    path: "/api/auth/login",
    caller: "none",
    shape: "envelope",
    body: { username: "admin", password: "not the password" },
    fields: [
      { name: "username", kind: "text", required: true, min: 1, max: 64 },
      { name: "password", kind: "text", required: true, min: 1, max: 256, freeText: true },
    ],
  },
  {
    name: "password change",
    method: "POST",
    path: "/api/auth/password",
    caller: "admin",
    shape: "envelope",
    body: { currentPassword: "not the password", newPassword: "a long enough new password" },
    fields: [
      { name: "currentPassword", kind: "text", required: true, min: 1, max: 256, freeText: true },
      { name: "newPassword", kind: "text", required: true, min: 12, max: 256, freeText: true },
    ],
  },
  {
    name: "provider create",
    method: "POST",
    path: "/api/admin/ai-providers",
    caller: "admin",
    shape: "envelope",
    body: { code: "corpus", name: "Corpus", baseUrl: "https://api.example.com/v1", apiFormat: "openai", isActive: true, timeout: 60_000 },
    fields: [
      { name: "code", kind: "code", required: true, min: 2, max: 32 },
      { name: "name", kind: "text", required: true, min: 1, max: 100 },
      { name: "baseUrl", kind: "url", required: true },
      { name: "apiFormat", kind: "enum", required: true },
      { name: "isActive", kind: "boolean" },
      { name: "timeout", kind: "int", min: 1000, max: 290_000 },
    ],
  },
  {
    name: "provider update",
    method: "PUT",
    path: "/api/admin/ai-providers/1",
    caller: "admin",
    shape: "envelope",
    strict: true,
    body: { name: "Renamed", baseUrl: "https://api.example.com/v2", isActive: true, timeout: 30_000 },
    fields: [
      { name: "name", kind: "text", min: 1, max: 100 },
      { name: "baseUrl", kind: "url" },
      { name: "isActive", kind: "boolean" },
      { name: "timeout", kind: "int", min: 1000, max: 290_000 },
    ],
  },
  {
    name: "key create",
    method: "POST",
    path: "/api/admin/ai-providers/1/keys",
    caller: "admin",
    shape: "envelope",
    body: { keyName: "corpus", apiKey: "sk-corpus-key-000000001", priority: 0, weight: 1, rateLimitRpm: null, rateLimitTpm: null, rateLimitRpd: null, isActive: true },
    fields: [
      { name: "keyName", kind: "text", required: true, min: 1, max: 100 },
      { name: "apiKey", kind: "text", required: true, min: 8, max: 512 },
      { name: "priority", kind: "int", min: -1000, max: 1000 },
      { name: "weight", kind: "int", min: 1, max: 1000 },
      { name: "rateLimitRpm", kind: "int", min: 1, max: 1_000_000_000, nullable: true },
      { name: "rateLimitTpm", kind: "int", min: 1, max: 1_000_000_000, nullable: true },
      { name: "isActive", kind: "boolean" },
    ],
  },
  {
    name: "key update",
    method: "PUT",
    path: "/api/admin/ai-providers/keys/{keyId}",
    caller: "admin",
    shape: "envelope",
    strict: true,
    body: { keyName: "renamed", priority: 1, weight: 2 },
    fields: [
      { name: "keyName", kind: "text", min: 1, max: 100 },
      { name: "apiKey", kind: "text", min: 8, max: 512 },
      { name: "priority", kind: "int", min: -1000, max: 1000 },
      { name: "weight", kind: "int", min: 1, max: 1000 },
      { name: "rateLimitRpd", kind: "int", min: 1, max: 1_000_000_000, nullable: true },
      { name: "status", kind: "enum" },
    ],
  },
  {
    name: "model create",
    method: "POST",
    path: "/api/admin/ai-models",
    caller: "admin",
    shape: "envelope",
    body: { providerId: 1, modelCode: "corpus-model", displayName: "Corpus", contextWindow: 1000, maxOutputTokens: 100, inputPricePerM: 1, outputPricePerM: 2 },
    fields: [
      { name: "providerId", kind: "int", required: true, min: 1 },
      { name: "modelCode", kind: "code", required: true, min: 1, max: 100 },
      { name: "displayName", kind: "text", required: true, min: 1, max: 100 },
      { name: "contextWindow", kind: "int", required: true, min: 1, max: 100_000_000 },
      { name: "maxOutputTokens", kind: "int", required: true, min: 1, max: 10_000_000 },
      { name: "inputPricePerM", kind: "number", required: true, min: 0, max: 100_000 },
      { name: "outputPricePerM", kind: "number", required: true, min: 0, max: 100_000 },
      { name: "supportsTools", kind: "boolean" },
    ],
  },
  {
    name: "model update",
    method: "PUT",
    path: "/api/admin/ai-models/1",
    caller: "admin",
    shape: "envelope",
    strict: true,
    body: { displayName: "Renamed", contextWindow: 2000 },
    fields: [
      { name: "displayName", kind: "text", min: 1, max: 100 },
      { name: "contextWindow", kind: "int", min: 1, max: 100_000_000 },
      { name: "outputPricePerM", kind: "number", min: 0, max: 100_000 },
      { name: "isActive", kind: "boolean" },
    ],
  },
  {
    name: "model price create",
    method: "POST",
    path: "/api/admin/ai-models/1/prices",
    caller: "admin",
    shape: "envelope",
    strict: true,
    body: { effectiveFrom: "2999-01-01T00:00:00Z", inputPricePerM: 1, outputPricePerM: 2, cacheReadPricePerM: 0.1, source: "corpus" },
    fields: [
      { name: "inputPricePerM", kind: "number", required: true, min: 0, max: 100_000 },
      { name: "outputPricePerM", kind: "number", required: true, min: 0, max: 100_000 },
      { name: "cacheReadPricePerM", kind: "number", min: 0, max: 100_000, nullable: true },
      { name: "source", kind: "text", min: 1, max: 255, nullable: true },
    ],
  },
  {
    name: "alias create",
    method: "POST",
    path: "/api/admin/ai-aliases",
    caller: "admin",
    shape: "envelope",
    strict: true,
    body: { alias: "corpus-alias", description: "Corpus", members: [{ model: "openai/gpt-4o-mini" }], isActive: true },
    fields: [
      { name: "alias", kind: "code", required: true, min: 1, max: 100 },
      { name: "description", kind: "text", min: 1, max: 500, nullable: true },
      { name: "isActive", kind: "boolean" },
    ],
  },
  {
    name: "client create",
    method: "POST",
    path: "/api/admin/clients",
    caller: "admin",
    shape: "envelope",
    body: { name: "corpus client", allowedModels: null, rateLimitRpm: null },
    fields: [
      { name: "name", kind: "text", required: true, min: 1, max: 100 },
      { name: "allowedModels", kind: "list", nullable: true },
      { name: "rateLimitRpm", kind: "int", min: 1, max: 1_000_000, nullable: true },
    ],
  },
  {
    name: "client update",
    method: "PUT",
    path: "/api/admin/clients/{clientId}",
    caller: "admin",
    shape: "envelope",
    strict: true,
    body: { name: "renamed client", isActive: true },
    fields: [
      { name: "name", kind: "text", min: 1, max: 100 },
      { name: "allowedModels", kind: "list", nullable: true },
      { name: "isActive", kind: "boolean" },
    ],
  },
  {
    name: "user create",
    method: "POST",
    path: "/api/admin/users",
    caller: "admin",
    shape: "envelope",
    body: { username: "corpus-user", password: "a corpus user password", role: "viewer", isActive: true },
    fields: [
      { name: "username", kind: "code", required: true, min: 3, max: 64 },
      { name: "password", kind: "text", required: true, min: 12, max: 256, freeText: true },
      { name: "role", kind: "enum" },
      { name: "isActive", kind: "boolean" },
    ],
  },
  {
    name: "user update",
    method: "PUT",
    path: "/api/admin/users/{userId}",
    caller: "admin",
    shape: "envelope",
    strict: true,
    body: { role: "viewer", isActive: true },
    fields: [
      { name: "username", kind: "code", min: 3, max: 64 },
      { name: "password", kind: "text", min: 12, max: 256, freeText: true },
      { name: "role", kind: "enum" },
      { name: "isActive", kind: "boolean" },
    ],
  },
  {
    name: "webhook create",
    method: "POST",
    path: "/api/admin/alerts/webhooks",
    caller: "admin",
    shape: "envelope",
    body: { name: "hook", url: "https://hooks.example.com/corpus", format: "generic", isActive: true },
    fields: [
      { name: "name", kind: "text", required: true, min: 1, max: 100 },
      { name: "url", kind: "url", required: true },
      { name: "format", kind: "enum" },
      { name: "isActive", kind: "boolean" },
    ],
  },
  {
    name: "webhook update",
    method: "PUT",
    path: "/api/admin/alerts/webhooks/{webhookId}",
    caller: "admin",
    shape: "envelope",
    strict: true,
    body: { name: "renamed hook", format: "slack" },
    fields: [
      { name: "name", kind: "text", min: 1, max: 100 },
      { name: "url", kind: "url" },
      { name: "format", kind: "enum" },
    ],
  },
  {
    name: "chat (OpenAI)",
    method: "POST",
    path: "/v1/chat/completions",
    caller: "client",
    shape: "openai",
    body: { model: "gpt-4o-mini", messages, max_tokens: 16, temperature: 0.5, top_p: 1, n: 1 },
    fields: [
      { name: "model", kind: "code", required: true, min: 1, max: 200 },
      { name: "messages", kind: "messages", required: true },
      { name: "max_tokens", kind: "int", min: 1, nullable: true },
      { name: "temperature", kind: "number", min: 0, max: 2, nullable: true },
      { name: "top_p", kind: "number", min: 0, max: 1, nullable: true },
      { name: "n", kind: "int", min: 1, max: 16, nullable: true },
      { name: "stream", kind: "boolean", nullable: true },
    ],
  },
  {
    name: "chat (envelope)",
    method: "POST",
    path: "/api/ai/chat/completions",
    caller: "client",
    shape: "envelope",
    body: { model: "gpt-4o-mini", messages, maxTokens: 16, temperature: 0.5, topP: 1 },
    fields: [
      { name: "model", kind: "code", required: true, min: 1, max: 200 },
      { name: "messages", kind: "messages", required: true },
      { name: "maxTokens", kind: "int", min: 1, max: 10_000_000 },
      { name: "temperature", kind: "number", min: 0, max: 2 },
      { name: "topP", kind: "number", min: 0, max: 1 },
      { name: "frequencyPenalty", kind: "number", min: -2, max: 2 },
      { name: "stream", kind: "boolean" },
    ],
  },
  {
    name: "embeddings",
    method: "POST",
    path: "/v1/embeddings",
    caller: "client",
    shape: "openai",
    body: { model: "text-embedding-3-small", input: "hello", dimensions: 8 },
    fields: [
      { name: "model", kind: "code", required: true, min: 1, max: 200 },
      { name: "input", kind: "object", required: true },
      { name: "dimensions", kind: "int", min: 1, max: 100_000 },
      { name: "encoding_format", kind: "enum" },
    ],
  },
  {
    name: "messages (Anthropic)",
    method: "POST",
    path: "/v1/messages",
    caller: "client",
    shape: "anthropic",
    body: { model: "claude-sonnet-4-6", max_tokens: 16, messages },
    fields: [
      { name: "model", kind: "code", required: true, min: 1, max: 200 },
      // The door's own bounds (0 tokens and temperatures up to 2 are left for the upstream to judge).
      { name: "max_tokens", kind: "int", required: true, min: 0, max: 10_000_000 },
      { name: "messages", kind: "messages", required: true },
      { name: "temperature", kind: "number", min: 0, max: 2 },
    ],
  },
  {
    name: "count tokens (Anthropic)",
    method: "POST",
    path: "/v1/messages/count_tokens",
    caller: "client",
    shape: "anthropic",
    body: { model: "claude-sonnet-4-6", messages },
    fields: [
      { name: "model", kind: "code", required: true, min: 1, max: 200 },
      { name: "messages", kind: "messages", required: true },
    ],
  },
  {
    name: "responses",
    method: "POST",
    path: "/v1/responses",
    caller: "client",
    shape: "openai",
    body: { model: "gpt-4o-mini", input: "hello", max_output_tokens: 16 },
    fields: [
      { name: "model", kind: "code", required: true, min: 1, max: 200 },
      { name: "input", kind: "object", required: true },
      // The Responses API takes null for both ("not set").
      { name: "max_output_tokens", kind: "int", min: 1, nullable: true },
      { name: "temperature", kind: "number", min: 0, max: 2, nullable: true },
    ],
  },
];

/** A route with path parameters; `{x}` marks where a bad value goes. */
export interface ParamRoute {
  method: "GET" | "PUT" | "DELETE" | "POST";
  path: string;
  caller: Caller;
  /** Sent with PUT/POST so only the parameter is wrong. */
  body?: Record<string, unknown>;
}

/** Every route with a path parameter. */
export const PARAM_ROUTES: ParamRoute[] = [
  { method: "GET", path: "/api/admin/ai-providers/{x}", caller: "admin" },
  { method: "PUT", path: "/api/admin/ai-providers/{x}", caller: "admin", body: { name: "x" } },
  { method: "DELETE", path: "/api/admin/ai-providers/{x}", caller: "admin" },
  { method: "GET", path: "/api/admin/ai-providers/{x}/keys", caller: "admin" },
  { method: "PUT", path: "/api/admin/ai-providers/keys/{x}", caller: "admin", body: { keyName: "x" } },
  { method: "DELETE", path: "/api/admin/ai-providers/keys/{x}", caller: "admin" },
  { method: "POST", path: "/api/admin/ai-providers/keys/{x}/validate", caller: "admin" },
  { method: "GET", path: "/api/admin/ai-models/{x}", caller: "admin" },
  { method: "DELETE", path: "/api/admin/ai-models/{x}", caller: "admin" },
  { method: "GET", path: "/api/admin/ai-models/{x}/prices", caller: "admin" },
  { method: "POST", path: "/api/admin/ai-models/{x}/prices", caller: "admin", body: { inputPricePerM: 1, outputPricePerM: 1 } },
  { method: "GET", path: "/api/admin/ai-aliases/{x}", caller: "admin" },
  { method: "PUT", path: "/api/admin/ai-aliases/{x}", caller: "admin", body: { description: "x" } },
  { method: "DELETE", path: "/api/admin/ai-aliases/{x}", caller: "admin" },
  { method: "GET", path: "/api/admin/clients/{x}", caller: "admin" },
  { method: "DELETE", path: "/api/admin/clients/{x}", caller: "admin" },
  { method: "GET", path: "/api/admin/ai-logs/{x}", caller: "admin" },
  { method: "DELETE", path: "/api/admin/alerts/webhooks/{x}", caller: "admin" },
  { method: "POST", path: "/api/admin/alerts/webhooks/{x}/test", caller: "admin" },
  { method: "POST", path: "/api/admin/jobs/{x}/run", caller: "admin" },
  { method: "GET", path: "/api/admin/users/{x}", caller: "admin" },
  { method: "PUT", path: "/api/admin/users/{x}", caller: "admin", body: { role: "viewer" } },
  { method: "DELETE", path: "/api/admin/users/{x}", caller: "admin" },
  { method: "GET", path: "/v1/models/{x}", caller: "client" },
  { method: "GET", path: "/v1/responses/{x}", caller: "client" },
  { method: "DELETE", path: "/v1/responses/{x}", caller: "client" },
];

/** A GET route with a validated query. */
export interface QueryRoute {
  path: string;
  fields: FieldSpec[];
}

const time = (name: string): FieldSpec => ({ name, kind: "time" });

/** Every GET route with query parameters. */
export const QUERY_ROUTES: QueryRoute[] = [
  { path: "/api/admin/ai-models", fields: [{ name: "providerId", kind: "int", min: 1 }, { name: "active", kind: "enum" }] },
  { path: "/api/admin/ai-stats", fields: [time("from"), time("to"), { name: "providerId", kind: "int", min: 0 }, { name: "clientId", kind: "int", min: 1 }] },
  { path: "/api/admin/ai-stats/timeseries", fields: [{ name: "interval", kind: "enum" }, { name: "groupBy", kind: "enum" }, { name: "tzOffsetMinutes", kind: "int", min: -720, max: 840 }] },
  { path: "/api/admin/ai-stats/top-errors", fields: [{ name: "limit", kind: "int", min: 1, max: 50 }, { name: "keyId", kind: "int", min: 0 }] },
  { path: "/api/admin/ai-stats/usage", fields: [{ name: "range", kind: "enum" }, { name: "groupBy", kind: "enum" }, time("to"), { name: "clientId", kind: "int", min: 1 }] },
  { path: "/api/admin/ai-logs", fields: [{ name: "limit", kind: "int", min: 1, max: 200 }, { name: "cursor", kind: "int", min: 1 }, { name: "status", kind: "enum" }, { name: "outcome", kind: "enum" }, { name: "failoversOnly", kind: "enum" }, time("from")] },
  { path: "/api/admin/ai-logs/export.csv", fields: [{ name: "outcome", kind: "enum" }, { name: "failoversOnly", kind: "enum" }, { name: "providerId", kind: "int", min: 1 }, time("to")] },
  { path: "/api/admin/alerts/history", fields: [{ name: "limit", kind: "int", min: 1, max: 200 }, { name: "state", kind: "enum" }, time("to")] },
  { path: "/api/admin/audit", fields: [{ name: "limit", kind: "int", min: 1, max: 200 }, { name: "cursor", kind: "int", min: 1 }, { name: "adminUserId", kind: "int", min: 1 }, time("from")] },
  { path: "/api/admin/audit/export.csv", fields: [{ name: "cursor", kind: "int", min: 1 }, time("to")] },
];
