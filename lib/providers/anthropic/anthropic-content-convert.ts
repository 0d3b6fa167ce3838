/**
 * OpenAI content parts -> Anthropic content blocks (https://docs.anthropic.com/en/api/messages):
 * text, images (`data:` URIs as base64 sources, http(s) URLs as url sources) and inline PDFs, each
 * keeping the `cache_control` breakpoint the canonical request put on it.
 */
import type {
  Base64ImageSource,
  CacheControlEphemeral,
  ContentBlockParam,
  TextBlockParam,
} from "@anthropic-ai/sdk/resources/messages";
import type { ChatCompletionContentPart } from "openai/resources/chat/completions";
import { dropped, type CacheControl, type TranslationWarning } from "../provider-spec";

/** The fields of OpenAI content parts that carry text, plus a canonical breakpoint. */
export interface TextLikePart {
  type: string;
  text?: string;
  refusal?: string;
  cache_control?: CacheControl;
}

/** Something that may carry a canonical `cache_control` (a message, a part, a tool). */
export interface CacheHinted {
  cache_control?: CacheControl | null;
}

const supportedImageTypes: ReadonlySet<string> = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);

/** Anthropic's form of a canonical breakpoint: the same object (`type` and `ttl`), unchanged. */
export function cacheControlOf(value: unknown): CacheControlEphemeral | undefined {
  const hint = (value as CacheHinted | null | undefined)?.cache_control;
  return hint && typeof hint === "object" ? (hint as CacheControlEphemeral) : undefined;
}

/** Puts a breakpoint on the last block (a message-level `cache_control` marks the end of the message). */
export function markLastBlock(blocks: ContentBlockParam[], cacheControl: CacheControlEphemeral | undefined): void {
  const last = blocks[blocks.length - 1];
  if (cacheControl && last && last.type !== "thinking" && last.type !== "redacted_thinking") {
    (last as { cache_control?: CacheControlEphemeral }).cache_control = cacheControl;
  }
}

/** Text of a string or of the text (and refusal) parts of a content array, parts joined by newlines. */
export function textOf(content: string | readonly TextLikePart[] | null | undefined): string {
  if (typeof content === "string") return content;
  if (!content) return "";
  return content
    .map((part) => (part.type === "text" ? (part.text ?? "") : part.type === "refusal" ? (part.refusal ?? "") : ""))
    .filter((text) => text !== "")
    .join("\n");
}

/**
 * Text blocks of a string or of text parts. Parts become one block each when one of them has a
 * breakpoint (so it stays on the text it was put on); otherwise their text is joined into one.
 */
export function textBlocks(content: string | readonly TextLikePart[] | null | undefined): TextBlockParam[] {
  if (Array.isArray(content) && content.some((part) => cacheControlOf(part))) {
    const blocks: TextBlockParam[] = [];
    for (const part of content) {
      const text = part.type === "text" ? (part.text ?? "") : part.type === "refusal" ? (part.refusal ?? "") : "";
      if (text === "") continue;
      const cacheControl = cacheControlOf(part);
      blocks.push({ type: "text", text, ...(cacheControl ? { cache_control: cacheControl } : {}) });
    }
    return blocks;
  }
  const text = textOf(content as string | readonly TextLikePart[] | null | undefined);
  return text === "" ? [] : [{ type: "text", text }];
}

/** Blocks of a user message's content. */
export function userBlocks(content: string | ChatCompletionContentPart[], warnings: TranslationWarning[]): ContentBlockParam[] {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  const blocks: ContentBlockParam[] = [];
  for (const part of content) {
    let block: ContentBlockParam | undefined;
    if (part.type === "text") {
      // Anthropic rejects empty text blocks.
      if (part.text !== "") block = { type: "text", text: part.text };
    } else if (part.type === "image_url") {
      block = imageBlock(part.image_url.url, warnings);
    } else if (part.type === "file") {
      block = documentBlock(part.file.file_data, warnings);
    } else {
      warnings.push(dropped("messages.content", `content parts of type "${part.type}" are not supported by Anthropic and were dropped`));
    }
    if (!block) continue;
    const cacheControl = cacheControlOf(part);
    if (cacheControl) (block as { cache_control?: CacheControlEphemeral }).cache_control = cacheControl;
    blocks.push(block);
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
