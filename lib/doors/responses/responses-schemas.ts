/**
 * zod schemas for `POST /v1/responses`. The checks are the ones a gateway can make without
 * knowing the model (input present and shaped like items, numbers in range, tools named); every
 * other field is an open list, so what clients add (Codex's `client_metadata`) or what OpenAI
 * adds later passes through to OpenAI untouched and is judged by the translation otherwise.
 */
import * as z from "zod";

/** One content part of a message item (`input_text`, `input_image`, `output_text`, …). */
const contentPartSchema = z.looseObject({ type: z.string().min(1) });

/**
 * One input item. The type is optional on the wire: a typeless item with a `role` is a message,
 * one with only an `id` is an `item_reference`. Per-type fields are checked where the item is
 * used, with a 400 that names `input[i].field`.
 */
export const responsesInputItemSchema = z
  .looseObject({
    type: z.string().min(1).optional(),
    id: z.string().min(1).max(200).nullable().optional(),
    role: z.enum(["user", "assistant", "system", "developer"]).optional(),
    content: z.union([z.string(), z.array(contentPartSchema)]).optional(),
    call_id: z.string().min(1).max(200).optional(),
    name: z.string().min(1).max(256).optional(),
    arguments: z.string().optional(),
  })
  .superRefine((item, context) => {
    const type = item.type ?? (item.role ? "message" : item.id ? "item_reference" : undefined);
    if (type === undefined) context.addIssue({ code: "custom", path: ["type"], message: "an input item needs a type, a role or an id" });
    if (type === "message") {
      if (!item.role) context.addIssue({ code: "custom", path: ["role"], message: "a message item needs a role" });
      if (item.content === undefined) context.addIssue({ code: "custom", path: ["content"], message: "a message item needs content" });
    }
    if (type === "item_reference" && !item.id) context.addIssue({ code: "custom", path: ["id"], message: "an item_reference needs an id" });
    if ((type === "function_call" || type === "custom_tool_call") && (!item.call_id || !item.name)) {
      context.addIssue({ code: "custom", path: [item.call_id ? "name" : "call_id"], message: `a ${type} item needs call_id and name` });
    }
    if ((type === "function_call_output" || type === "custom_tool_call_output") && !item.call_id) {
      context.addIssue({ code: "custom", path: ["call_id"], message: `a ${type} item needs call_id` });
    }
  });
/** A validated input item (open: unknown fields kept). */
export type ResponsesInputItem = z.infer<typeof responsesInputItemSchema>;

/** One entry of `tools`; hosted tools have no name, functions and namespaces must have one. */
const toolSchema = z
  .looseObject({
    type: z.string().min(1),
    name: z.string().min(1).max(256).optional(),
    description: z.string().nullable().optional(),
    parameters: z.record(z.string(), z.unknown()).nullable().optional(),
    strict: z.boolean().nullable().optional(),
    tools: z.array(z.looseObject({ type: z.string().min(1), name: z.string().min(1).max(256).optional() })).optional(),
  })
  .superRefine((tool, context) => {
    if ((tool.type === "function" || tool.type === "custom" || tool.type === "namespace") && !tool.name) {
      context.addIssue({ code: "custom", path: ["name"], message: `a ${tool.type} tool needs a name` });
    }
  });
/** A validated tool. */
export type ResponsesTool = z.infer<typeof toolSchema>;

const textFormatSchema = z.looseObject({
  type: z.enum(["text", "json_object", "json_schema"]),
  name: z.string().optional(),
  schema: z.record(z.string(), z.unknown()).optional(),
  description: z.string().optional(),
  strict: z.boolean().nullable().optional(),
});

/** `POST /v1/responses`: OpenAI's body; unknown fields pass through. */
export const responsesBodySchema = z
  .looseObject({
    model: z.string().trim().min(1).max(200),
    input: z.union([z.string(), z.array(responsesInputItemSchema)]).optional(),
    instructions: z.string().nullable().optional(),
    stream: z.boolean().nullable().optional(),
    store: z.boolean().nullable().optional(),
    previous_response_id: z.string().min(1).max(200).nullable().optional(),
    conversation: z.unknown().optional(),
    background: z.boolean().nullable().optional(),
    tools: z.array(toolSchema).optional(),
    tool_choice: z.union([z.string(), z.looseObject({ type: z.string().min(1) })]).optional(),
    parallel_tool_calls: z.boolean().nullable().optional(),
    max_output_tokens: z.number().int().positive().max(10_000_000).nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().min(0).max(1).nullable().optional(),
    top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
    reasoning: z.looseObject({ effort: z.string().nullable().optional(), summary: z.string().nullable().optional() }).nullable().optional(),
    text: z.looseObject({ format: textFormatSchema.optional(), verbosity: z.string().nullable().optional() }).nullable().optional(),
    include: z.array(z.string()).nullable().optional(),
    metadata: z.record(z.string(), z.string()).nullable().optional(),
    prompt_cache_key: z.string().max(1024).nullable().optional(),
    safety_identifier: z.string().max(256).nullable().optional(),
    user: z.string().max(256).nullable().optional(),
  })
  .superRefine((body, context) => {
    if (body.input === undefined && !body.previous_response_id) {
      context.addIssue({ code: "custom", path: ["input"], message: "input is required (or previous_response_id)" });
    }
    if (body.text?.format?.type === "json_schema" && (!body.text.format.name || !body.text.format.schema)) {
      context.addIssue({ code: "custom", path: ["text", "format"], message: "a json_schema format needs name and schema" });
    }
  });
/** A validated `/v1/responses` body. */
export type ResponsesBody = z.infer<typeof responsesBodySchema>;
