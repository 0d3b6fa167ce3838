/**
 * Pass-through, Responses door on OpenAI: each recorded response reaches the client byte for byte, the
 * client's body reaches the provider as sent, and the log row carries the recording's usage.
 */
import { describePassThroughReplays, type PassThroughRow } from "../support/recorded-upstream-pass-through";

const rows: PassThroughRow[] = [
  "responses/responses-text.chunks.txt",
  "responses/responses-text.json",
  "responses/responses-function-call.chunks.txt",
  "responses/responses-function-call.json",
  "responses/responses-reasoning-encrypted.chunks.txt",
  "responses/responses-reasoning-encrypted.json",
].map((file): PassThroughRow => ({ door: "responses", file }));
// The network may cut anywhere, inside an event or a line.
rows.push({ door: "responses", file: "responses/responses-function-call.chunks.txt", pieceBytes: 6 });

describePassThroughReplays("pass-through replays: Responses door on OpenAI", rows);
