/**
 * The Anthropic Messages door, mounted at `/v1`: `POST /v1/messages` (Claude Code adds
 * `?beta=true`; routing ignores the query) and `POST /v1/messages/count_tokens`, for the
 * Anthropic SDK, `@ai-sdk/anthropic` and Claude Code (`ANTHROPIC_BASE_URL=<gateway>`).
 * - A model of a provider that speaks Messages (Anthropic) is passed through: the client's bytes
 *   with the model id rewritten, its `anthropic-*` headers, the upstream's bytes back.
 * - Any other model is translated to the canonical request (messages-to-canonical.ts) and its
 *   answer rendered as a `Message` or Messages SSE (messages-format.ts).
 * - count_tokens passes through to Anthropic (one log row, no tokens); for other providers it is
 *   a local estimate on the translated request: no upstream call, no key, no log row.
 * Errors are rendered in Anthropic's error body by the app's one `onError`.
 */
import { Hono, type MiddlewareHandler } from "hono";
import type { GatewayEnv } from "../../gateway/api-log-middleware";
import { handleChat, type ChatRouteMiddleware, type ChatServiceDependencies } from "../../gateway/chat-service";
import { answerInOrder, resolveChain } from "../../gateway/model-chain";
import { handlePassThrough, passesThrough } from "../../gateway/pass-through/pass-through";
import { readJsonBody } from "../../http/json-body";
import { documentRequestBody } from "../../openapi/route-schemas";
import { setLateHeader } from "../../http/late-header";
import { estimatePromptTokens } from "../../router/token-estimate";
import { countTokensObserver } from "./count-tokens-observer";
import { messagesFormat } from "./messages-format";
import { messagesObserver } from "./messages-observer";
import { countTokensBodySchema, messagesBodySchema } from "./messages-schemas";
import { messagesToCanonical } from "./messages-to-canonical";

/** Routes mounted at `/v1`. */
export function messagesRoutes(services: ChatServiceDependencies, middleware: ChatRouteMiddleware) {
  const app = new Hono<GatewayEnv>();

  // Anthropic's clients read the request id from `request-id` (errors included).
  const requestIdHeader: MiddlewareHandler<GatewayEnv> = async function messagesRequestId(c, next) {
    await next();
    setLateHeader(c, "request-id", c.get("requestId"));
  };
  app.use("/messages", requestIdHeader);
  app.use("/messages/*", requestIdHeader);

  app.post("/messages", middleware.authenticate, middleware.log, middleware.clientRateLimit, documentRequestBody(messagesBodySchema, async (c) => {
    const { text, body } = await readJsonBody(c, messagesBodySchema);
    const chain = await resolveChain(c, services, { model: body.model });
    const stream = body.stream === true;
    return answerInOrder(c, services, chain, (resolved, services) => {
      if (passesThrough(resolved.target, "messages")) {
        return handlePassThrough(c, services, { resolved, endpoint: "messages", text, body, stream, observer: messagesObserver() });
      }
      const { request, warnings } = messagesToCanonical(body, {
        headers: c.req.raw.headers,
        carrier: services.carrier,
        targetFormat: resolved.target.provider.format ?? "openai",
      });
      const format = messagesFormat({ requestedModel: body.model, omitThinking: body.thinking?.type !== "disabled" && body.thinking?.display === "omitted" });
      return handleChat(c, services, { resolved, request, warnings, stream, format });
    });
  }));

  app.post("/messages/count_tokens", middleware.authenticate, middleware.log, middleware.clientRateLimit, documentRequestBody(countTokensBodySchema, async (c) => {
    const { text, body } = await readJsonBody(c, countTokensBodySchema);
    // Counting spends nothing and needs no failover: an alias counts on its first model.
    const chain = await resolveChain(c, services, { model: body.model });
    const resolved = { snapshot: chain.snapshot, target: chain.targets[0] };
    if (passesThrough(resolved.target, "count_tokens")) {
      // Counting spends nothing: no tokens are reserved against the key's TPM.
      return handlePassThrough(c, services, { resolved, endpoint: "count_tokens", text, body, stream: false, observer: countTokensObserver(), promptTokens: 0 });
    }
    const { request } = messagesToCanonical(body, { headers: c.req.raw.headers, carrier: services.carrier, targetFormat: resolved.target.provider.format ?? "openai" });
    // A local estimate calls no upstream and spends nothing: it writes no log row (the record is taken over and left unwritten).
    c.get("requestLog").deferred = true;
    return c.json({ input_tokens: estimatePromptTokens(request) });
  }));

  return app;
}
