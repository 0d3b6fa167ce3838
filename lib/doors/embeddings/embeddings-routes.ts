/**
 * `POST /v1/embeddings`: OpenAI's embeddings API, for models of providers that serve it
 * (the registry's `embeddings` endpoint). The request goes through byte for byte like every
 * same-protocol request: routed over the provider's keys, limited, logged with tokens and cost.
 */
import { Hono } from "hono";
import * as z from "zod";
import { GatewayError } from "../../errors";
import { readJsonBody } from "../../http/json-body";
import { documentRequestBody } from "../../openapi/route-schemas";
import { tokensForCharacters } from "../../router/token-estimate";
import type { GatewayEnv } from "../../gateway/api-log-middleware";
import type { ChatRouteMiddleware, ChatServiceDependencies } from "../../gateway/chat-service";
import { answerInOrder, resolveChain } from "../../gateway/model-chain";
import { handlePassThrough, passesThrough } from "../../gateway/pass-through/pass-through";
import { embeddingsObserver } from "./embeddings-observer";

const textInputSchema = z.union([
  z.string(),
  z.array(z.string()).min(1, "must not be empty"),
  z.array(z.number().int()).min(1, "must not be empty"),
  z.array(z.array(z.number().int()).min(1)).min(1, "must not be empty"),
]);

/** The embeddings body: `model` and `input` checked, every other field passed through. */
export const embeddingsBodySchema = z.looseObject({
  model: z.string().trim().min(1).max(200),
  input: textInputSchema,
  encoding_format: z.enum(["float", "base64"]).optional(),
  dimensions: z.number().int().positive().max(100_000).optional(),
});

/** Characters of text (or tokens given as ids) in an embeddings input. */
function inputSize(input: z.infer<typeof textInputSchema>): number {
  if (typeof input === "string") return input.length;
  let size = 0;
  for (const item of input) size += typeof item === "string" ? item.length : typeof item === "number" ? 4 : item.length * 4;
  return size;
}

/** Routes mounted at `/v1`. */
export function embeddingsRoutes(services: ChatServiceDependencies, middleware: ChatRouteMiddleware) {
  const app = new Hono<GatewayEnv>();
  app.post("/embeddings", middleware.authenticate, middleware.log, middleware.clientRateLimit, documentRequestBody(embeddingsBodySchema, async (c) => {
    const { text, body } = await readJsonBody(c, embeddingsBodySchema);
    const chain = await resolveChain(c, services, { model: body.model });
    const promptTokens = tokensForCharacters(inputSize(body.input));
    // An alias of embedding models fails over like a chat alias; a member that cannot embed is a 400, as for a plain model.
    return answerInOrder(c, services, chain, (resolved, services) => {
      const { provider, model } = resolved.target;
      if (!passesThrough(resolved.target, "embeddings")) {
        throw new GatewayError(400, "embeddings_not_supported", `Model '${provider.code}/${model.code}' cannot create embeddings: provider '${provider.code}' serves no embeddings API`, {
          openAiType: "invalid_request_error",
          param: "model",
        });
      }
      return handlePassThrough(c, services, { resolved, endpoint: "embeddings", text, body, stream: false, observer: embeddingsObserver(), promptTokens });
    });
  }));
  return app;
}
