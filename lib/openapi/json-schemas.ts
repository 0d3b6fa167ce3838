/**
 * zod schemas as OpenAPI 3.1 schema objects (JSON Schema 2020-12), through zod's own
 * `z.toJSONSchema`. The request side is described (`io: "input"`), since these schemas check what
 * callers send; what JSON Schema cannot say (a transform's output, a custom check) is left open,
 * unless the check is registered with the schema that says what it checks ({@link documentAs}).
 */
import * as z from "zod";

/** A JSON Schema object as the document holds it. */
export type JsonSchema = Record<string, unknown>;

/** Named schemas shared by the document (`components.schemas`). */
export type SchemaComponents = Record<string, JsonSchema>;

/** Schemas that check by hand what JSON Schema could say, and the schema that says it. */
const documented = new WeakMap<object, z.ZodType>();

/** Describes `schema` in the document as `shownAs` (a custom check of what `shownAs` would check). */
export function documentAs(schema: z.ZodType, shownAs: z.ZodType): void {
  documented.set(schema, shownAs);
}

const conversion = {
  target: "draft-2020-12",
  io: "input",
  unrepresentable: "any",
  override({ zodSchema, jsonSchema }: { zodSchema: object; jsonSchema: Record<string, unknown> }) {
    const shownAs = documented.get(zodSchema);
    if (!shownAs) return;
    const { $schema: _dialect, ...shown } = z.toJSONSchema(shownAs, conversion) as JsonSchema;
    for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
    Object.assign(jsonSchema, shown);
  },
} as const;

/**
 * Converts `schema`; definitions zod emits for recursive parts move into `components` under
 * `<name>_<definition>`, with their references rewritten to point there.
 */
export function toOpenApiSchema(schema: z.ZodType, name: string, components: SchemaComponents): JsonSchema {
  const { $schema: _dialect, $defs, ...converted } = z.toJSONSchema(schema, conversion) as JsonSchema;
  const definitions = ($defs ?? {}) as Record<string, JsonSchema>;
  const rename = (reference: string) => reference.replace(/^#\/\$defs\//, `#/components/schemas/${name}_`);
  for (const [definition, body] of Object.entries(definitions)) components[`${name}_${definition}`] = rewriteReferences(body, rename);
  return rewriteReferences(converted, rename);
}

function rewriteReferences(value: JsonSchema, rename: (reference: string) => string): JsonSchema {
  return JSON.parse(JSON.stringify(value), (key, inner: unknown) => (key === "$ref" && typeof inner === "string" ? rename(inner) : inner)) as JsonSchema;
}

/** One parameter per property of an object schema (query strings and path parameters). */
export function objectProperties(schema: JsonSchema): Array<{ name: string; schema: JsonSchema; required: boolean; description?: string }> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, schema: rest, required: required.has(name), ...(typeof description === "string" ? { description } : {}) };
  });
}
