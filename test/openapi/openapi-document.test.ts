/**
 * /openapi.json: an OpenAPI 3.1 document that validates against the specification's schema,
 * lists every route the app mounts (read from Hono's own route table) with its method, path
 * parameters, tag, summary and security, and carries the zod schemas that check the requests.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import * as z from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validate } from "../../lib/http/validation";
import { documentedOperations } from "../../lib/openapi/openapi-document";
import { createTestApp, type TestApp } from "../support/test-app";

interface Operation {
  operationId: string;
  summary: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
  requestBody?: { content: { "application/json": { schema: { $ref: string } } } };
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>>; securitySchemes: Record<string, unknown> };
}

describe("OpenAPI document", () => {
  let t: TestApp;
  let document: Document;

  const operation = (method: string, path: string): Operation => {
    const found = document.paths[path]?.[method];
    if (!found) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
    return found;
  };
  const bodySchema = (op: Operation) => {
    const reference = op.requestBody!.content["application/json"].schema.$ref;
    return document.components.schemas[reference.replace("#/components/schemas/", "")]!;
  };

  beforeAll(async () => {
    t = await createTestApp();
    // A route added the ordinary way, after createApp: it must show up with nothing else done.
    t.app.get("/api/admin/late-route/:widgetId", validate("query", z.object({ colour: z.enum(["red", "blue"]), size: z.string().optional() })), (c) => c.json({ code: 200, data: null }));
    const response = await t.app.request("/openapi.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    document = (await response.json()) as Document;
  });
  afterAll(() => t?.close());

  it("validates against the OpenAPI 3.1 schema", async () => {
    expect(document.openapi).toBe("3.1.0");
    const result = await new Validator().validate(document as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("resolves every $ref inside the document", () => {
    const references = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(references.length).toBeGreaterThan(50);
    for (const reference of new Set(references)) {
      const pointer = reference.slice('"$ref":"#/'.length, -1).split("/");
      const target = pointer.reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], document);
      expect(target, reference).toBeDefined();
    }
  });

  it("lists every mounted route with its method, path parameters, tag, summary and security", () => {
    const mounted = documentedOperations(t.app.routes);
    expect(mounted.length).toBeGreaterThan(50);
    const listed = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect(new Set(listed)).toEqual(new Set(mounted));
    for (const key of mounted) {
      const [method, path] = key.split(" ") as [string, string];
      const op = operation(method.toLowerCase(), path);
      expect(op.summary, key).toMatch(/\w/);
      expect(op.tags, key).toHaveLength(1);
      expect(Array.isArray(op.security), key).toBe(true);
      const pathParameters = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      expect(op.parameters.filter((parameter) => parameter.in === "path").map((parameter) => parameter.name), key).toEqual(pathParameters);
    }
    expect(new Set(Object.values(document.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId))).size).toBe(mounted.length);
  });

  it("picks up a route added later, with the schema its validate() checks", () => {
    const op = operation("get", "/api/admin/late-route/{widgetId}");
    expect(op.parameters).toEqual([
      { name: "widgetId", in: "path", required: true, schema: { type: "string" } },
      { name: "colour", in: "query", required: true, schema: { type: "string", enum: ["red", "blue"] } },
      { name: "size", in: "query", required: false, schema: { type: "string" } },
    ]);
    expect(op.security).toEqual([{ adminBearer: [] }]);
    expect(op.tags).toEqual(["admin: late-route"]);
  });

  it("carries the validating schemas: bodies, queries and path parameters", () => {
    const addKey = bodySchema(operation("post", "/api/admin/ai-providers/{id}/keys"));
    expect(Object.keys(addKey.properties as object)).toEqual(expect.arrayContaining(["keyName", "apiKey", "priority"]));
    expect(addKey.required).toEqual(expect.arrayContaining(["keyName", "apiKey"]));
    expect(operation("get", "/api/admin/ai-models").parameters.map((parameter) => parameter.name)).toContain("providerId");
    expect(operation("get", "/api/admin/clients/{id}").parameters[0]!.schema).toMatchObject({ type: "string", pattern: expect.any(String) });
    // The doors parse their bodies inside the handler; their schemas are registered there once.
    for (const [path, field] of [
      ["/v1/chat/completions", "messages"],
      ["/v1/messages", "max_tokens"],
      ["/v1/messages/count_tokens", "messages"],
      ["/v1/responses", "input"],
      ["/v1/embeddings", "input"],
      ["/api/ai/chat/completions", "providerCode"],
    ] as const) {
      expect(Object.keys(bodySchema(operation("post", path)).properties as object), path).toContain(field);
    }
  });

  it("names who may call each route", () => {
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(["adminBearer", "clientKeyBearer", "clientKeyHeader"]);
    expect(operation("post", "/api/auth/login").security).toEqual([]);
    expect(operation("post", "/api/auth/password").security).toEqual([{ adminBearer: [] }]);
    expect(operation("get", "/api/admin/jobs").security).toEqual([{ adminBearer: [] }]);
    expect(operation("post", "/v1/messages").security).toEqual([{ clientKeyBearer: [] }, { clientKeyHeader: [] }, { adminBearer: [] }]);
    expect(operation("get", "/health").security).toEqual([]);
  });
});
