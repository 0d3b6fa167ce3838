/**
 * Canonical messages -> DeepSeek messages (https://api-docs.deepseek.com/api/create-chat-completion).
 * DeepSeek's Chat API is text-only and knows the roles system, user, assistant and tool:
 * `developer` becomes `system` (DeepSeek answers 400 to it), an image or file part is a 400 here
 * rather than a silent loss, every `cache_control` is removed (DeepSeek caches prefixes by
 * itself), Anthropic's signed `thinking_blocks` are removed, and `reasoning_content` is kept only
 * on tool-call turns, as DeepSeek's guides require.
 */
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { ProviderError } from "../provider-error";
import { dropped, type CanonicalAssistantExtensions, type TranslationWarning } from "../provider-spec";
import { stripMessageExtensions } from "../shared/canonical-extensions";

type AssistantMessage = Extract<ChatCompletionMessageParam, { role: "assistant" }> & CanonicalAssistantExtensions;

/**
 * Converts the message list.
 *
 * @param warnings receives what was dropped
 * @throws ProviderError (`client_error`, 400) for a content part that is not text
 */
export function toDeepSeekMessages(messages: readonly ChatCompletionMessageParam[], warnings: TranslationWarning[]): ChatCompletionMessageParam[] {
  return messages.map((message, index) => {
    rejectNonTextParts(message, index);
    if (message.role === "developer") return { ...stripMessageExtensions(message), role: "system" } as ChatCompletionMessageParam;
    if (message.role !== "assistant") return stripMessageExtensions(message);
    const assistant = message as AssistantMessage;
    const toolCallTurn = (assistant.tool_calls?.length ?? 0) > 0;
    const hasReasoning = typeof assistant.reasoning_content === "string" && assistant.reasoning_content !== "";
    // Anthropic's signed thinking is Anthropic's; it only matters here when it held the only
    // reasoning of a tool-call turn, which DeepSeek's thinking mode asks to be sent back.
    if (toolCallTurn && !hasReasoning && assistant.thinking_blocks?.some((block) => block.type === "thinking" && block.thinking !== "")) {
      warnings.push(dropped(`messages[${index}].thinking_blocks`, "Anthropic thinking blocks cannot be sent to DeepSeek; the turn's reasoning was dropped"));
    }
    return stripMessageExtensions(message, { keepReasoningContent: toolCallTurn });
  });
}

function rejectNonTextParts(message: ChatCompletionMessageParam, index: number): void {
  if (!Array.isArray(message.content)) return;
  const part = (message.content as { type?: unknown }[]).find((candidate) => candidate?.type !== "text");
  if (!part) return;
  throw new ProviderError({
    kind: "client_error",
    status: 400,
    code: "invalid_request",
    message: `messages[${index}].content: "${String(part.type)}" parts are not supported by provider format "deepseek", whose Chat API takes text only`,
    provider: "deepseek",
  });
}
