/**
 * A Responses request -> the canonical chat request, for providers that do not speak Responses
 * (DeepSeek, Anthropic through its adapter, OpenAI-compatible servers). The input conversion is
 * in responses-input-convert.ts; this file maps the request's options and tools. What the
 * gateway handles itself (`store`, `previous_response_id`, `include`) never goes upstream; what
 * nothing can carry is dropped with a warning, or a 400 where dropping would change the answer.
 */
import type { ChatCompletionTool, ChatCompletionToolChoiceOption } from "openai/resources/chat/completions";
import { ValidationError } from "../../errors";
import type { ReasoningCarrier } from "../../gateway/reasoning-carrier";
import { dropped, emulated, type ChatRequest, type TranslationWarning } from "../../providers/provider-spec";
import { flatToolName, ToolNames } from "./responses-ids";
import { toCanonicalMessages, type InputTarget } from "./responses-input-convert";
import type { ResponsesBody, ResponsesInputItem, ResponsesTool } from "./responses-schemas";

/** The translated request, its warnings and the tool-name map for the answer. */
export interface CanonicalTranslation {
  request: ChatRequest;
  warnings: TranslationWarning[];
  toolNames: ToolNames;
}

const invalid = (field: string, message: string) => new ValidationError(`Invalid body: ${field}: ${message}`, [{ field, message }]);

/** Fields the gateway consumes itself or maps below; any other non-null field gets a `dropped` warning. */
const HANDLED_FIELDS = new Set(
  "model input instructions stream store previous_response_id include stream_options client_metadata metadata tools tool_choice parallel_tool_calls max_output_tokens temperature top_p top_logprobs service_tier safety_identifier user reasoning text prompt_cache_key conversation background prompt truncation".split(" "),
);

/**
 * Translates a validated body whose `input` is already expanded (references resolved).
 * @throws ValidationError (400) naming the field that cannot be carried
 */
export function toCanonicalRequest(body: ResponsesBody, input: readonly ResponsesInputItem[], carrier: ReasoningCarrier, target: InputTarget): CanonicalTranslation {
  const warnings: TranslationWarning[] = [];
  if (body.conversation != null) throw invalid("conversation", "conversations are stored by OpenAI and only work on OpenAI models; use previous_response_id");
  if (body.background === true) throw invalid("background", "background responses are only available on OpenAI models");
  if (body.prompt != null) throw invalid("prompt", "stored prompt templates are only available on OpenAI models");

  const toolNames = new ToolNames();
  const tools = toCanonicalTools(body.tools ?? [], toolNames, warnings);
  const messages = toCanonicalMessages(body.instructions, input, carrier, target, warnings);
  if (!messages.some((message) => message.role !== "system" && message.role !== "developer")) throw invalid("input", "the conversation has no user or assistant message");
  const request: Record<string, unknown> = {
    model: target.model,
    messages,
    stream: body.stream === true,
  };
  if (tools.length > 0) request.tools = tools;
  const toolChoice = toCanonicalToolChoice(body.tool_choice, toolNames, request);
  // Upstreams refuse a tool_choice without tools (all of them may have been hosted ones).
  if (toolChoice === "required" && !request.tools) throw invalid("tool_choice", "tool_choice is required, but none of the tools can be sent to this provider");
  if (toolChoice !== undefined && request.tools) request.tool_choice = toolChoice;
  if (body.parallel_tool_calls != null && tools.length > 0) request.parallel_tool_calls = body.parallel_tool_calls;
  if (body.max_output_tokens != null) request.max_tokens = body.max_output_tokens;
  for (const field of ["temperature", "top_p", "service_tier", "safety_identifier", "user"] as const) {
    if (body[field] != null) request[field] = body[field];
  }
  if (body.top_logprobs != null && body.top_logprobs > 0) {
    request.logprobs = true;
    request.top_logprobs = body.top_logprobs;
  }
  if (body.reasoning?.effort) request.reasoning_effort = body.reasoning.effort;
  if (body.text?.verbosity) request.verbosity = body.text.verbosity;
  const format = body.text?.format;
  if (format?.type === "json_object") request.response_format = { type: "json_object" };
  if (format?.type === "json_schema") {
    request.response_format = {
      type: "json_schema",
      json_schema: { name: format.name, schema: format.schema, ...(format.description ? { description: format.description } : {}), ...(format.strict != null ? { strict: format.strict } : {}) },
    };
  }
  if (body.prompt_cache_key) {
    // Anthropic has no cache key; a top-level breakpoint makes it cache the growing prefix instead.
    if (target.format === "anthropic") request.cache_control = { type: "ephemeral" };
    else request.prompt_cache_key = body.prompt_cache_key;
  }
  noteGatewayOptions(body, warnings);
  return { request: request as unknown as ChatRequest, warnings, toolNames };
}

