/**
 * Pass-through, Messages door on Anthropic: each recorded response reaches the client byte for byte, the
 * client's body reaches the provider as sent, and the log row carries the recording's usage.
 */
import { describePassThroughReplays, type PassThroughRow } from "../support/recorded-upstream-pass-through";

const rows: PassThroughRow[] = [
  "messages/anthropic-text.chunks.txt",
  "messages/anthropic-text.json",
  "messages/anthropic-text-raw-stream.sse",
  "messages/anthropic-tool-use-raw-stream.sse",
  "messages/anthropic-tool-no-args.chunks.txt",
  "messages/anthropic-tool-no-args.json",
  "messages/anthropic-thinking.chunks.txt",
  "messages/anthropic-thinking.json",
  "messages/anthropic-structured-output.json",
  "messages/anthropic-prompt-cache.chunks.txt",
  "messages/anthropic-delta-input-tokens.chunks.txt",
].map((file): PassThroughRow => ({ door: "messages", file }));
// The network may cut anywhere: five-byte pieces split one two-byte "÷" of the thinking text.
rows.push({ door: "messages", file: "messages/anthropic-thinking.chunks.txt", pieceBytes: 5 }, { door: "messages", file: "messages/anthropic-text-raw-stream.sse", pieceBytes: 4 });

describePassThroughReplays("pass-through replays: Messages door on Anthropic", rows);
