/**
 * Responses input items -> canonical chat messages, for upstreams that do not speak Responses:
 * - `instructions` become the first system message; `developer` messages stay `developer`;
 * - user parts: `input_text` -> text, `input_image` -> image_url (URL or data URL), `input_file`
 *   with `file_data` -> a file part; OpenAI file ids and file URLs mean nothing elsewhere -> 400;
 * - assistant text and the `function_call` items after it become one assistant message;
 * - `function_call_output` -> a `tool` message (images in it follow as a user message);
 * - `reasoning` items whose `encrypted_content` is a carrier this gateway sealed go back to the
 *   provider format that produced them (DeepSeek reasoning text, Anthropic signed thinking) on
 *   the next assistant message; any other reasoning (OpenAI's own) cannot be read and is dropped.
 * `item_reference`s are resolved before this runs (response-expansion.ts).
 */
import type { ChatCompletionContentPart, ChatCompletionMessageParam, ChatCompletionMessageToolCall } from "openai/resources/chat/completions";
import { ValidationError } from "../../errors";
import type { ReasoningCarrier } from "../../gateway/reasoning-carrier";
import { dropped, emulated, type CanonicalAssistantExtensions, type ProviderFormat, type ThinkingBlock, type TranslationWarning } from "../../providers/provider-spec";
import { flatToolName } from "./responses-ids";
import type { ResponsesInputItem } from "./responses-schemas";

/** Where the converted conversation goes: reasoning is only restored for its own provider. */
export interface InputTarget {
  format: ProviderFormat;
  /** The upstream model code (Anthropic signatures are bound to the model). */
  model: string;
}

type AssistantMessage = Extract<ChatCompletionMessageParam, { role: "assistant" }> & CanonicalAssistantExtensions;
type Part = Record<string, any>;

const HOSTED_REPLAYS = /^(web_search_call|file_search_call|computer_call|computer_call_output|code_interpreter_call|image_generation_call|local_shell_call|local_shell_call_output|shell_call|shell_call_output|apply_patch_call|apply_patch_call_output|mcp_\w+|tool_search_call|tool_search_output|additional_tools|program|program_output)$/;

const invalid = (field: string, message: string) => new ValidationError(`Invalid body: ${field}: ${message}`, [{ field, message }]);

/** The type of an input item, typeless ones included. */
export function itemTypeOf(item: ResponsesInputItem): string {
  return item.type ?? (item.role ? "message" : "item_reference");
}

/** Converts the whole input; throws a 400 {@link ValidationError} for what cannot be carried. */
export function toCanonicalMessages(
  instructions: string | null | undefined,
  items: readonly ResponsesInputItem[],
  carrier: ReasoningCarrier,
  target: InputTarget,
  warnings: TranslationWarning[],
): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [];
  if (instructions) messages.push({ role: "system", content: instructions });
  /** The assistant message later text and calls merge into; closed by any other role. */
  let open: AssistantMessage | undefined;
  let reasoning: { text: string[]; blocks: ThinkingBlock[] } = { text: [], blocks: [] };
  let toolImages: ChatCompletionContentPart[] = [];

  const flushToolImages = () => {
    if (toolImages.length === 0) return;
    messages.push({ role: "user", content: toolImages });
    toolImages = [];
  };
  const assistant = (): AssistantMessage => {
    if (!open) {
      flushToolImages();
      open = { role: "assistant", content: null };
      messages.push(open);
    }
    if (reasoning.text.length > 0) open.reasoning_content = [open.reasoning_content ?? "", ...reasoning.text].join("");
    if (reasoning.blocks.length > 0) open.thinking_blocks = [...(open.thinking_blocks ?? []), ...reasoning.blocks];
    reasoning = { text: [], blocks: [] };
    return open;
  };
  const addToolCall = (call: ChatCompletionMessageToolCall) => {
    const message = assistant();
    message.tool_calls = [...(message.tool_calls ?? []), call];
  };

  items.forEach((item, index) => {
    const at = `input[${index}]`;
    const type = itemTypeOf(item);
    if (type !== "function_call_output" && type !== "custom_tool_call_output") flushToolImages();
    switch (type) {
      case "message": {
        if (item.role === "assistant") {
          const text = assistantText(item.content, at);
          // Text after tool calls is a new turn; text after text continues the same message.
          if (open?.tool_calls?.length) open = undefined;
          const message = assistant();
          if (text) message.content = typeof message.content === "string" ? `${message.content}${text}` : text;
          if (item.phase !== undefined) warnings.push(dropped(`${at}.phase`, "the assistant message phase has no equivalent outside OpenAI and was dropped"));
        } else {
          open = undefined;
          messages.push(inputMessage(item, at));
        }
        break;
      }
      case "function_call": {
        const argumentsJson = typeof item.arguments === "string" && item.arguments.trim() !== "" ? item.arguments : "{}";
        addToolCall({ id: item.call_id!, type: "function", function: { name: flatToolName(item.name!, item.namespace as string | undefined), arguments: argumentsJson } });
        break;
      }
      case "custom_tool_call": {
        const input = typeof item.input === "string" ? item.input : "";
        addToolCall({ id: item.call_id!, type: "function", function: { name: flatToolName(item.name!, item.namespace as string | undefined), arguments: JSON.stringify({ input }) } });
        warnings.push(emulated(`${at}`, "a custom tool call was sent as a function call with one string argument, input"));
        break;
      }
      case "function_call_output":
      case "custom_tool_call_output": {
        open = undefined;
        const { text, images } = toolOutput(item.output, `${at}.output`);
        messages.push({ role: "tool", tool_call_id: item.call_id!, content: text });
        toolImages.push(...images);
        break;
      }
      case "reasoning": {
        const opened = carrier.open(item.encrypted_content);
        if (!opened) {
          warnings.push(dropped(`${at}`, "a reasoning item without this gateway's encrypted_content (e.g. OpenAI's own) cannot be sent to this provider and was dropped"));
        } else if (opened.format !== target.format) {
          warnings.push(dropped(`${at}`, `reasoning produced by a ${opened.format} model is not sent to a ${target.format} model`));
        } else if (opened.kind === "deepseek_reasoning") {
          reasoning.text.push(opened.text);
        } else if (opened.model !== target.model) {
          warnings.push(dropped(`${at}`, `signed thinking from ${opened.model} is not valid for ${target.model} and was dropped`));
        } else if (opened.kind === "anthropic_thinking") {
          reasoning.blocks.push({ type: "thinking", thinking: opened.thinking, signature: opened.signature });
        } else {
          reasoning.blocks.push({ type: "redacted_thinking", data: opened.data });
        }
        break;
      }
      case "item_reference":
        throw invalid(at, "item_reference was not resolved");
      case "compaction":
      case "compaction_trigger":
        throw invalid(`${at}.type`, `${type} items are only understood by OpenAI models; name the Codex provider something other than "OpenAI" so that it compacts locally`);
      default:
        if (HOSTED_REPLAYS.test(type)) {
          warnings.push(dropped(`${at}`, `${type} items belong to OpenAI's hosted tools and were dropped`));
          break;
        }
        throw invalid(`${at}.type`, `unknown input item type "${type}"`);
    }
  });
  flushToolImages();
  if (reasoning.text.length > 0 || reasoning.blocks.length > 0) {
    warnings.push(dropped("input", "reasoning at the end of the input, with no assistant item after it, was dropped"));
  }
  return messages;
}

