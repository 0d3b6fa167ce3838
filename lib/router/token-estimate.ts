/**
 * Token estimates without a tokenizer: about four characters per token for English text and
 * code (https://help.openai.com/en/articles/4936856). Used for the TPM reservation before a call
 * and for log rows whose upstream sent no usage (flagged `tokens_estimated`).
 */
import type { ChatRequest } from "../providers/provider-spec";

/** Characters per token assumed by every estimate. */
export const CHARACTERS_PER_TOKEN = 4;

/** Per-message framing tokens (role, separators), as OpenAI's cookbook counts them. */
const TOKENS_PER_MESSAGE = 4;

/** Tokens for `characters` of text. */
export function tokensForCharacters(characters: number): number {
  return Math.ceil(characters / CHARACTERS_PER_TOKEN);
}

/** The text-bearing fields of a message, or of a streamed delta. */
interface TextFields {
  content?: unknown;
  reasoning_content?: string | null;
  refusal?: string | null;
  tool_calls?: ReadonlyArray<{ type?: string; function?: { name?: string; arguments?: string } }>;
}

/** Characters of prompt text in a request: message contents, tool calls and tool definitions. */
export function promptCharacters(request: ChatRequest): number {
  let characters = 0;
  for (const message of request.messages as TextFields[]) characters += contentCharacters(message.content) + toolCallCharacters(message);
  // Tool schemas are sent as text too; their JSON length is a fair stand-in.
  if (request.tools && request.tools.length > 0) characters += jsonCharacters(request.tools);
  return characters;
}

/**
 * About the length of `JSON.stringify(value)`, walked with an explicit stack: a value nested too
 * deeply for `JSON.stringify` (which recurses) is still measured, and the adapter reports it.
 */
export function jsonCharacters(value: unknown): number {
  let characters = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === "string") characters += next.length + 2;
    else if (typeof next === "number" || typeof next === "boolean") characters += String(next).length;
    else if (next === null) characters += 4;
    else if (Array.isArray(next)) {
      characters += 2 + Math.max(0, next.length - 1);
      for (const item of next) pending.push(item);
    } else if (typeof next === "object") {
      const entries = Object.entries(next as Record<string, unknown>);
      characters += 2 + Math.max(0, entries.length - 1);
      for (const [name, item] of entries) {
        characters += name.length + 3;
        pending.push(item);
      }
    }
  }
  return characters;
}

/** Estimated prompt tokens of a request. */
export function estimatePromptTokens(request: ChatRequest): number {
  return tokensForCharacters(promptCharacters(request)) + TOKENS_PER_MESSAGE * request.messages.length;
}

/**
 * Characters a model generated in a completion's message or a stream chunk's delta: content,
 * reasoning, refusal and tool calls (for estimates when the upstream reported no usage).
 */
export function outputCharacters(output: TextFields | undefined): number {
  if (!output) return 0;
  const content = typeof output.content === "string" ? output.content.length : 0;
  return content + (output.reasoning_content?.length ?? 0) + (output.refusal?.length ?? 0) + toolCallCharacters(output);
}

function toolCallCharacters({ tool_calls: toolCalls }: TextFields): number {
  let characters = 0;
  for (const call of toolCalls ?? []) characters += (call.function?.name?.length ?? 0) + (call.function?.arguments?.length ?? 0);
  return characters;
}

/**
 * The output budget to reserve: what the request asks for (`max_completion_tokens`, else
 * `max_tokens`), else `defaultOutputTokens`, never more than the model's maximum output.
 */
export function outputBudget(request: ChatRequest, modelMaxOutputTokens: number, defaultOutputTokens: number): number {
  const requested = request.max_completion_tokens ?? request.max_tokens ?? defaultOutputTokens;
  const ceiling = modelMaxOutputTokens > 0 ? modelMaxOutputTokens : requested;
  return Math.max(1, Math.min(requested, ceiling));
}

function contentCharacters(content: unknown): number {
  if (typeof content === "string") return content.length;
  if (!Array.isArray(content)) return 0;
  let characters = 0;
  for (const part of content as Array<{ type?: string; text?: unknown }>) {
    if (typeof part?.text === "string") characters += part.text.length;
  }
  return characters;
}
