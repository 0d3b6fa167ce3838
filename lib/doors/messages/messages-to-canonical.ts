/**
 * An Anthropic Messages request -> the canonical request (OpenAI Chat plus the canonical
 * extensions), for providers that do not speak Messages (OpenAI, DeepSeek, OpenAI-compatible).
 * Messages and blocks are converted in messages-content-convert.ts; this file maps the request's
 * own fields. Whatever has no canonical equivalent is dropped with a warning naming it:
 *
 * | Messages | canonical |
 * | --- | --- |
 * | `max_tokens`, `temperature`, `top_p` | same |
 * | `stop_sequences` | `stop` (the first 4) |
 * | `tools[{name, description, input_schema, strict}]` | `tools[{type:"function", function:{name, description, parameters, strict}}]` |
 * | `tool_choice` auto / any / tool / none, `disable_parallel_tool_use` | `"auto"` / `"required"` / `{type:"function"}` / `"none"`, `parallel_tool_calls:false` |
 * | `thinking` | `thinking`; `output_config.effort` (or the budget's bucket) -> `reasoning_effort` |
 * | `output_config.format` json_schema | `response_format` json_schema |
 * | `metadata.user_id` | `user` (hashed when longer than 64 characters) |
 * | `x-claude-code-session-id` header | `prompt_cache_key` |
 * | `cache_control` (top level, blocks, tools) | `cache_control` (only an Anthropic upstream uses it) |
 * | `top_k`, server tools, `context_management`, `container`, `mcp_servers`, … | dropped |
 */
import { createHash } from "node:crypto";
import type { MessageParam, TextBlockParam } from "@anthropic-ai/sdk/resources/messages";
import { ValidationError } from "../../errors";
import type { ReasoningCarrier } from "../../gateway/reasoning-carrier";
import type { CacheControl, CanonicalThinking, ChatRequest, ProviderFormat, TranslationWarning } from "../../providers/provider-spec";
import { toCanonicalMessages } from "./messages-content-convert";
import type { CountTokensBody, MessagesBody } from "./messages-schemas";
import { WarningList } from "./messages-warning-list";

/** What the translation needs besides the body. */
export interface MessagesTranslationOptions {
  /** The client's request headers (`x-claude-code-session-id`). */
  headers: Headers;
  carrier: ReasoningCarrier;
  /** Format of the provider the request goes to. */
  targetFormat: ProviderFormat;
}

/** A translated request and what the translation could not carry. */
export interface CanonicalTranslation {
  request: ChatRequest;
  warnings: TranslationWarning[];
}

/** Longest `user` sent. */
const MAXIMUM_USER_LENGTH = 64;

/** Most stop sequences a Chat upstream takes. */
const MAXIMUM_STOP_SEQUENCES = 4;

/** Body fields this translation reads; every other field is reported as dropped. */
const translatedFields = new Set([
  "model",
  "messages",
  "system",
  "max_tokens",
  "stream",
  "tools",
  "tool_choice",
  "thinking",
  "output_config",
  "output_format",
  "stop_sequences",
  "temperature",
  "top_p",
  "metadata",
  "cache_control",
]);

const efforts = new Set(["low", "medium", "high", "xhigh", "max"]);

type ToolChoice = NonNullable<MessagesBody["tool_choice"]>;
type Tool = NonNullable<MessagesBody["tools"]>[number];

/** Translates a `/v1/messages` (or count_tokens) body; throws a 400 for what cannot be translated at all. */
export function messagesToCanonical(body: MessagesBody | CountTokensBody, options: MessagesTranslationOptions): CanonicalTranslation {
  const warnings = new WarningList();
  const full = body as Partial<MessagesBody> & CountTokensBody;
  const messages = toCanonicalMessages(full.system as string | TextBlockParam[] | undefined, full.messages as unknown as MessageParam[], {
    carrier: options.carrier,
    targetFormat: options.targetFormat,
    warnings,
  });
  const request: Record<string, unknown> = { model: full.model, messages, stream: full.stream === true };

  if (full.max_tokens !== undefined) request.max_tokens = full.max_tokens;
  if (full.temperature !== undefined) request.temperature = full.temperature;
  if (full.top_p !== undefined) request.top_p = full.top_p;
  if (full.top_k !== undefined) warnings.dropped("top_k", "top_k has no Chat Completions equivalent and was not sent");
  if (full.stop_sequences && full.stop_sequences.length > 0) {
    request.stop = full.stop_sequences.slice(0, MAXIMUM_STOP_SEQUENCES);
    if (full.stop_sequences.length > MAXIMUM_STOP_SEQUENCES) {
      warnings.adjusted("stop_sequences", `only the first ${MAXIMUM_STOP_SEQUENCES} of ${full.stop_sequences.length} stop sequences were sent`);
    }
  }
  if (full.cache_control) request.cache_control = full.cache_control as CacheControl;

  const tools = (full.tools ?? []).flatMap((tool) => canonicalTool(tool, warnings));
  if (tools.length > 0) request.tools = tools;
  if (full.tool_choice) Object.assign(request, toolChoiceOf(full.tool_choice, tools, warnings));

  Object.assign(request, reasoningOf(full, warnings));
  const format = full.output_config?.format ?? full.output_format;
  if (format) {
    if (format.type === "json_schema" && format.schema) {
      request.response_format = { type: "json_schema", json_schema: { name: "output", schema: format.schema, strict: true } };
    } else {
      warnings.dropped("output_config.format", `output format "${format.type}" has no Chat Completions equivalent and was not sent`);
    }
  }

  if (full.metadata) {
    const { user_id: userId, ...otherMetadata } = full.metadata;
    if (typeof userId === "string" && userId !== "") request.user = userIdentifier(userId, warnings);
    for (const key of Object.keys(otherMetadata)) warnings.dropped(`metadata.${key}`, `metadata.${key} has no Chat Completions equivalent and was not sent`);
  }
  const sessionId = options.headers.get("x-claude-code-session-id");
  if (sessionId) request.prompt_cache_key = sessionId.slice(0, 64);

  for (const key of Object.keys(body)) {
    if (!translatedFields.has(key)) warnings.dropped(key, `${key} has no Chat Completions equivalent and was not sent`);
  }
  return { request: request as unknown as ChatRequest, warnings: warnings.list() };
}

