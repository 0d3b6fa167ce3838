/**
 * The DeepSeek adapter: OpenAI-compatible Chat Completions through the official `openai` SDK,
 * with DeepSeek's own request, usage, finish-reason and error rules. Kept apart from the OpenAI
 * adapter because the APIs drift (vercel/ai split its DeepSeek provider off for the same reason).
 */
import { ProviderError } from "../provider-error";
import type { ChatRequest, ChatResult, ChatStream, ProviderAdapter, ProviderCallContext } from "../provider-spec";
import { openCallScope } from "../shared/call-scope";
import { toChatStream } from "../shared/chat-stream";
import { deepSeekClientFor } from "./deepseek-client";
import { toDeepSeekProviderError } from "./deepseek-error-classify";
import { toDeepSeekChatRequest, toDeepSeekStreamRequest } from "./deepseek-request-convert";
import { toDeepSeekChatResult } from "./deepseek-response-convert";
import { transformDeepSeekStream } from "./deepseek-stream-transform";

/** Adapter for `format = "deepseek"` providers (base URL like `https://api.deepseek.com`). */
export const deepSeekAdapter: ProviderAdapter = {
  format: "deepseek",

  async chat(request: ChatRequest, context: ProviderCallContext): Promise<ChatResult> {
    // Converted first: a request rejected here (a 400) leaves no deadline timer running.
    const { params, warnings } = toDeepSeekChatRequest(request);
    const scope = openCallScope("deepseek", context, context.timeoutMs);
    try {
      const completion = await deepSeekClientFor(context).chat.completions.create(params, { signal: scope.signal });
      return toDeepSeekChatResult(completion, warnings);
    } catch (error) {
      throw toDeepSeekProviderError(error, scope);
    } finally {
      scope.close();
    }
  },

  async stream(request: ChatRequest, context: ProviderCallContext): Promise<ChatStream> {
    const { params, warnings } = toDeepSeekStreamRequest(request);
    const scope = openCallScope("deepseek", context);
    let response: Response;
    try {
      // The raw response: see openai-compatible-stream.ts for why we read the SSE body ourselves.
      response = await deepSeekClientFor(context).chat.completions.create(params, { signal: scope.signal }).asResponse();
    } catch (error) {
      throw toDeepSeekProviderError(error, scope);
    }
    if (!response.body) {
      throw new ProviderError({ kind: "transient", status: response.status, code: "stream_truncated", message: "upstream sent no body", provider: "deepseek" });
    }
    return toChatStream(transformDeepSeekStream(response.body, scope), warnings);
  },

  async validateKey(context: ProviderCallContext): Promise<void> {
    const scope = openCallScope("deepseek", context, context.timeoutMs);
    try {
      await deepSeekClientFor(context).models.list({ signal: scope.signal });
    } catch (error) {
      throw toDeepSeekProviderError(error, scope);
    } finally {
      scope.close();
    }
  },
};
