/**
 * Edge validation with zod: every body, query and path parameter goes through `validate()`,
 * whose failures become a 400 naming each bad field.
 */
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { ZodType } from "zod";
import { ValidationError } from "../errors";

/** Validates one part of the request; on failure throws {@link ValidationError} naming the fields. */
export function validate<Target extends keyof ValidationTargets, Schema extends ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      const errors = result.error.issues.map((issue) => ({
        field: issue.path.length ? issue.path.join(".") : target,
        message: issue.message,
      }));
      const summary = errors.map((error) => `${error.field}: ${error.message}`).join("; ");
      throw new ValidationError(`Invalid ${target === "json" ? "body" : target}: ${summary}`, errors);
    }
  });
}
