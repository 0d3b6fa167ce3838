/**
 * Pass-through, Responses door on OpenAI: each recorded response reaches the client byte for byte, the
 * client's body reaches the provider as sent, and the log row carries the recording's usage.
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import { startRecordedGateway, type RecordedGateway } from "../support/recorded-upstream-gateway";
import { checkPassThrough, passThroughCaseName, type PassThroughRow } from "../support/recorded-upstream-pass-through";

const CLIENT_NAME = "recorded-pass-through";

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

describe("pass-through replays: Responses door on OpenAI", () => {
  let r: RecordedGateway;
  let clientKey: string;
  beforeAll(async () => {
    r = await startRecordedGateway();
    clientKey = await r.gateway.addClient({ name: CLIENT_NAME });
  });
  afterAll(async () => {
    await r?.close();
  });

  it.each(rows.map((row) => [passThroughCaseName(row), row]))("%s", (_name, row) => checkPassThrough(r, clientKey, CLIENT_NAME, row));
});
