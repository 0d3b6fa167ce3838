/**
 * Anthropic `system` + `messages` -> canonical (OpenAI Chat) messages, for upstreams that speak
 * Chat. Block by block:
 * - system string/blocks -> a system message (text parts keep their `cache_control`); a `system`
 *   message in the middle of the history stays a system message at its position;
 * - user text / image (base64 -> data URL, url -> url) / PDF document -> content parts;
 * - `tool_result` -> `role: "tool"` messages placed before the rest of that user turn (Chat wants
 *   them right after the assistant's `tool_calls`); `is_error` becomes an "Error: " prefix, and
 *   images in a result go into a user message after the tool messages;
 * - assistant text -> content, `tool_use` -> `tool_calls` (input as a JSON string);
 * - thinking: a gateway carrier of DeepSeek reasoning -> `reasoning_content` (same provider
 *   format only), Anthropic's own signed thinking -> `thinking_blocks` (adapters of other
 *   formats drop them);
 * - anything else is dropped with a warning naming the block type.
 */
import type {
  ContentBlockParam,
  DocumentBlockParam,
  ImageBlockParam,
  MessageParam,
  SearchResultBlockParam,
  TextBlockParam,
  ToolResultBlockParam,
} from "@anthropic-ai/sdk/resources/messages";
import type { CacheControl, ProviderFormat, ThinkingBlock } from "../../providers/provider-spec";
import { ReasoningCarrier } from "../../gateway/reasoning-carrier";
import { toUpstreamToolId } from "./messages-tool-ids";
import type { WarningList } from "./messages-warning-list";

/** A canonical content part (OpenAI's, plus Anthropic's `cache_control`). */
export type CanonicalPart =
  | { type: "text"; text: string; cache_control?: CacheControl }
  | { type: "image_url"; image_url: { url: string }; cache_control?: CacheControl }
  | { type: "file"; file: { file_data: string; filename: string }; cache_control?: CacheControl };

