/**
 * The deployment guide's chat API, mounted at `/api/ai`: camelCase options in, the
 * `{code: 200, data: {…}}` envelope out (errors through the app's one `onError`), SSE when
 * `stream: true` (see stream-encoders.ts for the event shapes).
 */
import { Hono } from "hono";
import { validate } from "../http/validation";
import type { ChatResult } from "../providers/provider-spec";
import type { RouteTarget } from "../router/model-resolver";
import type { GatewayEnv } from "./api-log-middleware";
import { handleChat, type ChatFormat, type ChatRouteMiddleware, type ChatServiceDependencies } from "./chat-service";
import { answerInOrder, resolveChain } from "./model-chain";
import { envelopeChatBodySchema, envelopeToCanonical } from "./chat-schemas";
import { envelopeStreamEncoder } from "./stream-encoders";

/** A tool call in the envelope API's shape. */
export interface EnvelopeToolCall {
  id: string;
  name: string;
  /** The arguments as the model wrote them: a JSON string. */
  arguments: string;
}

/** `data` of a non-streamed envelope answer. */
export interface EnvelopeChatData {
  id: string;
  content: string;
  model: string;
  usage: { promptTokens: number; completionTokens: number; totalTokens: number };
  finishReason: string | null;
  provider: string;
  toolCalls?: EnvelopeToolCall[];
  reasoningContent?: string;
}

/** The envelope `data` for a completed call. */
export function toEnvelopeData(result: ChatResult, target: RouteTarget): EnvelopeChatData {
  const choice = result.completion.choices[0];
  const message = (choice?.message ?? {}) as {
    content?: string | null;
    reasoning_content?: string | null;
    tool_calls?: Array<{ id: string; function?: { name: string; arguments: string } }>;
  };
  const toolCalls = (message.tool_calls ?? [])
    .filter((call) => call.function)
    .map((call) => ({ id: call.id, name: call.function!.name, arguments: call.function!.arguments }));
  return {
    id: result.completion.id,
    content: message.content ?? "",
    model: result.completion.model || target.model.code,
    usage: { promptTokens: result.usage.promptTokens, completionTokens: result.usage.completionTokens, totalTokens: result.usage.totalTokens },
    finishReason: choice?.finish_reason ?? null,
    provider: target.provider.code,
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
    ...(message.reasoning_content ? { reasoningContent: message.reasoning_content } : {}),
  };
}

const envelopeFormat: ChatFormat = {
  body: (result, target) => ({ code: 200, data: toEnvelopeData(result, target) }),
  encoder: (_request, target) => envelopeStreamEncoder({ provider: target.provider.code }),
};

/** Routes mounted at `/api/ai`. */
export function envelopeRoutes(services: ChatServiceDependencies, middleware: ChatRouteMiddleware) {
  const app = new Hono<GatewayEnv>();
  app.post(
    "/chat/completions",
    middleware.authenticate,
    middleware.log,
    middleware.clientRateLimit,
    validate("json", envelopeChatBodySchema),
    async (c) => {
      const body = c.req.valid("json");
      const chain = await resolveChain(c, services, { model: body.model, providerCode: body.providerCode });
      return answerInOrder(c, services, chain, (resolved, services) =>
        handleChat(c, services, { resolved, request: envelopeToCanonical(body), stream: body.stream === true, format: envelopeFormat }),
      );
    },
  );
  return app;
}
