/**
 * OpenAI `response_format` -> Anthropic structured output
 * (https://platform.claude.com/docs/en/build-with-claude/structured-outputs): a JSON schema
 * becomes `output_config.format` (Anthropic has no `name`, `description` or `strict`, and always
 * enforces the schema); `json_object` has no Anthropic counterpart and becomes an instruction in
 * the system prompt; `text` is Anthropic's default.
 */
import type { JSONOutputFormat, TextBlockParam } from "@anthropic-ai/sdk/resources/messages";
import { adjusted, dropped, emulated, type ChatRequest, type TranslationWarning } from "../provider-spec";

/** The system-prompt instruction that stands in for `json_object`. */
export const jsonObjectInstruction = "Respond with a single valid JSON object and nothing else: no prose before or after it, no code fences.";

/** What `response_format` became: a format for `output_config`, or an instruction for the system prompt. */
export interface AnthropicOutputFormat {
  format?: JSONOutputFormat;
  instruction?: string;
}

/** Converts `response_format`. @param warnings receives what was emulated or dropped */
export function toAnthropicOutputFormat(responseFormat: ChatRequest["response_format"], warnings: TranslationWarning[]): AnthropicOutputFormat {
  if (!responseFormat || responseFormat.type === "text") return {};
  if (responseFormat.type === "json_schema") {
    const { schema, strict } = responseFormat.json_schema;
    if (strict === false) warnings.push(adjusted("response_format.json_schema.strict", "Anthropic always enforces the schema; strict: false was not honoured"));
    return { format: { type: "json_schema", schema: schema ?? { type: "object" } } };
  }
  if (responseFormat.type === "json_object") {
    warnings.push(emulated("response_format", "Anthropic has no JSON mode; an instruction to answer with one JSON object was added to the system prompt"));
    return { instruction: jsonObjectInstruction };
  }
  warnings.push(dropped("response_format", `response_format of type "${(responseFormat as { type: string }).type}" is not supported by Anthropic and was ignored`));
  return {};
}

/** The system prompt with an instruction appended (after any cached blocks, so their prefix stays cached). */
export function appendToSystem(system: string | TextBlockParam[] | undefined, instruction: string): string | TextBlockParam[] {
  if (system === undefined) return instruction;
  if (typeof system === "string") return `${system}\n\n${instruction}`;
  return [...system, { type: "text", text: instruction }];
}
