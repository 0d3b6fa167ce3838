/**
 * Pass-through, Chat door on OpenAI and DeepSeek: each recorded response reaches the client byte for byte, the
 * client's body reaches the provider as sent, and the log row carries the recording's usage.
 */
import { describePassThroughReplays, type PassThroughRow } from "../support/recorded-upstream-pass-through";

const chatStreams = ["chat/openai-text-stream.sse", "chat/openai-parallel-tool-calls-stream.sse", "chat/openai-max-tokens-stream.sse", "chat/openai-refusal-stream.sse", "chat/openai-structured-output-stream.sse"];
const deepseekStreams = ["chat/deepseek-reasoning.chunks.txt", "chat/deepseek-tool-call.chunks.txt"];
const withAndWithoutUsage = (door: "chat/openai" | "chat/deepseek", file: string): PassThroughRow[] => [true, false].map((includeUsage) => ({ door, file, includeUsage }));

const rows: PassThroughRow[] = [
  ...chatStreams.flatMap((file) => withAndWithoutUsage("chat/openai", file)),
  { door: "chat/openai", file: "chat/openai-text.json" },
  ...deepseekStreams.flatMap((file) => withAndWithoutUsage("chat/deepseek", file)),
  { door: "chat/deepseek", file: "chat/deepseek-reasoning.json" },
  { door: "chat/deepseek", file: "chat/deepseek-tool-call.json" },
  // The network may cut anywhere, inside an event or a line.
  { door: "chat/openai", file: "chat/openai-parallel-tool-calls-stream.sse", includeUsage: false, pieceBytes: 7 },
  { door: "chat/deepseek", file: "chat/deepseek-tool-call.chunks.txt", includeUsage: true, pieceBytes: 5 },
  { door: "chat/openai", file: "chat/openai-text.json", pieceBytes: 11 },
];

describePassThroughReplays("pass-through replays: Chat door on OpenAI and DeepSeek", rows);
