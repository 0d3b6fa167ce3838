/**
 * Builds the OpenAPI 3.1 document from the app's mounted routes (Hono's `app.routes`): every
 * method and path the app answers, its path, query and body schemas as recorded by `validate()`
 * and `documentRequestBody()`, its security from where it is mounted, a tag and a summary.
 * Nothing here lists the routes by hand, so a new route appears once it is mounted.
 */
import { objectProperties, toOpenApiSchema, type JsonSchema, type SchemaComponents } from "./json-schemas";
import { routeFamily, securityOf, SECURITY_SCHEMES, tagOf, type RouteFamily } from "./route-access";
import { recordedSchemaOf, type RecordedSchema } from "./route-schemas";
import { routeSummary } from "./route-summaries";

/** What the generator reads of a Hono route entry. */
export interface MountedRoute {
  method: string;
  path: string;
  handler: object;
}

/** The document's title block. */
export interface DocumentInfo {
  title: string;
  version: string;
  description?: string;
}

/** The mounted Hono path in OpenAPI form: `:id` and `:model{.+}` → `{id}`, `{model}`; `*` → `{path}`. */
export function openApiPath(honoPath: string): string {
  const path = honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, "{$1}").replace(/\*/g, "{path}");
  return path.length > 1 ? path.replace(/\/$/, "") : path;
}

/** The operations a route list holds, as `METHOD /openapi/path` (middleware mounted with `use` is not one). */
export function documentedOperations(routes: readonly MountedRoute[]): string[] {
  return [...new Set(routes.filter((route) => route.method !== "ALL").map((route) => `${route.method} ${openApiPath(route.path)}`))];
}

const ADMIN_ERROR = { $ref: "#/components/responses/AdminError" };
const MODEL_ERROR = { $ref: "#/components/responses/ModelError" };

const COMPONENT_SCHEMAS: SchemaComponents = {
  AdminEnvelope: {
    type: "object",
    description: "Every admin API answer: the status code again and the payload.",
    properties: { code: { type: "integer", examples: [200] }, data: {} },
    required: ["code", "data"],
  },
  AdminErrorBody: {
    type: "object",
    properties: {
      code: { type: "integer", examples: [400] },
      message: { type: "string", description: "What is wrong, naming the field or setting." },
      errors: { type: "array", items: { type: "object", properties: { field: { type: "string" }, message: { type: "string" } }, required: ["field", "message"] } },
      data: {
        type: "object",
        description: "Extra facts, e.g. which limit refused the call and when it lifts (429).",
        properties: {
          limit: { type: "string", description: "The setting (RATE_LIMIT_MAX, ADMIN_RATE_LIMIT_MAX) or fixed rule (login_lockout) that refused the call." },
          retryAfterSeconds: { type: "integer", minimum: 1 },
          resetAt: { type: "string", format: "date-time" },
        },
      },
    },
    required: ["code", "message"],
  },
  ModelErrorBody: {
    type: "object",
    description: "OpenAI's error shape ({error: {message, type, code, param}}); under /v1/messages, Anthropic's ({type: \"error\", error: {type, message}}).",
    properties: {
      type: { type: "string" },
      error: { type: "object", properties: { message: { type: "string" }, type: { type: "string" }, code: { type: ["string", "null"] }, param: { type: ["string", "null"] } }, required: ["message", "type"] },
    },
    required: ["error"],
  },
};

const COMPONENT_RESPONSES = {
  AdminError: { description: "Refused: the message names the field, setting or cause.", content: { "application/json": { schema: { $ref: "#/components/schemas/AdminErrorBody" } } } },
  ModelError: { description: "Refused or failed, in the door's own error format.", content: { "application/json": { schema: { $ref: "#/components/schemas/ModelErrorBody" } } } },
};

