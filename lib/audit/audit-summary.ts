/**
 * The `summary` of an audit entry: which fields a change set, with their new values, except
 * secrets. A field that holds a secret (a provider key, a password, a webhook URL, which often
 * carries its token) is written as "(changed)"; the masked hints the API itself shows (`keyHint`,
 * `urlHint`) are kept so the entry still says which key it was. Any key- or token-shaped text left
 * in a value is masked as well.
 */
import { redactSecrets } from "../logging/logger";

/** How a secret field appears in an entry. */
export const CHANGED = "(changed)";

/** Whole names, so `maxOutputTokens` or `keyName` stay readable. */
const SECRET_FIELD = /^(.*password|.*secret|.*apikey|api_key|key|token|.*accesstoken|url|.*webhookurl|credentials?)$/i;
/** Names and hints the admin API shows, taken from the answer to say what the target is, and a run's or check's outcome. */
const RESPONSE_LABELS = ["name", "keyName", "username", "code", "modelCode", "keyHint", "urlHint", "status"] as const;
const MAX_TEXT = 200;
const MAX_ITEMS = 50;

/** True for a field whose value must never be stored. */
function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

function safeValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactSecrets(value).slice(0, MAX_TEXT);
  if (value === null || typeof value === "number" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((item) => safeValue(item, depth + 1));
  if (typeof value === "object" && depth < 3) return safeFields(value as Record<string, unknown>, depth + 1);
  return CHANGED;
}

function safeFields(fields: Record<string, unknown>, depth: number): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields).slice(0, MAX_ITEMS)) {
    result[name] = isSecretField(name) ? CHANGED : safeValue(value, depth);
  }
  return result;
}

/**
 * @param body the request's JSON body (anything else, or nothing, records no fields)
 * @param responseData the `data` of the answer, for the target's name and hints
 */
export function auditSummary(body: unknown, responseData: unknown): Record<string, unknown> {
  const summary = body !== null && typeof body === "object" && !Array.isArray(body) ? safeFields(body as Record<string, unknown>, 0) : {};
  if (responseData !== null && typeof responseData === "object") {
    const data = responseData as Record<string, unknown>;
    for (const label of RESPONSE_LABELS) {
      if (typeof data[label] === "string" && !(label in summary)) summary[label] = redactSecrets(data[label] as string).slice(0, MAX_TEXT);
    }
  }
  return summary;
}
