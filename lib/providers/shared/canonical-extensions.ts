/**
 * Removing the canonical request's extensions (provider-spec.ts `CanonicalRequestExtensions`)
 * before a request goes to an OpenAI-format upstream, which answers 400 to fields it does not
 * know: `cache_control` on messages, content parts and tools; assistant `thinking_blocks` (and,
 * where the upstream has no use for it, `reasoning_content`). Objects without extensions are
 * passed on as they are, so a plain request is not copied.
 */
import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import type { CacheControl, CanonicalAssistantExtensions } from "../provider-spec";

/** A canonical message: OpenAI's, plus the extensions a door may have put on it. */
export type CanonicalMessage = ChatCompletionMessageParam & CanonicalAssistantExtensions & { cache_control?: CacheControl };

/** What to keep of the extensions. */
export interface StripOptions {
  /** Keep assistant `reasoning_content` (DeepSeek reads it on tool-call turns). @default false */
  keepReasoningContent?: boolean;
}

/** The message without canonical extensions. */
export function stripMessageExtensions(message: ChatCompletionMessageParam, { keepReasoningContent = false }: StripOptions = {}): ChatCompletionMessageParam {
  const canonical = message as CanonicalMessage;
  const content = stripPartsCacheControl(canonical.content);
  const hasReasoning = !keepReasoningContent && "reasoning_content" in canonical;
  if (!("cache_control" in canonical) && !("thinking_blocks" in canonical) && !hasReasoning && content === canonical.content) return message;
  const { cache_control: _cacheControl, thinking_blocks: _thinkingBlocks, reasoning_content: reasoningContent, ...rest } = canonical;
  const stripped: Record<string, unknown> = { ...rest };
  if (content !== undefined) stripped.content = content;
  if (keepReasoningContent && reasoningContent !== undefined) stripped.reasoning_content = reasoningContent;
  return stripped as unknown as ChatCompletionMessageParam;
}

/** Tools without `cache_control` (on the tool or on its function). */
export function stripToolsCacheControl(tools: readonly ChatCompletionTool[]): ChatCompletionTool[] {
  return tools.map((tool) => {
    const canonical = tool as ChatCompletionTool & { cache_control?: unknown; function?: { cache_control?: unknown } };
    const functionHasHint = canonical.function !== undefined && "cache_control" in canonical.function;
    if (!("cache_control" in canonical) && !functionHasHint) return tool;
    const { cache_control: _cacheControl, ...rest } = canonical;
    if (functionHasHint) {
      const { cache_control: _functionCacheControl, ...functionRest } = canonical.function!;
      return { ...rest, function: functionRest } as ChatCompletionTool;
    }
    return rest as ChatCompletionTool;
  });
}

/** Content parts without `cache_control`; the same array (or string) when none had one. */
function stripPartsCacheControl<Content>(content: Content): Content {
  if (!Array.isArray(content) || !content.some((part) => part && typeof part === "object" && "cache_control" in part)) return content;
  return content.map((part) => {
    if (!part || typeof part !== "object" || !("cache_control" in part)) return part;
    const { cache_control: _cacheControl, ...rest } = part as Record<string, unknown>;
    return rest;
  }) as Content;
}
