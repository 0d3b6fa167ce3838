/**
 * A recorded stream whose connection dies after content, through the door of its own protocol:
 * the client receives the recorded events it was sent, byte for byte, and then the door's own
 * in-band failure (Chat `data: {"error"}`, Anthropic `event: error`, Responses `error` then
 * `response.failed` numbered after the last recorded event), never a clean end.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSseData, sseEventNames } from "../support/recorded-fixtures";
import { startRecordedGateway, type RecordedGateway, type RecordedProviderCode } from "../support/recorded-upstream-gateway";

/** One recording cut after `events` events, and what its door must end it with. */
interface Row {
  path: string;
  provider: RecordedProviderCode;
  body: Record<string, unknown>;
  file: string;
  events: number;
  /** The event names the door appends (undefined for Chat's unnamed events). */
  ending: Array<string | undefined>;
}

const rows: Row[] = [
  {
    path: "/v1/chat/completions",
    provider: "openai",
    body: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Replay" }], stream: true, stream_options: { include_usage: true } },
    file: "chat/openai-text-stream.sse",
    events: 5,
    ending: [undefined],
  },
  {
    path: "/v1/messages",
    provider: "anthropic",
    body: { model: "claude-haiku-4-5", max_tokens: 1024, messages: [{ role: "user", content: "Replay" }], stream: true },
    file: "messages/anthropic-text.chunks.txt",
    events: 5,
    ending: ["error"],
  },
  {
    path: "/v1/responses",
    provider: "openai",
    body: { model: "gpt-5-mini", input: "Replay", store: false, stream: true },
    file: "responses/responses-text.chunks.txt",
    events: 5,
    ending: ["error", "response.failed"],
  },
];

describe("recorded streams cut after content", () => {
  let r: RecordedGateway;
  beforeAll(async () => {
    r = await startRecordedGateway();
  });
  afterAll(async () => {
    await r?.close();
  });

  it.each(rows.map((row) => [row.file, row]))("%s ends with the door's in-band failure", async (_file, row) => {
    const recording = r.replay(row.provider, row.file, { cutAfterEvents: row.events });
    const response = await r.post(row.path, row.body);
    expect(response.status).toBe(200);
    const body = await response.text();
    const sent = recording.events.slice(0, row.events).join("");
    expect(body.startsWith(sent)).toBe(true);
    const appended = body.slice(sent.length);
    expect(sseEventNames(appended)).toEqual(row.ending);
    expect(appended).not.toContain("[DONE]");
    const failure = parseSseData(appended);
    if (row.path === "/v1/chat/completions") expect(failure[0].error).toMatchObject({ message: expect.any(String) });
    if (row.path === "/v1/messages") expect(failure[0]).toMatchObject({ type: "error", error: { type: expect.any(String) } });
    if (row.path === "/v1/responses") {
      // Numbered on from the last recorded event.
      expect(failure.map((event) => event.sequence_number)).toEqual([row.events, row.events + 1]);
      expect(failure[1].response).toMatchObject({ status: "failed" });
    }
    const logRow = (await r.gateway.logRows()).at(-1);
    expect(logRow).toMatchObject({ status: "error", is_stream: 1 });
  });
});
