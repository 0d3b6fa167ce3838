/**
 * DeepSeek finish reasons. Besides OpenAI's set, DeepSeek reports
 * `insufficient_system_resource` when inference was cut short for lack of capacity
 * (https://api-docs.deepseek.com/api/create-chat-completion): the answer is incomplete, so it is
 * an upstream failure, not a finish.
 */
import { ProviderError } from "../provider-error";
import { normalizeOpenAIFinishReason, type FinishReason } from "../openai/openai-finish-reason";

/** The finish reason DeepSeek uses for an answer interrupted by overload. */
export const deepSeekResourceFinishReason = "insufficient_system_resource";

/**
 * A documented finish reason for a DeepSeek value.
 *
 * @throws ProviderError (transient, `insufficient_system_resource`) for an interrupted answer
 */
export function mapDeepSeekFinishReason(reason: string | null | undefined): FinishReason | null {
  if (reason === deepSeekResourceFinishReason) {
    throw new ProviderError({
      kind: "transient",
      status: 0,
      code: deepSeekResourceFinishReason,
      message: "DeepSeek interrupted the answer for lack of system resources",
      provider: "deepseek",
    });
  }
  return normalizeOpenAIFinishReason(reason);
}
