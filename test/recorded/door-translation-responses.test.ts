/**
 * Translation, Responses door on DeepSeek and Anthropic models: each recorded response reaches the client in the door's
 * protocol with the recording's text, reasoning, tool calls, mapped stop and usage.
 */
import { describeTranslationReplays, type TranslationRow } from "../support/recorded-upstream-translation";

const deepseek = { door: "responses", provider: "deepseek", model: "deepseek-reasoner" } as const;
const anthropic = { door: "responses", provider: "anthropic", model: "claude-haiku-4-5" } as const;

const rows: TranslationRow[] = [
  ...["chat/deepseek-reasoning.chunks.txt", "chat/deepseek-reasoning.json", "chat/deepseek-tool-call.chunks.txt", "chat/deepseek-tool-call.json"].map((file) => ({ ...deepseek, file })),
  ...[
    "messages/anthropic-text.chunks.txt",
    "messages/anthropic-text.json",
    "messages/anthropic-tool-use-raw-stream.sse",
    "messages/anthropic-tool-no-args.json",
    "messages/anthropic-tool-no-args.chunks.txt",
    "messages/anthropic-thinking.chunks.txt",
    "messages/anthropic-thinking.json",
    "messages/anthropic-prompt-cache.chunks.txt",
  ].map((file) => ({ ...anthropic, file })),
];

describeTranslationReplays("translation replays: Responses door on DeepSeek and Anthropic models", rows);
