/**
 * OpenAI messages -> Anthropic `system` + `messages` (https://docs.anthropic.com/en/api/messages):
 * system and developer messages become the top-level system prompt, assistant `tool_calls`
 * become `tool_use` blocks, tool messages become `tool_result` blocks in a user turn, images
 * become `image` blocks, and consecutive turns of one role are merged into one.
 */
import type {
  Base64ImageSource,
  ContentBlockParam,
  MessageParam,
  ToolResultBlockParam,
} from "@anthropic-ai/sdk/resources/messages";
import type {
  ChatCompletionContentPart,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
} from "openai/resources/chat/completions";
import { adjusted, dropped, type TranslationWarning } from "../provider-spec";

/** The converted conversation. */
export interface AnthropicConversation {
  /** Joined system and developer messages; absent when there were none. */
  system?: string;
  messages: MessageParam[];
}

const supportedImageTypes: ReadonlySet<string> = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);

/**
 * Converts an OpenAI message list.
 *
 * @param warnings receives one line per dropped or adjusted part
 */
export function toAnthropicConversation(messages: ChatCompletionMessageParam[], warnings: TranslationWarning[]): AnthropicConversation {
  const systemParts: string[] = [];
  const turns: { role: "user" | "assistant"; blocks: ContentBlockParam[] }[] = [];
  const addBlocks = (role: "user" | "assistant", blocks: ContentBlockParam[]) => {
    const previous = turns[turns.length - 1];
    if (previous?.role === role) previous.blocks.push(...blocks);
    else turns.push({ role, blocks });
  };

  for (const message of messages) {
    switch (message.role) {
      case "system":
      case "developer": {
        const text = textOf(message.content);
        if (text) systemParts.push(text);
        break;
      }
      case "user": {
        const blocks = userBlocks(message.content, warnings);
        if (blocks.length > 0) addBlocks("user", blocks);
        else warnings.push(dropped("messages", "an empty user message was dropped"));
        break;
      }
      case "assistant": {
        const blocks = assistantBlocks(message, warnings);
        if (blocks.length > 0) addBlocks("assistant", blocks);
        else warnings.push(dropped("messages", "an empty assistant message was dropped"));
        break;
      }
      case "tool":
        addBlocks("user", [toolResultBlock(message.tool_call_id, message.content)]);
        break;
      default:
        warnings.push(dropped("messages", `messages with role "${message.role}" are not supported by Anthropic and were dropped`));
    }
  }

  return {
    ...(systemParts.length > 0 ? { system: systemParts.join("\n\n") } : {}),
    messages: turns.map(({ role, blocks }) => ({ role, content: simplify(blocks) })),
  };
}

/** A lone text block is sent as a plain string, the way people write Anthropic requests. */
function simplify(blocks: ContentBlockParam[]): string | ContentBlockParam[] {
  const [first] = blocks;
  return blocks.length === 1 && first.type === "text" ? first.text : blocks;
}

/** The fields of OpenAI content parts that carry text. */
interface TextLikePart {
  type: string;
  text?: string;
  refusal?: string;
}

/** Text of a string or of the text (and refusal) parts of a content array. */
function textOf(content: string | readonly TextLikePart[] | null | undefined): string {
  if (typeof content === "string") return content;
  if (!content) return "";
  return content
    .map((part) => (part.type === "text" ? (part.text ?? "") : part.type === "refusal" ? (part.refusal ?? "") : ""))
    .filter((text) => text !== "")
    .join("\n");
}

function userBlocks(content: string | ChatCompletionContentPart[], warnings: TranslationWarning[]): ContentBlockParam[] {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  const blocks: ContentBlockParam[] = [];
  for (const part of content) {
    if (part.type === "text") {
      // Anthropic rejects empty text blocks.
      if (part.text !== "") blocks.push({ type: "text", text: part.text });
    } else if (part.type === "image_url") {
      const image = imageBlock(part.image_url.url, warnings);
      if (image) blocks.push(image);
    } else if (part.type === "file") {
      const document = documentBlock(part.file.file_data, warnings);
      if (document) blocks.push(document);
    } else {
      warnings.push(dropped("messages.content", `content parts of type "${part.type}" are not supported by Anthropic and were dropped`));
    }
  }
  return blocks;
}

/** `data:` URIs become base64 sources, http(s) URLs become url sources. */
function imageBlock(url: string, warnings: TranslationWarning[]): ContentBlockParam | undefined {
  if (/^https?:\/\//i.test(url)) return { type: "image", source: { type: "url", url } };
  const dataUri = parseDataUri(url);
  if (dataUri && supportedImageTypes.has(dataUri.mediaType)) {
    return {
      type: "image",
      source: { type: "base64", media_type: dataUri.mediaType as Base64ImageSource["media_type"], data: dataUri.data },
    };
  }
  warnings.push(dropped("messages.content", "an image that is neither an http(s) URL nor a base64 JPEG, PNG, GIF or WebP data URI was dropped"));
  return undefined;
}

function documentBlock(fileData: string | undefined, warnings: TranslationWarning[]): ContentBlockParam | undefined {
  const dataUri = fileData ? parseDataUri(fileData) : undefined;
  if (dataUri?.mediaType === "application/pdf") {
    return { type: "document", source: { type: "base64", media_type: "application/pdf", data: dataUri.data } };
  }
  warnings.push(dropped("messages.content", "a file part that is not an inline base64 PDF was dropped"));
  return undefined;
}

function parseDataUri(uri: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]+)((?:;[^;,]+)*);base64,(.*)$/is.exec(uri);
  return match ? { mediaType: match[1].toLowerCase(), data: match[3] } : undefined;
}

function assistantBlocks(
  message: Extract<ChatCompletionMessageParam, { role: "assistant" }>,
  warnings: TranslationWarning[],
): ContentBlockParam[] {
  const blocks: ContentBlockParam[] = [];
  const text = textOf(message.content);
  if (text) blocks.push({ type: "text", text });
  for (const toolCall of message.tool_calls ?? []) {
    const block = toolUseBlock(toolCall, warnings);
    if (block) blocks.push(block);
  }
  return blocks;
}

function toolUseBlock(toolCall: ChatCompletionMessageToolCall, warnings: TranslationWarning[]): ContentBlockParam | undefined {
  if (toolCall.type !== "function") {
    warnings.push(dropped("messages.tool_calls", `tool calls of type "${toolCall.type}" are not supported by Anthropic and were dropped`));
    return undefined;
  }
  return { type: "tool_use", id: toolCall.id, name: toolCall.function.name, input: parseArguments(toolCall.function.arguments, warnings) };
}

/** Anthropic wants the input as an object; OpenAI carries it as a JSON string. */
function parseArguments(argumentsJson: string, warnings: TranslationWarning[]): Record<string, unknown> {
  if (argumentsJson.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(argumentsJson);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  warnings.push(adjusted("messages.tool_calls", "tool call arguments that are not a JSON object were sent as {}"));
  return {};
}

function toolResultBlock(toolCallId: string, content: string | readonly TextLikePart[]): ToolResultBlockParam {
  return { type: "tool_result", tool_use_id: toolCallId, content: textOf(content) };
}
