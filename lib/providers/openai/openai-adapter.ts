/**
 * The OpenAI Chat Completions adapter through the official `openai` SDK
 * (https://platform.openai.com/docs/api-reference/chat), for OpenAI itself and for any server that
 * speaks the same wire format at another base URL (`openai-compatible`).
 */
import { ProviderError } from "../provider-error";
import type { ChatRequest, ChatResult, ChatStream, ProviderAdapter, ProviderCallContext, ProviderFormat } from "../provider-spec";
import { openCallScope } from "../shared/call-scope";
import { toChatStream } from "../shared/chat-stream";
import { openAIClientFor } from "./openai-client";
import { toOpenAIProviderError } from "./openai-error-classify";
import { toOpenAIChatRequest, toOpenAIStreamRequest } from "./openai-request-convert";
import { toOpenAIChatResult } from "./openai-response-convert";
import { transformOpenAIStream } from "./openai-stream-transform";

/**
 * A Chat Completions adapter that reports itself (in errors and call scopes) as `format`.
 *
 * @param format `openai` for OpenAI's API, `openai-compatible` for other servers of that format
 */
export function createOpenAIChatAdapter(format: Extract<ProviderFormat, "openai" | "openai-compatible">): ProviderAdapter {
  return {
    format,

    async chat(request: ChatRequest, context: ProviderCallContext): Promise<ChatResult> {
      // Converted first: a request rejected here (a 400) leaves no deadline timer running.
      const { params, warnings } = toOpenAIChatRequest(request, format);
      const scope = openCallScope(format, context, context.timeoutMs);
      try {
        const completion = await openAIClientFor(context).chat.completions.create(params, { signal: scope.signal });
        return toOpenAIChatResult(completion, warnings);
      } catch (error) {
        throw toOpenAIProviderError(error, scope);
      } finally {
        scope.close();
      }
    },

    async stream(request: ChatRequest, context: ProviderCallContext): Promise<ChatStream> {
      const { params, warnings } = toOpenAIStreamRequest(request, format);
      const scope = openCallScope(format, context);
      let response: Response;
      try {
        // The raw response: see openai-compatible-stream.ts for why we read the SSE body ourselves.
        response = await openAIClientFor(context).chat.completions.create(params, { signal: scope.signal }).asResponse();
      } catch (error) {
        throw toOpenAIProviderError(error, scope);
      }
      if (!response.body) {
        throw new ProviderError({ kind: "transient", status: response.status, code: "stream_truncated", message: "upstream sent no body", provider: format });
      }
      return toChatStream(transformOpenAIStream(response.body, scope), warnings);
    },

    async validateKey(context: ProviderCallContext): Promise<void> {
      const scope = openCallScope(format, context, context.timeoutMs);
      try {
        await openAIClientFor(context).models.list({ signal: scope.signal });
      } catch (error) {
        throw toOpenAIProviderError(error, scope);
      } finally {
        scope.close();
      }
    },
  };
}

/** Adapter for `format = "openai"` providers (base URL like `https://api.openai.com/v1`). */
export const openAIAdapter: ProviderAdapter = createOpenAIChatAdapter("openai");

/** Adapter for `format = "openai-compatible"` providers (Ollama, vLLM, OpenRouter, DashScope, …). */
export const openAICompatibleAdapter: ProviderAdapter = createOpenAIChatAdapter("openai-compatible");