/** A user, system or developer message. */
function inputMessage(item: ResponsesInputItem, at: string): ChatCompletionMessageParam {
  const role = item.role as "user" | "system" | "developer";
  if (typeof item.content === "string") return { role, content: item.content } as ChatCompletionMessageParam;
  const parts = (item.content ?? []).map((part, partIndex) => contentPart(part as Part, `${at}.content[${partIndex}]`));
  if (role === "user") return { role, content: parts };
  const text = parts.map((part) => (part.type === "text" ? part.text : null));
  if (text.some((piece) => piece === null)) throw invalid(`${at}.content`, `a ${role} message may only hold text`);
  return { role, content: text.join("\n") } as ChatCompletionMessageParam;
}

/** One user content part. */
function contentPart(part: Part, at: string): ChatCompletionContentPart {
  switch (part.type) {
    case "input_text":
    case "output_text":
      if (typeof part.text !== "string") throw invalid(`${at}.text`, "text is required");
      return { type: "text", text: part.text };
    case "input_image": {
      if (part.file_id) throw invalid(`${at}.file_id`, "OpenAI file ids cannot be sent to this provider; send image_url (https or a data URL)");
      if (typeof part.image_url !== "string" || part.image_url === "") throw invalid(`${at}.image_url`, "image_url is required");
      const detail = part.detail === "low" || part.detail === "high" ? part.detail : "auto";
      return { type: "image_url", image_url: { url: part.image_url, detail } };
    }
    case "input_file": {
      if (part.file_id) throw invalid(`${at}.file_id`, "OpenAI file ids cannot be sent to this provider; send file_data");
      if (typeof part.file_data !== "string" || part.file_data === "") {
        throw invalid(`${at}.${part.file_url ? "file_url" : "file_data"}`, "only inline file_data can be sent to this provider");
      }
      return { type: "file", file: { file_data: part.file_data, ...(part.filename ? { filename: part.filename } : {}) } };
    }
    default:
      throw invalid(`${at}.type`, `content parts of type "${part.type}" are not supported here`);
  }
}

/** The text of an assistant message item (`output_text` and `refusal` parts, or a string). */
function assistantText(content: ResponsesInputItem["content"], at: string): string {
  if (typeof content === "string") return content;
  return (content ?? [])
    .map((part: Part, partIndex) => {
      if (part.type === "output_text" || part.type === "input_text") return String(part.text ?? "");
      if (part.type === "refusal") return String(part.refusal ?? "");
      throw invalid(`${at}.content[${partIndex}].type`, `assistant content parts of type "${part.type}" are not supported`);
    })
    .join("");
}

/** A tool output: its text, and its images (sent in a user message after the tool results). */
function toolOutput(output: unknown, at: string): { text: string; images: ChatCompletionContentPart[] } {
  if (typeof output === "string") return { text: output, images: [] };
  if (!Array.isArray(output)) throw invalid(at, "output must be a string or an array of content parts");
  const texts: string[] = [];
  const images: ChatCompletionContentPart[] = [];
  output.forEach((part: Part, partIndex) => {
    const converted = contentPart(part, `${at}[${partIndex}]`);
    if (converted.type === "text") texts.push(converted.text);
    else images.push(converted);
  });
  return { text: texts.join("\n"), images };
}
