/**
 * zod schemas for Anthropic Messages bodies (`POST /v1/messages`, `POST /v1/messages/count_tokens`).
 * The lists are open: unknown fields and unknown block types pass, because clients send beta
 * fields faster than any schema follows (Claude Code's `context_management`, new block types)
 * and a same-protocol upstream must still get them. What the gateway relies on is checked, with
 * a 400 naming the field: the model, `max_tokens`, the messages and the fields of the blocks it
 * translates.
 */
import * as z from "zod";
import { documentAs } from "../../openapi/json-schemas";

const cacheControlSchema = z.looseObject({ type: z.string().min(1), ttl: z.string().optional() }).nullable().optional();

const textBlockSchema = z.looseObject({ type: z.literal("text"), text: z.string(), cache_control: cacheControlSchema });

const imageSourceSchema = z.looseObject({ type: z.string().min(1), media_type: z.string().optional(), data: z.string().optional(), url: z.string().optional() });

/** Blocks nested in a tool result or a document, checked like top-level ones. */
const nestedBlocksSchema = z.array(z.lazy(() => contentBlockSchema));

/** Required fields of the block types the gateway translates; other types pass unchecked. */
const knownBlockSchemas: Record<string, z.ZodType> = {
  text: textBlockSchema,
  image: z.looseObject({ type: z.literal("image"), source: imageSourceSchema }),
  document: z.looseObject({
    type: z.literal("document"),
    title: z.string().nullable().optional(),
    source: z.looseObject({ type: z.string().min(1), content: z.union([z.string(), nestedBlocksSchema]).optional() }),
  }),
  search_result: z.looseObject({
    type: z.literal("search_result"),
    title: z.string(),
    source: z.string(),
    content: z.array(z.looseObject({ type: z.string(), text: z.string() })),
  }),
  tool_use: z.looseObject({ type: z.literal("tool_use"), id: z.string().min(1), name: z.string().min(1), input: z.unknown() }),
  tool_result: z.looseObject({
    type: z.literal("tool_result"),
    tool_use_id: z.string().min(1),
    content: z.union([z.string(), nestedBlocksSchema]).optional(),
    is_error: z.boolean().optional(),
  }),
  thinking: z.looseObject({ type: z.literal("thinking"), thinking: z.string(), signature: z.string() }),
  redacted_thinking: z.looseObject({ type: z.literal("redacted_thinking"), data: z.string() }),
};

/** A validated content block (its type-specific fields are read through the SDK's types). */
export type ContentBlock = { type: string; [field: string]: unknown };

/** One content block: any `type`; a known type must carry its required fields. */
export const contentBlockSchema = openUnion(knownBlockSchemas) as z.ZodType<ContentBlock>;

/** One turn: `user`, `assistant`, or a `system` message in the middle of the history. */
export const messageParamSchema = z
  .looseObject({
    role: z.enum(["user", "assistant", "system"]),
    content: z.union([z.string(), z.array(contentBlockSchema)]),
  })
  .superRefine((message, context) => {
    if (message.role !== "system" || typeof message.content === "string") return;
    message.content.forEach((block, index) => {
      if (block.type !== "text") context.addIssue({ code: "custom", path: ["content", index, "type"], message: "a system message holds text blocks only" });
    });
  });

const systemSchema = z.union([z.string(), z.array(textBlockSchema)]);

const toolSchema = z
  .looseObject({ name: z.string().min(1), type: z.string().optional(), description: z.string().optional(), input_schema: z.unknown().optional() })
  .superRefine((tool, context) => {
    // A custom (client) tool needs its schema; Anthropic's own tools (bash_…, web_search_…) have none.
    const custom = tool.type === undefined || tool.type === null || tool.type === "custom";
    const schema = tool.input_schema;
    if (custom && (typeof schema !== "object" || schema === null || Array.isArray(schema))) {
      context.addIssue({ code: "custom", path: ["input_schema"], message: "a custom tool needs an input_schema object" });
    }
  });

/**
 * An object whose `type` picks its shape: a known type must match its schema (a 400 names the
 * field), an unknown one passes unchecked, for a same-protocol upstream that may know it. The
 * inferred type is the known union; code reading it must expect other types at run time.
 *
 * The value passes on as it came, not copied: a zod object schema copies what it parses, and
 * the block's own schema already copies it once to check it. Blocks nest (tool results hold
 * blocks), and an agent's turn holds hundreds of them, so a second copy per level was a sizeable
 * part of reading such a body. Documented as the object with a `type` it checks.
 */
function openUnion<Known extends z.ZodType>(known: Record<string, Known>): Known {
  const shape = z.looseObject({ type: z.string().min(1) });
  const union = z.unknown().superRefine((value, context) => {
    const type = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as { type?: unknown }).type : undefined;
    // Not an object with a type: the shape's own issues, worded as zod words them.
    if (typeof type !== "string" || type === "") {
      for (const issue of shape.safeParse(value).error?.issues ?? []) context.addIssue({ code: "custom", path: issue.path, message: issue.message });
      return;
    }
    const schema = known[type];
    if (!schema) return;
    const result = schema.safeParse(value);
    if (result.success) return;
    for (const issue of result.error.issues) context.addIssue({ code: "custom", path: issue.path, message: issue.message });
  });
  documentAs(union, shape);
  return union as unknown as Known;
}

const toolChoiceSchema = openUnion({
  auto: z.looseObject({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }),
  any: z.looseObject({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }),
  tool: z.looseObject({ type: z.literal("tool"), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() }),
  none: z.looseObject({ type: z.literal("none") }),
});

const thinkingDisplaySchema = z.enum(["summarized", "omitted"]).nullable().optional();

const thinkingSchema = openUnion({
  enabled: z.looseObject({ type: z.literal("enabled"), budget_tokens: z.number().int().min(0), display: thinkingDisplaySchema }),
  adaptive: z.looseObject({ type: z.literal("adaptive"), display: thinkingDisplaySchema }),
  disabled: z.looseObject({ type: z.literal("disabled") }),
  between_tools: z.looseObject({ type: z.literal("between_tools"), display: thinkingDisplaySchema }),
});

const outputFormatSchema = z.looseObject({ type: z.string().min(1), schema: z.record(z.string(), z.unknown()).optional() });

const outputConfigSchema = z.looseObject({
  effort: z.string().nullable().optional(),
  format: outputFormatSchema.nullable().optional(),
});

/** The fields both endpoints share. */
const sharedFields = {
  model: z.string().trim().min(1).max(200),
  messages: z.array(messageParamSchema).min(1, "must contain at least one message"),
  system: systemSchema.optional(),
  tools: z.array(toolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  thinking: thinkingSchema.optional(),
  output_config: outputConfigSchema.optional(),
  output_format: outputFormatSchema.nullable().optional(),
  cache_control: cacheControlSchema,
};

/** `POST /v1/messages`: Anthropic's `MessageCreateParams`; unknown fields pass through. */
export const messagesBodySchema = z.looseObject({
  ...sharedFields,
  max_tokens: z.number().int().min(0).max(10_000_000),
  stream: z.boolean().nullable().optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  metadata: z.looseObject({ user_id: z.string().nullable().optional() }).optional(),
});
/** A validated `/v1/messages` body. */
export type MessagesBody = z.infer<typeof messagesBodySchema>;

/** `POST /v1/messages/count_tokens`: the create body without `max_tokens` and the sampling fields. */
export const countTokensBodySchema = z.looseObject(sharedFields);
/** A validated count_tokens body. */
export type CountTokensBody = z.infer<typeof countTokensBodySchema>;
