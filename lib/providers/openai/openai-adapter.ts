/**
 * The OpenAI adapter: Chat Completions through the official `openai` SDK
 * (https://platform.openai.com/docs/api-reference/chat).
 */
import { ProviderError } from "../provider-error";
import type { ChatRequest, ChatResult, ChatStream, ProviderAdapter, ProviderCallContext } from "../provider-spec";
import { openCallScope } from "../shared/call-scope";
import { toChatStream } from "../shared/chat-stream";
import { openAIClientFor } from "./openai-client";
import { toOpenAIProviderError } from "./openai-error-classify";
import { toOpenAIChatRequest, toOpenAIStreamRequest } from "./openai-request-convert";
import { toOpenAIChatResult } from "./openai-response-convert";
import { transformOpenAIStream } from "./openai-stream-transform";

/** Adapter for `format = "openai"` providers (base URL like `https://api.openai.com/v1`). */
export const openAIAdapter: ProviderAdapter = {
  format: "openai",

  async chat(request: ChatRequest, context: ProviderCallContext): Promise<ChatResult> {
    const scope = openCallScope("openai", context, context.timeoutMs);
    try {
      const completion = await openAIClientFor(context).chat.completions.create(toOpenAIChatRequest(request), {
        signal: scope.signal,
      });
      return toOpenAIChatResult(completion, []);
    } catch (error) {
      throw toOpenAIProviderError(error, scope);
    } finally {
      scope.close();
    }
  },

  async stream(request: ChatRequest, context: ProviderCallContext): Promise<ChatStream> {
    const scope = openCallScope("openai", context);
    let response: Response;
    try {
      // The raw response: see openai-compatible-stream.ts for why we read the SSE body ourselves.
      response = await openAIClientFor(context)
        .chat.completions.create(toOpenAIStreamRequest(request), { signal: scope.signal })
        .asResponse();
    } catch (error) {
      throw toOpenAIProviderError(error, scope);
    }
    if (!response.body) {
      throw new ProviderError({ kind: "transient", status: response.status, code: "stream_truncated", message: "upstream sent no body", provider: "openai" });
    }
    return toChatStream(transformOpenAIStream(response.body, scope), []);
  },

  async validateKey(context: ProviderCallContext): Promise<void> {
    const scope = openCallScope("openai", context, context.timeoutMs);
    try {
      await openAIClientFor(context).models.list({ signal: scope.signal });
    } catch (error) {
      throw toOpenAIProviderError(error, scope);
    } finally {
      scope.close();
    }
  },
};