/**
 * Chat's `user` for Anthropic's `metadata.user_id`. Claude Code packs account and session into
 * it, longer than the 64 characters OpenAI's identifiers take: a long one is sent as a stable hash.
 */
function userIdentifier(userId: string, warnings: WarningList): string {
  if (userId.length <= MAXIMUM_USER_LENGTH) return userId;
  warnings.adjusted("metadata.user_id", `a user_id longer than ${MAXIMUM_USER_LENGTH} characters was sent as its hash`);
  return `u_${createHash("sha256").update(userId).digest("base64url").slice(0, 43)}`;
}

/** A custom tool as a function; Anthropic's own tools (server tools, versioned client tools) are dropped. */
function canonicalTool(tool: Tool, warnings: WarningList): Record<string, unknown>[] {
  if (tool.type !== undefined && tool.type !== null && tool.type !== "custom") {
    warnings.dropped(`tools.${tool.name}`, `the ${tool.type} tool is Anthropic's own and cannot be offered to a Chat Completions model`);
    return [];
  }
  const { strict, cache_control: cacheControl, defer_loading: deferLoading, input_examples: inputExamples } = tool as Record<string, unknown>;
  if (deferLoading !== undefined) warnings.dropped("tools.defer_loading", "defer_loading has no Chat Completions equivalent; the tool was offered at once");
  if (inputExamples !== undefined) warnings.dropped("tools.input_examples", "input_examples has no Chat Completions equivalent and was not sent");
  return [
    {
      type: "function",
      function: {
        name: tool.name,
        ...(tool.description !== undefined ? { description: tool.description } : {}),
        parameters: tool.input_schema,
        ...(typeof strict === "boolean" ? { strict } : {}),
      },
      ...(cacheControl ? { cache_control: cacheControl } : {}),
    },
  ];
}

function toolChoiceOf(choice: ToolChoice, tools: Record<string, unknown>[], warnings: WarningList): Record<string, unknown> {
  const parallel = "disable_parallel_tool_use" in choice && choice.disable_parallel_tool_use === true ? { parallel_tool_calls: false } : {};
  if (choice.type === "tool") {
    const offered = tools.some((tool) => (tool.function as { name: string }).name === choice.name);
    if (!offered) {
      throw new ValidationError(`tool_choice names the tool '${choice.name}', which is not among the tools that can be sent to this model`, [
        { field: "tool_choice.name", message: "not an offered custom tool" },
      ]);
    }
    return { tool_choice: { type: "function", function: { name: choice.name } }, ...parallel };
  }
  // Chat upstreams reject a tool_choice without tools.
  if (tools.length === 0) {
    if (choice.type !== "none" && choice.type !== "auto") warnings.dropped("tool_choice", "tool_choice was not sent: no tool could be offered to this model");
    return {};
  }
  const mapped = ({ auto: "auto", any: "required", none: "none" } as Record<string, string>)[choice.type];
  if (!mapped) {
    warnings.dropped("tool_choice", `tool_choice "${choice.type}" has no Chat Completions equivalent and was not sent`);
    return {};
  }
  return { tool_choice: mapped, ...(choice.type === "none" ? {} : parallel) };
}

/** `thinking` and `output_config.effort` -> canonical `thinking` and `reasoning_effort`. */
function reasoningOf(body: Partial<MessagesBody> & CountTokensBody, warnings: WarningList): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const thinking = body.thinking;
  const display = thinking && "display" in thinking && thinking.display ? { display: thinking.display as "summarized" | "omitted" } : {};
  if (thinking?.type === "enabled") out.thinking = { type: "enabled", budget_tokens: thinking.budget_tokens, ...display } satisfies CanonicalThinking;
  else if (thinking?.type === "adaptive") out.thinking = { type: "adaptive", ...display } satisfies CanonicalThinking;
  else if (thinking?.type === "disabled") out.thinking = { type: "disabled" } satisfies CanonicalThinking;
  else if (thinking?.type === "between_tools") {
    out.thinking = { type: "adaptive", ...display } satisfies CanonicalThinking;
    warnings.adjusted("thinking", "between_tools thinking was sent as adaptive thinking");
  } else if (thinking) {
    warnings.dropped("thinking", `thinking "${(thinking as { type: string }).type}" has no canonical equivalent and was not sent`);
  }

  const effort = body.output_config?.effort;
  if (typeof effort === "string") {
    if (efforts.has(effort)) out.reasoning_effort = effort;
    else warnings.dropped("output_config.effort", `effort "${effort}" is unknown and was not sent`);
  } else if (thinking?.type === "enabled") {
    // Budget buckets as peers map them: up to 1024 low, up to 4096 medium, more high.
    out.reasoning_effort = thinking.budget_tokens <= 1024 ? "low" : thinking.budget_tokens <= 4096 ? "medium" : "high";
  }
  return out;
}
