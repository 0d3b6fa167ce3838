/**
 * Reads a JSON request body once, as text: the doors forward that text upstream byte for byte
 * when the provider speaks the client's protocol, and parse it to route and validate. Input that
 * could never be sent is refused here with a 400 naming the problem: bodies nested deeper than
 * any API needs (a 10 KB body nested 5,000 levels deep is valid JSON, but stack-overflows
 * serializers further down the line), invalid JSON, a top level that is not an object.
 */
import type { Context } from "hono";
import type { ZodType, output } from "zod";
import { ValidationError } from "../errors";
import { validationError } from "./validation";

/** A read body: the text as received and the validated value. */
export interface JsonBody<Value> {
  text: string;
  body: Value;
}

/** Deepest nesting of objects and arrays accepted; real requests stay far below (tool schemas nest ~10). */
export const MAXIMUM_JSON_DEPTH = 64;

/** Reads, checks and validates the request's JSON body; throws a {@link ValidationError} (400). */
export async function readJsonBody<Schema extends ZodType>(c: Context, schema: Schema): Promise<JsonBody<output<Schema>>> {
  const text = await c.req.text();
  const value = parseJsonObject(text);
  const result = schema.safeParse(value);
  if (!result.success) throw validationError("json", result.error.issues);
  return { text, body: result.data };
}

/** Parses a JSON object body, refusing what {@link readJsonBody} refuses. */
export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === "") throw new ValidationError("Request body is empty; send a JSON object");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? `: ${error.message}` : "";
    throw new ValidationError(`Request body is not valid JSON${detail}`, [{ field: "body", message: "invalid JSON" }]);
  }
  // Judged on the parsed value: V8's JSON.parse takes any depth, and walking the values costs a
  // small part of scanning every character (a 190 KB agent body: about 8 against 400 µs).
  if (nestsDeeperThan(value, MAXIMUM_JSON_DEPTH)) {
    throw new ValidationError(`Request body nests objects or arrays deeper than ${MAXIMUM_JSON_DEPTH} levels`, [{ field: "body", message: "nesting too deep" }]);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ValidationError("Request body must be a JSON object", [{ field: "body", message: "expected an object" }]);
  }
  return value as Record<string, unknown>;
}

/**
 * True when objects and arrays nest more than `limit` levels deep in a parsed JSON value (the
 * top-level object is level 1). Descends no further than `limit`, so the recursion is bounded.
 */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (limit <= 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (nestsDeeperThan(item, limit - 1)) return true;
    return false;
  }
  for (const key in value) if (nestsDeeperThan((value as Record<string, unknown>)[key], limit - 1)) return true;
  return false;
}
