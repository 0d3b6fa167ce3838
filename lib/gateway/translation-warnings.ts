/**
 * How translation warnings reach people: the `x-modelgate-warnings` response header (for the
 * client's developer) and a note in the log row (for the operator). The header groups fields by
 * what happened to them: `dropped=logprobs,seed; adjusted=max_tokens`.
 */
import { adjusted, type ChatRequest, type TranslationWarning } from "../providers/provider-spec";

/** The response header that lists what a translation dropped, adjusted or emulated. */
export const WARNINGS_HEADER = "x-modelgate-warnings";

/** Longest header value sent; the log row keeps the full list. */
const MAXIMUM_HEADER_LENGTH = 1024;

/** The header value for a request's warnings, or `null` when there are none. */
export function warningsHeader(warnings: readonly TranslationWarning[]): string | null {
  if (warnings.length === 0) return null;
  const fieldsByAction = new Map<string, Set<string>>();
  for (const { action, field } of warnings) {
    let fields = fieldsByAction.get(action);
    if (!fields) fieldsByAction.set(action, (fields = new Set()));
    // Header values are ASCII; field names are ours or the client's, so keep them tame.
    fields.add(field.replace(/[^\w.\-[\]]/g, "_"));
  }
  const value = [...fieldsByAction].map(([action, fields]) => `${action}=${[...fields].join(",")}`).join("; ");
  return value.length > MAXIMUM_HEADER_LENGTH ? value.slice(0, MAXIMUM_HEADER_LENGTH) : value;
}

/** The log row's note: every warning's message. */
export function warningsNote(warnings: readonly TranslationWarning[]): string | null {
  return warnings.length === 0 ? null : warnings.map((warning) => `${warning.action} ${warning.field}: ${warning.message}`).join("; ");
}

/**
 * Caps the request's output budget at the model's maximum output, so an upstream with a hard
 * cap (DeepSeek answers 400 above it) is not sent more than it takes; a warning says so.
 */
export function clampOutputTokens(request: ChatRequest, modelMaxOutputTokens: number, warnings: TranslationWarning[]): ChatRequest {
  if (!(modelMaxOutputTokens > 0)) return request;
  for (const field of ["max_completion_tokens", "max_tokens"] as const) {
    const asked = request[field];
    if (typeof asked === "number" && asked > modelMaxOutputTokens) {
      warnings.push(adjusted(field, `${field} ${asked} was capped to the model's maximum output of ${modelMaxOutputTokens}`));
      request = { ...request, [field]: modelMaxOutputTokens };
    }
  }
  return request;
}
