/**
 * How the Messages door shapes a translated answer: an Anthropic `Message` for a JSON answer,
 * the Messages SSE encoder for a stream. One per request, because both echo the model the client
 * named and honour its `thinking.display`.
 */
import type { ChatFormat } from "../../gateway/chat-service";
import { estimatePromptTokens } from "../../router/token-estimate";
import { canonicalToMessage } from "./canonical-to-message";
import { messagesStreamEncoder } from "./messages-stream-encoder";

/** What a request asked for that shapes its answer. */
export interface MessagesFormatOptions {
  /** The model as the client named it. */
  requestedModel: string;
  /** `thinking.display: "omitted"`: thinking blocks carry their text in the signature only. */
  omitThinking: boolean;
}

/** The Messages door's {@link ChatFormat} for one request. */
export function messagesFormat({ requestedModel, omitThinking }: MessagesFormatOptions): ChatFormat {
  return {
    body: (result, target, context) => canonicalToMessage(result, context.requestId, { requestedModel, target, carrier: context.carrier, omitThinking }),
    encoder: (request, target, context) =>
      messagesStreamEncoder({
        requestedModel,
        target,
        carrier: context.carrier,
        omitThinking,
        requestId: context.requestId,
        estimatedInputTokens: estimatePromptTokens(request),
      }),
  };
}
