/**
 * The OpenAI-compatible API, mounted at `/v1`: the official `openai` SDK works against it with
 * `baseURL = <gateway>/v1`. Bodies, chunks and errors keep OpenAI's shapes (errors through the
 * app's one `onError`, which speaks OpenAI's `{error:{…}}` under `/v1/*`).
 */
import { Hono } from "hono";
import { GatewayError } from "../../errors";
import { chatObserver } from "./chat-observer";
import { estimatePromptTokens } from "../../router/token-estimate";
import { readJsonBody } from "../../http/json-body";
import { documentRequestBody } from "../../openapi/route-schemas";
import type { Caller } from "../../http/app-env";
import type { CatalogueAlias, CatalogueModel, CatalogueSnapshot } from "../../router/catalogue-snapshot";
import { isAliasAllowed, isModelAllowed, resolveModel, type RouteTarget } from "../../router/model-resolver";
import { anthropicModelInfo, anthropicModelPage, type ListedModel } from "../messages/messages-models";
import type { ChatRequest } from "../../providers/provider-spec";
import type { GatewayEnv } from "../../gateway/api-log-middleware";
import { handleChat, type ChatFormat, type ChatRouteMiddleware, type ChatServiceDependencies } from "../../gateway/chat-service";
import { answerInOrder, resolveChain } from "../../gateway/model-chain";
import { openAiChatBodySchema } from "../../gateway/chat-schemas";
import { handlePassThrough, passesThrough } from "../../gateway/pass-through/pass-through";
import { openAiStreamEncoder } from "../../gateway/stream-encoders";

/** Answers in OpenAI's own shapes. */
const openAiFormat: ChatFormat = {
  body: (result) => result.completion,
  encoder: (request) => openAiStreamEncoder({ includeUsage: request.stream_options?.include_usage === true }),
};

/** An OpenAI model object. */
interface ModelObject {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

/**
 * An alias as a listed model, when it is active, the caller may use it and one of its models is
 * active: its description as the display name, and the smallest context and output limits of its
 * models (what every one of them accepts).
 */
function listedAlias(snapshot: CatalogueSnapshot, alias: CatalogueAlias, caller: Caller): ListedModel | undefined {
  if (!alias.isActive || !isAliasAllowed(caller, alias)) return undefined;
  const models = alias.members
    .map((member) => (snapshot.modelsByCode.get(member.modelCode) ?? []).find((model) => model.providerId === member.providerId))
    .filter((model): model is CatalogueModel => model !== undefined && model.isActive && snapshot.providersById.get(model.providerId)?.isActive === true);
  if (models.length === 0) return undefined;
  const smallest = (values: number[]) => Math.min(...values.filter((value) => value > 0), Number.MAX_SAFE_INTEGER);
  return {
    id: alias.name,
    ownedBy: "alias",
    model: {
      ...models[0],
      code: alias.name,
      displayName: alias.description ?? alias.name,
      contextWindow: smallest(models.map((model) => model.contextWindow)),
      maxOutputTokens: smallest(models.map((model) => model.maxOutputTokens)),
      createdAt: alias.createdAt,
    },
  };
}

/** Active models of active providers the caller may use (a code offered twice is listed as `provider/model`), then the aliases it may use. */
function listModels(snapshot: CatalogueSnapshot, caller: Caller): ListedModel[] {
  const models: (ListedModel & { owner: string })[] = [];
  for (const [code, sameCode] of snapshot.modelsByCode) {
    const usable = sameCode.filter((model) => model.isActive && snapshot.providersById.get(model.providerId)?.isActive);
    for (const model of usable) {
      const provider = snapshot.providersById.get(model.providerId)!;
      if (!isModelAllowed(caller, provider, model)) continue;
      models.push({ id: usable.length > 1 ? `${provider.code}/${code}` : code, model, owner: provider.code });
    }
  }
  models.sort((left, right) => left.owner.localeCompare(right.owner) || left.id.localeCompare(right.id));
  const aliases = [...snapshot.aliasesByName.values()].flatMap((alias) => listedAlias(snapshot, alias, caller) ?? []);
  return [...models, ...aliases.sort((left, right) => left.id.localeCompare(right.id))];
}

/** A listed model in OpenAI's shape. */
function openAiModel(listed: ListedModel, snapshot: CatalogueSnapshot): ModelObject {
  return {
    id: listed.id,
    object: "model",
    created: Math.floor(listed.model.createdAt / 1000),
    owned_by: listed.ownedBy ?? snapshot.providersById.get(listed.model.providerId)?.code ?? "",
  };
}

/** The listed model an id names: its listed id, or any reference chat would resolve (`provider/model`). */
function findListed(snapshot: CatalogueSnapshot, listed: ListedModel[], id: string): ListedModel | undefined {
  const exact = listed.find((model) => model.id === id);
  if (exact) return exact;
  let target: RouteTarget;
  try {
    target = resolveModel(snapshot, { model: id });
  } catch {
    return undefined;
  }
  const match = listed.find((model) => model.ownedBy === undefined && model.model.id === target.model.id);
  return match && { id, model: match.model };
}

/** Routes mounted at `/v1`. */
export function openAiRoutes(services: ChatServiceDependencies, middleware: ChatRouteMiddleware) {
  const app = new Hono<GatewayEnv>();

  app.post("/chat/completions", middleware.authenticate, middleware.log, middleware.clientRateLimit, documentRequestBody(openAiChatBodySchema, async (c) => {
    const { text, body } = await readJsonBody(c, openAiChatBodySchema);
    const chain = await resolveChain(c, services, { model: body.model });
    const stream = body.stream === true;
    return answerInOrder(c, services, chain, (resolved, services) => {
      if (passesThrough(resolved.target, "chat")) {
        const observer = chatObserver({ clientWantsUsage: body.stream_options?.include_usage === true });
        const promptTokens = estimatePromptTokens(body as unknown as ChatRequest);
        return handlePassThrough(c, services, { resolved, endpoint: "chat", text, body, stream, observer, promptTokens });
      }
      return handleChat(c, services, { resolved, request: body as unknown as ChatRequest, stream, format: openAiFormat });
    });
  }));

  // Anthropic's clients always send `anthropic-version`; OpenAI's never do.
  app.get("/models", middleware.authenticate, async (c) => {
    const snapshot = await services.cache.snapshot();
    const models = listModels(snapshot, c.get("caller")!);
    if (c.req.header("anthropic-version")) return c.json(anthropicModelPage(models, c.req.query()));
    return c.json({ object: "list", data: models.map((listed) => openAiModel(listed, snapshot)) });
  });

  app.get("/models/:model{.+}", middleware.authenticate, async (c) => {
    const id = c.req.param("model");
    const snapshot = await services.cache.snapshot();
    const found = findListed(snapshot, listModels(snapshot, c.get("caller")!), id);
    if (!found) throw new GatewayError(404, "model_not_found", `The model '${id}' does not exist`, { openAiType: "invalid_request_error", param: "model" });
    return c.json(c.req.header("anthropic-version") ? anthropicModelInfo(found) : openAiModel(found, snapshot));
  });

  return app;
}