/** Warnings for the options that are neither translated nor the gateway's own. */
function noteGatewayOptions(body: ResponsesBody, warnings: TranslationWarning[]): void {
  for (const include of body.include ?? []) {
    if (include !== "reasoning.encrypted_content") warnings.push(dropped(`include.${include}`, `include "${include}" only applies to OpenAI's hosted tools`));
  }
  if (body.truncation === "auto") warnings.push(dropped("truncation", "truncation: auto is not available here; an input over the context window fails"));
  for (const [field, value] of Object.entries(body)) {
    if (HANDLED_FIELDS.has(field) || value === null || value === undefined) continue;
    warnings.push(dropped(field, `${field} is not supported by this provider and was ignored`));
  }
}

/** Function, namespace and custom tools -> canonical functions; hosted tools are dropped. */
function toCanonicalTools(tools: readonly ResponsesTool[], toolNames: ToolNames, warnings: TranslationWarning[]): ChatCompletionTool[] {
  const converted: ChatCompletionTool[] = [];
  const add = (tool: Record<string, any>, namespace: string | undefined, at: string) => {
    if (tool.type === "function") {
      const name = toolNames.declare(tool.name, namespace, false);
      converted.push({
        type: "function",
        function: {
          name,
          ...(tool.description ? { description: tool.description } : {}),
          parameters: tool.parameters ?? { type: "object", properties: {} },
          ...(tool.strict != null ? { strict: tool.strict } : {}),
        },
      });
    } else if (tool.type === "custom") {
      const name = toolNames.declare(tool.name, namespace, true);
      const grammar = tool.format?.type === "grammar" ? ` The input must follow this ${tool.format.syntax} grammar: ${tool.format.definition}` : "";
      converted.push({
        type: "function",
        function: {
          name,
          description: `${tool.description ?? ""}${grammar}`.trim() || `The ${tool.name} tool`,
          parameters: { type: "object", properties: { input: { type: "string", description: "The tool's input" } }, required: ["input"] },
        },
      });
      warnings.push(emulated(at, `custom tool ${tool.name} was sent as a function with one string argument, input${grammar ? "; its grammar is not enforced" : ""}`));
    } else {
      warnings.push(dropped(at, `${tool.type} is a tool hosted by OpenAI and was dropped`));
    }
  };
  tools.forEach((tool, index) => {
    const at = `tools[${index}]`;
    if (tool.type === "namespace") (tool.tools ?? []).forEach((inner, innerIndex) => add(inner, tool.name, `${at}.tools[${innerIndex}]`));
    else add(tool, undefined, at);
  });
  return converted;
}

/** `tool_choice` -> canonical; forcing a tool that was dropped is a 400. */
function toCanonicalToolChoice(
  choice: ResponsesBody["tool_choice"],
  toolNames: ToolNames,
  request: Record<string, unknown>,
): ChatCompletionToolChoiceOption | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (typeof choice === "string") {
    if (choice === "none" || choice === "auto" || choice === "required") return choice;
    throw invalid("tool_choice", `unknown tool_choice "${choice}"`);
  }
  const named = (name: unknown, namespace: unknown, field: string): ChatCompletionToolChoiceOption => {
    const flat = typeof name === "string" ? flatToolName(name, typeof namespace === "string" ? namespace : undefined) : "";
    if (!toolNames.has(flat)) throw invalid(field, `tool_choice names a tool that is not in tools: ${String(name)}`);
    return { type: "function", function: { name: flat } };
  };
  if (choice.type === "function" || choice.type === "custom") return named(choice.name, choice.namespace, "tool_choice.name");
  if (choice.type === "allowed_tools") {
    const allowed: Record<string, any>[] = Array.isArray(choice.tools) ? choice.tools : [];
    const names = new Set(allowed.map((tool) => (tool.type === "function" || tool.type === "custom" ? String(tool.name) : null)).filter((name): name is string => name !== null));
    const current = (request.tools as ChatCompletionTool[] | undefined) ?? [];
    request.tools = current.filter((tool) => tool.type === "function" && names.has(toolNames.resolve(tool.function.name).name));
    if ((request.tools as ChatCompletionTool[]).length === 0) delete request.tools;
    return choice.mode === "required" ? "required" : "auto";
  }
  throw invalid("tool_choice.type", `tool_choice forces "${choice.type}", a tool hosted by OpenAI that this provider does not have`);
}
