/**
 * The OpenAI Responses door, mounted at `/v1`: `POST /responses` (JSON or SSE), and
 * `GET` / `DELETE /responses/{id}` for the responses the gateway stored. A request whose model's
 * provider speaks Responses itself is passed through; any other is translated through the
 * canonical request (responses-to-canonical.ts) and answered in Responses' shapes. Every answered
 * response is stored for its caller unless the request said `store: false`.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { Kysely } from "kysely";
import * as z from "zod";
import type { Database } from "../../../db/schema";
import type { Clock } from "../../deps";
import { NotFoundError } from "../../errors";
import type { GatewayEnv } from "../../gateway/api-log-middleware";
import { handlePassThrough, passesThrough } from "../../gateway/pass-through/pass-through";
import { handleChat, type ChatFormat, type ChatRouteMiddleware, type ChatServiceDependencies, type ResolvedTarget } from "../../gateway/chat-service";
import { answerInOrder, resolveChain } from "../../gateway/model-chain";
import { readJsonBody } from "../../http/json-body";
import { documentRequestBody } from "../../openapi/route-schemas";
import { validate } from "../../http/validation";
import type { Logger } from "../../logging/logger";
import { toResponseObject } from "./canonical-to-response";
import { expandInput } from "./response-expansion";
import type { ResponseObject } from "./response-object";
import { responseShell } from "./response-object";
import { ownerOf, ResponseStore } from "./response-store";
import { newResponseKey, responseIds } from "./responses-ids";
import { responsesObserver } from "./responses-observer";
import { passThroughBody } from "./responses-pass-through";
import { responsesBodySchema, type ResponsesBody, type ResponsesInputItem } from "./responses-schemas";
import { responsesStreamEncoder } from "./responses-stream-encoder";
import { toCanonicalRequest } from "./responses-to-canonical";

const inputItemsQuerySchema = z.object({
  order: z.enum(["asc", "desc"]).default("desc"),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  after: z.string().min(1).max(200).optional(),
  include: z.union([z.string(), z.array(z.string())]).optional(),
});

/** What the Responses door needs besides the chat services. */
export interface ResponsesDependencies {
  db: Kysely<Database>;
  logger: Logger;
  clock: Clock;
}

/** Translates one request and answers it through the chat service. */
async function translated(
  c: Context<GatewayEnv>,
  services: ChatServiceDependencies,
  store: ResponseStore,
  clock: Clock,
  input: { resolved: ResolvedTarget; body: ResponsesBody; owner: string; items: ResponsesInputItem[]; own: ResponsesInputItem[] },
): Promise<Response> {
  const { resolved, body, owner } = input;
  const { provider, model } = resolved.target;
  const origin = { format: provider.format ?? "openai", model: model.code };
  const translation = toCanonicalRequest(body, input.items, services.carrier, origin);
  const keep = (context: { defer(work: Promise<void>): void }, response: ResponseObject) => {
    if (body.store === false) return;
    context.defer(
      store.save({ owner, response, input: input.own, previousResponseId: body.previous_response_id ?? null, providerId: provider.id, model: model.code, createdAt: clock.now() }),
    );
  };
  const shellFor = (createdAt: number) => {
    const ids = responseIds(newResponseKey());
    return { ids, shell: responseShell(body, ids.response, createdAt) };
  };
  const format: ChatFormat = {
    body(result, _target, context) {
      const { ids, shell } = shellFor(context.createdAt);
      const response = toResponseObject(result, { shell, ids, toolNames: translation.toolNames, carrier: context.carrier, origin, nowMs: clock.now() });
      keep(context, response);
      return response;
    },
    encoder(_request, _target, context) {
      const { ids, shell } = shellFor(context.createdAt);
      return responsesStreamEncoder({
        shell,
        ids,
        toolNames: translation.toolNames,
        carrier: context.carrier,
        origin,
        now: () => clock.now(),
        onFinished: (response) => keep(context, response),
      });
    },
  };
  return handleChat(c, services, { resolved, request: translation.request, warnings: translation.warnings, stream: body.stream === true, format });
}

/** Routes mounted at `/v1`. */
export function responsesRoutes(services: ChatServiceDependencies, middleware: ChatRouteMiddleware, deps: ResponsesDependencies) {
  const app = new Hono<GatewayEnv>();
  const store = new ResponseStore(deps.db, deps.logger);

  app.post("/responses", middleware.authenticate, middleware.log, middleware.clientRateLimit, documentRequestBody(responsesBodySchema, async (c) => {
    const { text, body } = await readJsonBody(c, responsesBodySchema);
    const chain = await resolveChain(c, services, { model: body.model });
    const owner = ownerOf(c.get("caller")!);
    return answerInOrder(c, services, chain, async (resolved, services) => {
      if (passesThrough(resolved.target, "responses")) {
        const forwarded = await passThroughBody(store, owner, body, text);
        const { provider, model } = resolved.target;
        return handlePassThrough(c, services, {
          resolved,
          endpoint: "responses",
          text: forwarded.text,
          body,
          stream: body.stream === true,
          observer: responsesObserver(),
          warnings: forwarded.warnings,
          // OpenAI keeps its own copy; ours lets the conversation continue on another provider.
          onComplete: async (answer) => {
            const response = answer as ResponseObject | null;
            if (body.store === false || !response || typeof response.id !== "string" || !Array.isArray(response.output)) return;
            await store.save({ owner, response, input: forwarded.own, previousResponseId: body.previous_response_id ?? null, providerId: provider.id, model: model.code, createdAt: deps.clock.now() });
          },
        });
      }
      const { items, own } = await expandInput(store, owner, body);
      return translated(c, services, store, deps.clock, { resolved, body, owner, items, own });
    });
  }));

  app.get("/responses/:id", middleware.authenticate, async (c) => {
    const id = c.req.param("id");
    const stored = await store.find(ownerOf(c.get("caller")!), id);
    if (!stored) throw new NotFoundError(`Response with id '${id}' not found.`);
    return c.json(stored.response);
  });

  // The request's own input items (not the chain before it), newest first unless `order=asc`.
  app.get("/responses/:id/input_items", middleware.authenticate, validate("query", inputItemsQuerySchema), async (c) => {
    const id = c.req.param("id");
    const stored = await store.find(ownerOf(c.get("caller")!), id);
    if (!stored) throw new NotFoundError(`Response with id '${id}' not found.`);
    const { order, limit, after } = c.req.valid("query");
    const key = id.replace(/^resp_/, "");
    // Items the client sent without an id get a stable one for paging.
    const items = stored.input.map((item, index) => ({ ...item, id: item.id ?? `item_${key}_input${index}` }));
    if (order === "desc") items.reverse();
    const start = after ? items.findIndex((item) => item.id === after) + 1 : 0;
    const page = items.slice(start, start + limit);
    return c.json({ object: "list", data: page, first_id: page[0]?.id ?? null, last_id: page.at(-1)?.id ?? null, has_more: start + limit < items.length });
  });

  app.delete("/responses/:id", middleware.authenticate, async (c) => {
    const id = c.req.param("id");
    if (!(await store.delete(ownerOf(c.get("caller")!), id))) throw new NotFoundError(`Response with id '${id}' not found.`);
    return c.json({ id, object: "response", deleted: true });
  });

  return app;
}
