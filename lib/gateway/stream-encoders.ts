/**
 * How a canonical chunk stream is written to the client, per API:
 * - `/v1`: OpenAI's own SSE (`data: <chunk>\n\n` … `data: [DONE]\n\n`), byte-compatible with the
 *   `openai` SDK; the usage chunk only when the client asked (`stream_options.include_usage`),
 *   since adapters always ask upstream (litellm #5632).
 * - `/api/ai`: the envelope API's camelCase events, always ending with a usage event.
 * A failure after content is an in-band `data: {"error":{…}}` event and no `[DONE]`, so a client
 * can tell a cut answer from a finished one (Portkey-AI/gateway#1797).
 */
import { isUsageChunk, type ChatCompletionChunk, type ChatCompletionChunkDelta } from "../providers/provider-spec";

/** What an error event says. */
export interface StreamErrorInfo {
  message: string;
  type: string;
  code: string;
}

/** Turns chunks into SSE text for one API. */
export interface StreamEncoder {
  /** The SSE text for one chunk, or `null` to send nothing. */
  chunk(chunk: ChatCompletionChunk): string | null;
  /** The closing events of a finished stream. */
  end(usage: { promptTokens: number; completionTokens: number; estimated: boolean }): string;
  /** The in-band error event that ends a failed stream. */
  error(info: StreamErrorInfo): string;
}

const DONE = "data: [DONE]\n\n";

/** The OpenAI-compatible encoder. */
export function openAiStreamEncoder({ includeUsage }: { includeUsage: boolean }): StreamEncoder {
  return {
    chunk: (chunk) => (isUsageChunk(chunk) && !includeUsage ? null : `data: ${JSON.stringify(chunk)}\n\n`),
    end: () => DONE,
    error: (info) => `data: ${JSON.stringify({ error: { message: info.message, type: info.type, param: null, code: info.code } })}\n\n`,
  };
}

/** A tool-call fragment in the envelope API's shape. */
interface EnvelopeToolCallDelta {
  index: number;
  id?: string;
  name?: string;
  arguments?: string;
}

/** The `/api/ai` encoder: `{id, model, provider, delta: {content?, reasoningContent?, toolCalls?}, finishReason}`. */
export function envelopeStreamEncoder({ provider }: { provider: string }): StreamEncoder {
  let id = "";
  let model = "";
  return {
    chunk(chunk) {
      id = chunk.id || id;
      model = chunk.model || model;
      if (isUsageChunk(chunk)) return null;
      const choice = chunk.choices[0];
      if (!choice) return null;
      const delta = (choice.delta ?? {}) as ChatCompletionChunkDelta;
      const out: { content?: string; reasoningContent?: string; toolCalls?: EnvelopeToolCallDelta[] } = {};
      if (delta.content) out.content = delta.content;
      if (delta.reasoning_content) out.reasoningContent = delta.reasoning_content;
      if (delta.tool_calls?.length) {
        out.toolCalls = delta.tool_calls.map((call) => ({
          index: call.index,
          ...(call.id ? { id: call.id } : {}),
          ...(call.function?.name ? { name: call.function.name } : {}),
          ...(call.function?.arguments ? { arguments: call.function.arguments } : {}),
        }));
      }
      if (Object.keys(out).length === 0 && !choice.finish_reason) return null;
      return `data: ${JSON.stringify({ id, model, provider, delta: out, finishReason: choice.finish_reason ?? null })}\n\n`;
    },
    end(usage) {
      const totals = { promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, totalTokens: usage.promptTokens + usage.completionTokens };
      return `data: ${JSON.stringify({ id, model, provider, usage: totals, ...(usage.estimated ? { usageEstimated: true } : {}) })}\n\n${DONE}`;
    },
    error: (info) => `data: ${JSON.stringify({ error: { code: info.code, message: info.message } })}\n\n`,
  };
}
