/**
 * One-line summaries of the routes, keyed by method and mounted path. A route missing here still
 * gets a summary made from its method and path, so new routes never drop out of the reference.
 */

const SUMMARIES: Record<string, string> = {
  "GET /health": "Health of the database and the limit store",
  "GET /openapi.json": "This API description (OpenAPI 3.1)",
  "GET /docs": "API reference page",
  "GET /docs/assets/reference.js": "API reference page script",
  "GET /docs/assets/reference.css": "API reference page stylesheet",
  "POST /api/auth/login": "Log in as an admin user; returns a bearer token",
  "POST /api/auth/logout": "Revoke every token of the caller",
  "POST /api/auth/password": "Change the caller's own password; returns a new token",
  "GET /api/admin/ai-providers": "List providers",
  "POST /api/admin/ai-providers": "Add a provider (an OpenAI-compatible server, a self-hosted model, …)",
  "GET /api/admin/ai-providers/{id}": "Read a provider",
  "PUT /api/admin/ai-providers/{id}": "Update a provider (base URL, timeout, active)",
  "DELETE /api/admin/ai-providers/{id}": "Delete a provider",
  "GET /api/admin/ai-providers/{id}/keys": "List a provider's API keys (hints only)",
  "POST /api/admin/ai-providers/{id}/keys": "Add an API key to a provider (stored encrypted)",
  "PUT /api/admin/ai-providers/keys/{keyId}": "Update a provider API key",
  "DELETE /api/admin/ai-providers/keys/{keyId}": "Delete a provider API key",
  "POST /api/admin/ai-providers/keys/{keyId}/validate": "Check a provider API key against its provider",
  "GET /api/admin/ai-models": "List catalogue models",
  "POST /api/admin/ai-models": "Add a model to the catalogue",
  "GET /api/admin/ai-models/{id}": "Read a model",
  "PUT /api/admin/ai-models/{id}": "Update a model (prices, limits, active)",
  "DELETE /api/admin/ai-models/{id}": "Delete a model",
  "GET /api/admin/clients": "List client keys",
  "POST /api/admin/clients": "Create a client key for an application (the key is shown once)",
  "GET /api/admin/clients/{id}": "Read a client key",
  "PUT /api/admin/clients/{id}": "Update a client key (name, allowed models, RPM, active)",
  "DELETE /api/admin/clients/{id}": "Revoke a client key",
  "GET /api/admin/ai-stats": "Usage totals over a time range",
  "GET /api/admin/ai-stats/timeseries": "Usage over time",
  "GET /api/admin/ai-stats/top-errors": "Most frequent errors, with client and key",
  "GET /api/admin/ai-logs": "Search request logs",
  "GET /api/admin/ai-logs/{id}": "Read one request log row",
  "GET /api/admin/alerts/config": "Alert thresholds in effect",
  "GET /api/admin/alerts/webhooks": "List alert webhooks",
  "POST /api/admin/alerts/webhooks": "Add an alert webhook (Slack, Feishu, DingTalk, WeCom, JSON)",
  "PUT /api/admin/alerts/webhooks/{id}": "Update an alert webhook",
  "DELETE /api/admin/alerts/webhooks/{id}": "Delete an alert webhook",
  "POST /api/admin/alerts/webhooks/{id}/test": "Send a test alert to a webhook",
  "GET /api/admin/alerts/history": "Alerts sent",
  "GET /api/admin/jobs": "Scheduled jobs",
  "POST /api/admin/jobs/{name}/run": "Run a scheduled job now",
  "GET /api/admin/users": "List admin users (never their password hashes)",
  "POST /api/admin/users": "Add an admin user (role admin or viewer)",
  "GET /api/admin/users/{id}": "Read an admin user",
  "PUT /api/admin/users/{id}": "Update an admin user (name, password, role, active); signs that user out",
  "DELETE /api/admin/users/{id}": "Delete an admin user (not yourself, not the last active admin)",
  "GET /api/admin/audit": "Audit trail of admin changes, newest first (keyset pages)",
  "GET /api/admin/audit/export.csv": "Audit trail as CSV (same filters)",
  "GET /api/admin/clients/{id}/budgets": "A client key's budgets",
  "PUT /api/admin/clients/{id}/budgets": "Set a client key's budgets",
  "GET /api/admin/clients/{id}/spend": "A client key's spend in each budget period",
  "GET /api/admin/ai-aliases": "List model aliases",
  "POST /api/admin/ai-aliases": "Add a model alias",
  "GET /api/admin/ai-aliases/{id}": "Read a model alias",
  "PUT /api/admin/ai-aliases/{id}": "Update a model alias",
  "DELETE /api/admin/ai-aliases/{id}": "Delete a model alias",
  "GET /api/admin/ai-models/{id}/prices": "A model's price history",
  "POST /api/admin/ai-models/{id}/prices": "Add a price for a model from a date",
  "GET /admin": "Dashboard (redirects to /admin/)",
  "GET /admin/{path}": "Dashboard page",
  "GET /admin/assets/app.js": "Dashboard script",
  "GET /admin/assets/app.css": "Dashboard stylesheet",
  "GET /admin/assets/chart.umd.js": "Dashboard charting library",
  "POST /v1/chat/completions": "OpenAI Chat Completions, on any catalogue model",
  "GET /v1/models": "Models the caller may use (Anthropic's shape with anthropic-version)",
  "GET /v1/models/{model}": "One model the caller may use",
  "POST /v1/responses": "OpenAI Responses, on any catalogue model",
  "GET /v1/responses/{id}": "Read a stored response",
  "GET /v1/responses/{id}/input_items": "Input items of a stored response",
  "DELETE /v1/responses/{id}": "Delete a stored response",
  "POST /v1/messages": "Anthropic Messages, on any catalogue model",
  "POST /v1/messages/count_tokens": "Anthropic token counting",
  "POST /v1/embeddings": "OpenAI embeddings",
  "POST /api/ai/chat/completions": "Chat in the gateway's envelope ({code, data})",
};

const VERBS: Record<string, string> = { GET: "Read", POST: "Create", PUT: "Update", PATCH: "Update", DELETE: "Delete" };

/** The summary of `method path` (path in OpenAPI form, `{param}`). */
export function routeSummary(method: string, path: string): string {
  const known = SUMMARIES[`${method} ${path}`];
  if (known) return known;
  const segments = path.split("/").filter(Boolean);
  const last = segments.at(-1) ?? "/";
  const subject = segments.filter((segment) => !segment.startsWith("{")).at(-1) ?? "root";
  if (method === "GET" && !last.startsWith("{")) return `List ${subject}`;
  if (method === "POST" && !last.startsWith("{") && segments.at(-2)?.startsWith("{")) return `${capitalise(last)} one of ${segments.at(-3) ?? "them"}`;
  if (last.startsWith("{")) return `${VERBS[method] ?? method} one of ${subject}`;
  return `${VERBS[method] ?? method} ${subject}`;
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
