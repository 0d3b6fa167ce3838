/**
 * Translation, Messages door on DeepSeek and OpenAI Chat models: each recorded response reaches the client in the door's
 * protocol with the recording's text, reasoning, tool calls, mapped stop and usage.
 */
import { describeTranslationReplays, type TranslationRow } from "../support/recorded-upstream-translation";

const deepseek = { door: "messages", provider: "deepseek", model: "deepseek-reasoner" } as const;
const openai = { door: "messages", provider: "openai", model: "gpt-4o-mini" } as const;

const rows: TranslationRow[] = [
  ...["chat/deepseek-reasoning.chunks.txt", "chat/deepseek-reasoning.json", "chat/deepseek-tool-call.chunks.txt", "chat/deepseek-tool-call.json"].map((file) => ({ ...deepseek, file })),
  ...[
    "chat/openai-text-stream.sse",
    "chat/openai-parallel-tool-calls-stream.sse",
    "chat/openai-max-tokens-stream.sse",
    "chat/openai-refusal-stream.sse",
    "chat/openai-structured-output-stream.sse",
    "chat/openai-text.json",
  ].map((file) => ({ ...openai, file })),
];

describeTranslationReplays("translation replays: Messages door on DeepSeek and OpenAI Chat models", rows);