/** The success and error answers a route documents, by its family (and a `.csv` path's file). */
function responsesOf(family: RouteFamily, path: string): Record<string, unknown> {
  if (path.endsWith(".csv")) {
    return { "200": { description: "The selected rows as CSV, with a header row.", content: { "text/csv": { schema: { type: "string" } } } }, default: ADMIN_ERROR };
  }
  if (family === "model") {
    return { "200": { description: "The door's own answer: JSON, or text/event-stream when the request streams." }, default: MODEL_ERROR };
  }
  if (family === "public") return { "200": { description: "OK" } };
  return { "200": { description: "Done.", content: { "application/json": { schema: { $ref: "#/components/schemas/AdminEnvelope" } } } }, default: ADMIN_ERROR };
}

function operationId(method: string, path: string): string {
  return `${method.toLowerCase()}${path.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (_match, next: string | undefined) => (next ? next.toUpperCase() : ""))}`;
}

/** One operation from the schemas recorded on its handlers. */
function buildOperation(method: string, path: string, recorded: RecordedSchema[], components: SchemaComponents): Record<string, unknown> {
  const id = operationId(method, path);
  const family = routeFamily(path);
  const schemaOf = (target: RecordedSchema["target"], suffix: string): JsonSchema | undefined => {
    const found = recorded.find((entry) => entry.target === target);
    return found && toOpenApiSchema(found.schema, `${id}${suffix}`, components);
  };

  const pathSchemas = new Map(objectProperties(schemaOf("param", "Path") ?? {}).map((property) => [property.name, property]));
  const parameters: Record<string, unknown>[] = [...path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => {
    const known = pathSchemas.get(name);
    const description = name === "path" && path.endsWith("{path}") ? "Any further path." : known?.description;
    return { name, in: "path", required: true, schema: known?.schema ?? { type: "string" }, ...(description ? { description } : {}) };
  });
  for (const property of objectProperties(schemaOf("query", "Query") ?? {})) {
    parameters.push({ name: property.name, in: "query", required: property.required, schema: property.schema, ...(property.description ? { description: property.description } : {}) });
  }

  const operation: Record<string, unknown> = {
    operationId: id,
    summary: routeSummary(method, path),
    tags: [tagOf(path)],
    security: securityOf(family),
    parameters,
    responses: responsesOf(family, path),
  };
  const body = schemaOf("json", "Body");
  if (body) {
    components[`${id}Body`] = body;
    operation.requestBody = { required: true, content: { "application/json": { schema: { $ref: `#/components/schemas/${id}Body` } } } };
  }
  return operation;
}

/** The whole document for `routes`. */
export function buildOpenApiDocument(routes: readonly MountedRoute[], info: DocumentInfo): Record<string, unknown> {
  const components: SchemaComponents = { ...COMPONENT_SCHEMAS };
  const handlersByOperation = new Map<string, object[]>();
  for (const route of routes) {
    if (route.method === "ALL") continue;
    const key = `${route.method} ${openApiPath(route.path)}`;
    handlersByOperation.set(key, [...(handlersByOperation.get(key) ?? []), route.handler]);
  }
  // Middleware mounted with `use` on exactly one route's path (a guard that also validates) counts for it.
  for (const route of routes) {
    if (route.method !== "ALL" || route.path.includes("*")) continue;
    for (const [key, handlers] of handlersByOperation) if (key.endsWith(` ${openApiPath(route.path)}`)) handlers.push(route.handler);
  }

  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, handlers] of handlersByOperation) {
    const [method, path] = key.split(" ") as [string, string];
    const recorded = handlers.map((handler) => recordedSchemaOf(handler)).filter((entry): entry is RecordedSchema => entry !== undefined);
    paths[path] ??= {};
    paths[path][method.toLowerCase()] = buildOperation(method, path, recorded, components);
  }

  const tags = [...new Set(Object.values(paths).flatMap((operations) => Object.values(operations).map((operation) => (operation as { tags: string[] }).tags[0]!)))];
  return {
    openapi: "3.1.0",
    info,
    jsonSchemaDialect: "https://spec.openapis.org/oas/3.1/dialect/base",
    tags: tags.sort().map((name) => ({ name })),
    paths,
    components: { schemas: components, responses: COMPONENT_RESPONSES, securitySchemes: SECURITY_SCHEMES },
  };
}
