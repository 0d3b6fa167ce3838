/**
 * Edge validation with zod: every body, query and path parameter goes through `validate()`,
 * whose failures become a 400 naming each bad field.
 */
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import * as z from "zod";
import { ValidationError } from "../errors";
import { recordRouteSchema } from "../openapi/route-schemas";

/**
 * Validates one part of the request; on failure throws {@link ValidationError} naming the fields.
 * The schema is recorded for the API reference (/openapi.json).
 */
export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(target: Target, schema: Schema) {
  const middleware = zValidator(target, schema, (result) => {
    if (!result.success) throw validationError(target, result.error.issues);
  });
  return recordRouteSchema(middleware, target, schema);
}

/** The 400 for zod issues of one part of the request (`json` is called "body"). */
export function validationError(target: string, issues: readonly { path: PropertyKey[]; message: string }[]): ValidationError {
  const errors = issues.map((issue) => ({
    field: issue.path.length ? issue.path.map(String).join(".") : target,
    message: issue.message,
  }));
  const summary = errors.map((error) => `${error.field}: ${error.message}`).join("; ");
  return new ValidationError(`Invalid ${target === "json" ? "body" : target}: ${summary}`, errors);
}

/**
 * A path or query integer written as plain decimal digits (an optional minus sign, no exponent,
 * hex, `+` or spaces) within bounds. `z.coerce.number()` would read `0x1`, `1e0`, `+1`, ` 1` and
 * even an empty value (as 0) as ids, so `DELETE …/0x1` deleted row 1.
 */
export function integerTextSchema(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .regex(/^-?\d{1,16}$/, "must be a whole number written in decimal digits")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}
