/**
 * What the API reference knows about each route's input, recorded where the input is checked:
 * `validate()` records its target and schema against the middleware it returns, and a handler
 * that reads its body itself (the model doors, which forward the text as received) is marked
 * with {@link documentRequestBody}. The generator finds both by walking the app's routes, so a
 * new route is documented by being written the usual way.
 */
import type { ZodType } from "zod";

/** Which part of the request a schema describes (Hono's validation targets). */
export type SchemaTarget = "json" | "query" | "param" | "header" | "form" | "cookie";

/** One schema a route's middleware or handler checks. */
export interface RecordedSchema {
  target: SchemaTarget;
  schema: ZodType;
}

const recorded = new WeakMap<object, RecordedSchema>();

/** Records that `handler` checks `target` against `schema`; returns `handler` unchanged. */
export function recordRouteSchema<Handler extends object>(handler: Handler, target: SchemaTarget, schema: ZodType): Handler {
  recorded.set(handler, { target, schema });
  return handler;
}

/** Marks a handler that parses its JSON body with `schema` itself; costs nothing per request. */
export function documentRequestBody<Handler extends object>(schema: ZodType, handler: Handler): Handler {
  return recordRouteSchema(handler, "json", schema);
}

/** The schema recorded for a route handler or middleware, if any. */
export function recordedSchemaOf(handler: object): RecordedSchema | undefined {
  return recorded.get(handler);
}
