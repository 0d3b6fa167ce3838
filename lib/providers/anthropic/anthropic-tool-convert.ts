/**
 * OpenAI tools -> Anthropic tools (https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use):
 * `function.parameters` become `input_schema`; `tool_choice` `auto`/`required`/`none`/named map
 * to `auto`/`any`/`none`/`tool`; `parallel_tool_calls: false` becomes `disable_parallel_tool_use`;
 * a tool's canonical `cache_control` (on the tool, or on its function) becomes its breakpoint.
 */
import type { Tool, ToolChoice } from "@anthropic-ai/sdk/resources/messages";
import { adjusted, dropped, type ChatRequest, type TranslationWarning } from "../provider-spec";
import { cacheControlOf } from "./anthropic-content-convert";

/** Tools and tool choice for an Anthropic request; both absent when the request has no tools. */
export interface AnthropicToolConfig {
  tools?: Tool[];
  tool_choice?: ToolChoice;
}

/**
 * Converts `tools`, `tool_choice` and `parallel_tool_calls`.
 *
 * @param warnings receives one line per dropped tool or option
 */
export function toAnthropicTools(request: ChatRequest, warnings: TranslationWarning[]): AnthropicToolConfig {
  const tools: Tool[] = [];
  for (const tool of request.tools ?? []) {
    if (tool.type !== "function") {
      warnings.push(dropped("tools", `tools of type "${tool.type}" are not supported by Anthropic and were dropped`));
      continue;
    }
    const { name, description, parameters, strict } = tool.function;
    const cacheControl = cacheControlOf(tool) ?? cacheControlOf(tool.function);
    tools.push({
      name,
      ...(description ? { description } : {}),
      // Anthropic requires an object schema even for a tool without parameters.
      input_schema: { type: "object", ...(parameters ?? {}) } as Tool.InputSchema,
      ...(strict ? { strict: true } : {}),
      ...(cacheControl ? { cache_control: cacheControl } : {}),
    });
  }
  if (tools.length === 0) return {};

  const toolChoice = toAnthropicToolChoice(request.tool_choice, warnings);
  if (request.parallel_tool_calls === false && toolChoice.type !== "none") toolChoice.disable_parallel_tool_use = true;
  return { tools, tool_choice: toolChoice };
}

function toAnthropicToolChoice(choice: ChatRequest["tool_choice"], warnings: TranslationWarning[]): ToolChoice {
  if (choice === undefined || choice === "auto") return { type: "auto" };
  if (choice === "required") return { type: "any" };
  if (choice === "none") return { type: "none" };
  if (choice.type === "function") return { type: "tool", name: choice.function.name };
  warnings.push(adjusted("tool_choice", `tool_choice of type "${choice.type}" is not supported by Anthropic; "auto" was used`));
  return { type: "auto" };
}
