/**
 * The Anthropic adapter: the Messages API through the official `@anthropic-ai/sdk`, translated
 * to and from the canonical OpenAI shape.
 */
import type { ChatRequest, ChatResult, ChatStream, ProviderAdapter, ProviderCallContext } from "../provider-spec";
import { openCallScope } from "../shared/call-scope";
import { toChatStream } from "../shared/chat-stream";
import { anthropicClientFor } from "./anthropic-client";
import { toAnthropicProviderError } from "./anthropic-error-classify";
import { toAnthropicRequest } from "./anthropic-request-convert";
import { toAnthropicChatResult } from "./anthropic-response-convert";
import { transformAnthropicStream } from "./anthropic-stream-transform";

/** Adapter for `format = "anthropic"` providers (base URL like `https://api.anthropic.com`). */
export const anthropicAdapter: ProviderAdapter = {
  format: "anthropic",

  async chat(request: ChatRequest, context: ProviderCallContext): Promise<ChatResult> {
    // Converted first: a request rejected here (a 400) leaves no deadline timer running.
    const { params, warnings } = toAnthropicRequest(request);
    const scope = openCallScope("anthropic", context, context.timeoutMs);
    try {
      const message = await anthropicClientFor(context).messages.create({ ...params, stream: false }, { signal: scope.signal });
      return toAnthropicChatResult(message, warnings);
    } catch (error) {
      throw toAnthropicProviderError(error, scope);
    } finally {
      scope.close();
    }
  },

  async stream(request: ChatRequest, context: ProviderCallContext): Promise<ChatStream> {
    const { params, warnings } = toAnthropicRequest(request);
    const scope = openCallScope("anthropic", context);
    try {
      // Resolves after the response headers; HTTP errors reject here.
      const events = await anthropicClientFor(context).messages.create({ ...params, stream: true }, { signal: scope.signal });
      return toChatStream(transformAnthropicStream(events, scope), warnings);
    } catch (error) {
      throw toAnthropicProviderError(error, scope);
    }
  },

  async validateKey(context: ProviderCallContext): Promise<void> {
    const scope = openCallScope("anthropic", context, context.timeoutMs);
    try {
      await anthropicClientFor(context).models.list({ limit: 1 }, { signal: scope.signal });
    } catch (error) {
      throw toAnthropicProviderError(error, scope);
    } finally {
      scope.close();
    }
  },
};