/** A canonical tool call. */
export interface CanonicalToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** A canonical message (OpenAI's, plus the canonical extensions). */
export type CanonicalMessage =
  | { role: "system"; content: string | CanonicalPart[] }
  | { role: "user"; content: string | CanonicalPart[] }
  | {
      role: "assistant";
      content: string | CanonicalPart[] | null;
      tool_calls?: CanonicalToolCall[];
      reasoning_content?: string;
      thinking_blocks?: ThinkingBlock[];
    }
  | { role: "tool"; tool_call_id: string; content: string; cache_control?: CacheControl };

/** What the conversion needs to know about its target. */
export interface ContentConvertOptions {
  carrier: ReasoningCarrier;
  /** Format of the provider the request goes to; carried reasoning is only sent back to its own format. */
  targetFormat: ProviderFormat;
  warnings: WarningList;
}

/** Converts the system prompt and the messages, in order. */
export function toCanonicalMessages(
  system: string | TextBlockParam[] | undefined,
  messages: readonly MessageParam[],
  options: ContentConvertOptions,
): CanonicalMessage[] {
  const out: CanonicalMessage[] = [];
  const systemMessage = systemMessageOf(system);
  if (systemMessage) out.push(systemMessage);
  for (const message of messages) {
    if (message.role === "system") {
      const converted = systemMessageOf(message.content);
      if (converted) out.push(converted);
    } else if (message.role === "user") {
      out.push(...userMessages(message.content, options));
    } else {
      const assistant = assistantMessage(message.content, options);
      if (assistant) out.push(assistant);
    }
  }
  return out;
}

function cacheControlOf(block: { cache_control?: unknown }): { cache_control?: CacheControl } {
  const value = block.cache_control as CacheControl | null | undefined;
  return value ? { cache_control: value } : {};
}

function textPart(block: TextBlockParam): CanonicalPart {
  return { type: "text", text: block.text, ...cacheControlOf(block) };
}

/** A lone text part without a cache breakpoint is sent as a plain string (what every Chat upstream takes). */
function compact(parts: CanonicalPart[]): string | CanonicalPart[] {
  const [first] = parts;
  return parts.length === 1 && first.type === "text" && !first.cache_control ? first.text : parts;
}

/** A system prompt or a mid-history system message (whose blocks are text; Anthropic rejects others). */
function systemMessageOf(system: string | TextBlockParam[] | undefined): CanonicalMessage | undefined {
  if (system === undefined) return undefined;
  if (typeof system === "string") return system === "" ? undefined : { role: "system", content: system };
  const parts = system.filter((block) => block.type === "text" && block.text !== "").map(textPart);
  return parts.length === 0 ? undefined : { role: "system", content: compact(parts) };
}

function userMessages(content: string | ContentBlockParam[], options: ContentConvertOptions): CanonicalMessage[] {
  if (typeof content === "string") return [{ role: "user", content }];
  const toolMessages: CanonicalMessage[] = [];
  const resultImages: CanonicalPart[] = [];
  const parts: CanonicalPart[] = [];
  for (const block of content) {
    if (block.type === "tool_result") {
      toolMessages.push(toolMessage(block, resultImages, options));
    } else {
      parts.push(...userParts(block, options, "messages.content"));
    }
  }
  const rest = [...resultImages, ...parts];
  return rest.length > 0 ? [...toolMessages, { role: "user", content: compact(rest) }] : toolMessages;
}

/** A user block as content parts (empty when it cannot be carried). */
function userParts(block: ContentBlockParam, options: ContentConvertOptions, field: string): CanonicalPart[] {
  switch (block.type) {
    case "text":
      return [textPart(block)];
    case "image":
      return imagePart(block, options, field);
    case "document":
      return documentParts(block, options, field);
    case "search_result":
      options.warnings.emulated(`${field}.search_result`, "search_result blocks were sent as text");
      return [{ type: "text", text: searchResultText(block), ...cacheControlOf(block) }];
    default:
      options.warnings.dropped(`${field}.${block.type}`, `${block.type} blocks have no Chat Completions equivalent and were not sent`);
      return [];
  }
}

function imagePart(block: ImageBlockParam, options: ContentConvertOptions, field: string): CanonicalPart[] {
  const source = block.source as { type: string; media_type?: string; data?: string; url?: string };
  if (source.type === "base64" && source.data !== undefined) {
    return [{ type: "image_url", image_url: { url: `data:${source.media_type ?? "image/png"};base64,${source.data}` }, ...cacheControlOf(block) }];
  }
  if (source.type === "url" && source.url !== undefined) return [{ type: "image_url", image_url: { url: source.url }, ...cacheControlOf(block) }];
  options.warnings.dropped(`${field}.image`, `an image with a ${source.type} source cannot be sent to a Chat Completions upstream`);
  return [];
}

function documentParts(block: DocumentBlockParam, options: ContentConvertOptions, field: string): CanonicalPart[] {
  const source = block.source as { type: string; media_type?: string; data?: unknown; content?: unknown };
  if (source.type === "base64" && typeof source.data === "string") {
    const filename = `${(block.title ?? "document").replace(/[^\w. -]/g, "_")}${/\.pdf$/i.test(block.title ?? "") ? "" : ".pdf"}`;
    return [{ type: "file", file: { file_data: `data:${source.media_type ?? "application/pdf"};base64,${source.data}`, filename }, ...cacheControlOf(block) }];
  }
  if (source.type === "text" && typeof source.data === "string") {
    options.warnings.emulated(`${field}.document`, "a plain-text document was sent as text");
    return [{ type: "text", text: block.title ? `${block.title}\n\n${source.data}` : source.data, ...cacheControlOf(block) }];
  }
  if (source.type === "content") {
    const inner = typeof source.content === "string" ? [{ type: "text", text: source.content } as TextBlockParam] : ((source.content ?? []) as ContentBlockParam[]);
    options.warnings.emulated(`${field}.document`, "a content document was sent as its blocks");
    return inner.flatMap((innerBlock) => userParts(innerBlock, options, field));
  }
  options.warnings.dropped(`${field}.document`, `a document with a ${source.type} source cannot be sent to a Chat Completions upstream`);
  return [];
}

function searchResultText(block: SearchResultBlockParam): string {
  const body = block.content.map((part) => part.text).join("\n");
  return [block.title, block.source, body].filter((line) => line).join("\n");
}

/** A `tool_result` as a tool message; images in it are added to `images` for the user message after. */
function toolMessage(block: ToolResultBlockParam, images: CanonicalPart[], options: ContentConvertOptions): CanonicalMessage {
  const texts: string[] = [];
  if (typeof block.content === "string") texts.push(block.content);
  for (const part of Array.isArray(block.content) ? block.content : []) {
    if (part.type === "text") texts.push(part.text);
    else if (part.type === "image") images.push(...imagePart(part, options, "messages.content.tool_result"));
    else {
      // Tool messages carry text only; anything else that has text is flattened into it.
      const flattened = userParts(part as ContentBlockParam, options, "messages.content.tool_result");
      for (const piece of flattened) {
        if (piece.type === "text") texts.push(piece.text);
        else images.push(piece);
      }
    }
  }
  const text = texts.join("\n");
  return {
    role: "tool",
    tool_call_id: toUpstreamToolId(block.tool_use_id),
    content: block.is_error ? `Error: ${text}` : text,
    ...cacheControlOf(block),
  };
}

function assistantMessage(content: string | ContentBlockParam[], options: ContentConvertOptions): CanonicalMessage | undefined {
  if (typeof content === "string") return { role: "assistant", content };
  const parts: CanonicalPart[] = [];
  const toolCalls: CanonicalToolCall[] = [];
  const reasoning: string[] = [];
  const thinkingBlocks: ThinkingBlock[] = [];
  for (const block of content) {
    switch (block.type) {
      case "text":
        parts.push(textPart(block));
        break;
      case "tool_use":
        toolCalls.push({
          id: toUpstreamToolId(block.id),
          type: "function",
          function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
        });
        break;
      case "thinking":
        reasoningOf(block.signature, block.thinking, options, reasoning, thinkingBlocks);
        break;
      case "redacted_thinking":
        reasoningOf(block.data, undefined, options, reasoning, thinkingBlocks);
        break;
      default:
        options.warnings.dropped(`messages.content.${block.type}`, `${block.type} blocks have no Chat Completions equivalent and were not sent`);
    }
  }
  if (parts.length === 0 && toolCalls.length === 0 && reasoning.length === 0 && thinkingBlocks.length === 0) return undefined;
  const plain = parts.every((part) => part.type === "text" && !part.cache_control);
  return {
    role: "assistant",
    // Chat takes a null content only beside tool calls; a turn of thinking alone keeps an empty text.
    content: parts.length === 0 ? (toolCalls.length > 0 ? null : "") : plain ? parts.map((part) => (part as { text: string }).text).join("") : parts,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    ...(reasoning.length > 0 ? { reasoning_content: reasoning.join("") } : {}),
    ...(thinkingBlocks.length > 0 ? { thinking_blocks: thinkingBlocks } : {}),
  };
}

/**
 * One thinking or redacted-thinking block. `sealed` is its signature (or redacted data);
 * `thinking` its text (absent for redacted blocks).
 */
function reasoningOf(sealed: string, thinking: string | undefined, options: ContentConvertOptions, reasoning: string[], thinkingBlocks: ThinkingBlock[]): void {
  const contents = options.carrier.open(sealed);
  if (contents) {
    if (contents.kind === "deepseek_reasoning") {
      if (contents.format === options.targetFormat) reasoning.push(contents.text);
      else options.warnings.dropped("messages.content.thinking", `reasoning from a ${contents.format} model is not sent to a ${options.targetFormat} model`);
    } else if (contents.kind === "anthropic_thinking") {
      thinkingBlocks.push({ type: "thinking", thinking: contents.thinking, signature: contents.signature });
    } else {
      thinkingBlocks.push({ type: "redacted_thinking", data: contents.data });
    }
    return;
  }
  if (ReasoningCarrier.looksSealed(sealed)) {
    options.warnings.dropped("messages.content.thinking", "a thinking signature that this gateway did not seal (or that was altered) was not sent");
    return;
  }
  // Anthropic's own: only an Anthropic upstream can check the signature, other adapters drop it.
  thinkingBlocks.push(thinking === undefined ? { type: "redacted_thinking", data: sealed } : { type: "thinking", thinking, signature: sealed });
}
