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
  const depth = jsonNestingDepth(text, MAXIMUM_JSON_DEPTH);
  if (depth > MAXIMUM_JSON_DEPTH) {
    throw new ValidationError(`Request body nests objects or arrays deeper than ${MAXIMUM_JSON_DEPTH} levels`, [{ field: "body", message: "nesting too deep" }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? `: ${error.message}` : "";
    throw new ValidationError(`Request body is not valid JSON${detail}`, [{ field: "body", message: "invalid JSON" }]);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ValidationError("Request body must be a JSON object", [{ field: "body", message: "expected an object" }]);
  }
  return value as Record<string, unknown>;
}

/**
 * The deepest nesting of `{` / `[` outside strings, scanning no further once `limit` is passed.
 * Malformed text is JSON.parse's to reject; this only counts.
 */
export function jsonNestingDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 92 /* \ */) index++;
      else if (code === 34 /* " */) inString = false;
    } else if (code === 34) inString = true;
    else if (code === 123 /* { */ || code === 91 /* [ */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (code === 125 /* } */ || code === 93 /* ] */) depth--;
  }
  return deepest;
}
