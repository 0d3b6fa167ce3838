/**
 * zod schemas for the chat bodies. The checks are the ones a gateway can make without knowing
 * the model (messages present and well-formed, numbers in range); any other OpenAI field is
 * passed through to the adapter untouched, so new upstream options work without a release.
 */
import * as z from "zod";
import type { ChatRequest } from "../providers/provider-spec";

const ROLES = ["system", "developer", "user", "assistant", "tool", "function"] as const;

const contentSchema = z.union([z.string(), z.array(z.looseObject({ type: z.string().min(1) })), z.null()]);

const toolCallSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string().optional(),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
});

/** One chat message; role-specific requirements are checked in {@link checkMessages}. */
export const chatMessageSchema = z.looseObject({
  role: z.enum(ROLES),
  content: contentSchema.optional(),
  name: z.string().optional(),
  tool_calls: z.array(toolCallSchema).optional(),
  tool_call_id: z.string().optional(),
});
/** A validated chat message. */
export type ChatMessage = z.infer<typeof chatMessageSchema>;

const toolSchema = z.looseObject({
  type: z.string().min(1),
  function: z.looseObject({ name: z.string().min(1).max(64), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()).optional() }).optional(),
});

const stopSchema = z.union([z.string(), z.array(z.string()).max(4), z.null()]);
const tokenLimit = z.number().int().positive().max(10_000_000).nullable();

/** Role rules OpenAI enforces: content for everyone but an assistant making tool calls; a tool message names its call. */
function checkMessages(messages: ChatMessage[], context: z.RefinementCtx, path: string): void {
  messages.forEach((message, index) => {
    const hasContent = message.content !== undefined && message.content !== null;
    if (message.role === "assistant") {
      if (!hasContent && !(message.tool_calls && message.tool_calls.length > 0)) {
        context.addIssue({ code: "custom", path: [path, index, "content"], message: "an assistant message needs content or tool_calls" });
      }
    } else if (!hasContent) {
      context.addIssue({ code: "custom", path: [path, index, "content"], message: `a ${message.role} message needs content` });
    }
    if (message.role === "tool" && !message.tool_call_id) {
      context.addIssue({ code: "custom", path: [path, index, "tool_call_id"], message: "a tool message needs tool_call_id" });
    }
  });
}

/** `POST /v1/chat/completions`: OpenAI's body; unknown fields pass through. */
export const openAiChatBodySchema = z
  .looseObject({
    model: z.string().trim().min(1).max(200),
    messages: z.array(chatMessageSchema).min(1, "must contain at least one message"),
    stream: z.boolean().nullable().optional(),
    stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
    max_tokens: tokenLimit.optional(),
    max_completion_tokens: tokenLimit.optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().min(0).max(1).nullable().optional(),
    n: z.number().int().min(1).max(16).nullable().optional(),
    stop: stopSchema.optional(),
    tools: z.array(toolSchema).optional(),
    tool_choice: z.union([z.string(), z.looseObject({ type: z.string() })]).optional(),
  })
  .superRefine((body, context) => checkMessages(body.messages, context, "messages"));
/** A validated `/v1/chat/completions` body. */
export type OpenAiChatBody = z.infer<typeof openAiChatBodySchema>;

/** `POST /api/ai/chat/completions`: camelCase options; other fields pass through as given. */
export const envelopeChatBodySchema = z
  .looseObject({
    providerCode: z.string().trim().min(1).max(32).optional(),
    model: z.string().trim().min(1).max(200),
    messages: z.array(chatMessageSchema).min(1, "must contain at least one message"),
    stream: z.boolean().optional(),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().positive().max(10_000_000).optional(),
    topP: z.number().min(0).max(1).optional(),
    stop: stopSchema.optional(),
    tools: z.array(toolSchema).optional(),
    toolChoice: z.union([z.string(), z.looseObject({ type: z.string() })]).optional(),
    frequencyPenalty: z.number().min(-2).max(2).optional(),
    presencePenalty: z.number().min(-2).max(2).optional(),
    responseFormat: z.looseObject({ type: z.string() }).optional(),
    user: z.string().max(256).optional(),
  })
  .superRefine((body, context) => checkMessages(body.messages, context, "messages"));
/** A validated `/api/ai/chat/completions` body. */
export type EnvelopeChatBody = z.infer<typeof envelopeChatBodySchema>;

/**
 * camelCase option -> OpenAI field. A Map, not an object literal: a caller's field named
 * `constructor` or `toString` would otherwise find the prototype's function and send its text.
 */
const ENVELOPE_FIELDS = new Map<string, string>([
  ["maxTokens", "max_tokens"],
  ["topP", "top_p"],
  ["toolChoice", "tool_choice"],
  ["frequencyPenalty", "frequency_penalty"],
  ["presencePenalty", "presence_penalty"],
  ["responseFormat", "response_format"],
]);

/** The canonical request for an envelope body (without `providerCode`; `stream` kept for the caller). */
export function envelopeToCanonical(body: EnvelopeChatBody): ChatRequest {
  const request: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) {
    if (field === "providerCode" || value === undefined) continue;
    // Defined, not assigned: a pass-through field named `__proto__` stays a field.
    Object.defineProperty(request, ENVELOPE_FIELDS.get(field) ?? field, { value, enumerable: true, writable: true, configurable: true });
  }
  return request as unknown as ChatRequest;
}
