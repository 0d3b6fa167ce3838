/**
 * The pass-through replay case shared by the per-door suites: a recording served by the provider
 * that speaks the door's protocol must reach the client byte for byte (a Chat stream loses only
 * the usage-only chunk the client did not ask for), the client's body must reach the provider
 * unchanged but for the usage request of a Chat stream, and the log row must carry the
 * recording's usage.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSseData, splitSseEvents, type RecordedProtocol, type Recording } from "./recorded-fixtures";
import { messagesFacts, responsesFacts, usageTotalsOfChat, type UsageTotals } from "./recorded-upstream-doors";
import { startRecordedGateway, type RecordedGateway, type RecordedProviderCode } from "./recorded-upstream-gateway";

/** A door, the provider that speaks its protocol, and a model of that provider. */
export interface PassThroughDoor {
  path: string;
  provider: RecordedProviderCode;
  model: string;
}

/** The doors and the provider each passes through to. */
export const passThroughDoors: Record<"chat/openai" | "chat/deepseek" | "messages" | "responses", PassThroughDoor> = {
  "chat/openai": { path: "/v1/chat/completions", provider: "openai", model: "gpt-4o-mini" },
  "chat/deepseek": { path: "/v1/chat/completions", provider: "deepseek", model: "deepseek-reasoner" },
  // Claude Code adds ?beta=true; the door routes on the path alone.
  messages: { path: "/v1/messages?beta=true", provider: "anthropic", model: "claude-haiku-4-5" },
  responses: { path: "/v1/responses", provider: "openai", model: "gpt-5-mini" },
};

/** One replay: a recording through a door of its own protocol. */
export interface PassThroughRow {
  door: keyof typeof passThroughDoors;
  file: string;
  /** Chat streams: whether the client asks for the usage chunk. */
  includeUsage?: boolean;
  /** Serve the recording in pieces of this many bytes (cutting events and characters). */
  pieceBytes?: number;
}

/** The body a client of each protocol sends (stream flag and usage request per row). */
function clientBody(protocol: RecordedProtocol, model: string, recording: Recording, includeUsage: boolean | undefined): Record<string, unknown> {
  const stream = recording.stream ? { stream: true } : {};
  if (protocol === "messages") return { model, max_tokens: 1024, messages: [{ role: "user", content: "Replay the recording" }], ...stream, metadata: { user_id: "recorded" } };
  if (protocol === "responses") return { model, input: "Replay the recording", store: false, ...stream, client_metadata: { unknown: "fields pass" } };
  return { model, messages: [{ role: "user", content: "Replay the recording" }], ...stream, ...(includeUsage ? { stream_options: { include_usage: true } } : {}), x_unknown_extension: { kept: true } };
}

/** The bytes the client must receive: the recording, less the usage-only chunk it did not ask for. */
function expectedBytes(recording: Recording, includeUsage: boolean | undefined): string {
  if (recording.protocol !== "chat" || !recording.stream || includeUsage) return recording.body;
  return splitSseEvents(recording.body)
    .filter((event) => {
      const [payload] = event.startsWith("data: {") ? parseSseData(event) : [undefined];
      return !(payload?.usage && (payload.choices ?? []).length === 0);
    })
    .join("");
}

/** The usage the log row must carry, read off the recording. */
function recordedUsage(recording: Recording): UsageTotals | undefined {
  if (recording.protocol === "messages") return messagesFacts(recording.stream ? { stream: true, body: recording.body } : { stream: false, json: recording.json }).usage;
  if (recording.protocol === "responses") return responsesFacts(recording.stream ? { stream: true, body: recording.body } : { stream: false, json: recording.json }).usage;
  return usageTotalsOfChat(recording.stream ? parseSseData(recording.body).find((chunk) => chunk.usage)?.usage : recording.json.usage);
}

/** The name a table row's test gets. */
export function passThroughCaseName(row: PassThroughRow): string {
  const usage = row.includeUsage === undefined ? "" : row.includeUsage ? " with include_usage" : " without include_usage";
  return `${row.door}: ${row.file}${usage}${row.pieceBytes ? ` in ${row.pieceBytes}-byte pieces` : ""}`;
}

/** Replays one recording through its door and checks bytes, the forwarded body and the log row. */
export async function checkPassThrough(r: RecordedGateway, clientKey: string, clientName: string, row: PassThroughRow): Promise<void> {
  const door = passThroughDoors[row.door]!;
  const recording = r.replay(door.provider, row.file, row.pieceBytes ? { pieceBytes: row.pieceBytes } : {});
  const protocol = recording.protocol;
  // Indented, with fields the gateway does not know: the forwarded text must keep both.
  const bodyText = JSON.stringify(clientBody(protocol, door.model, recording, row.includeUsage), null, 2);
  const headers: Record<string, string> =
    protocol === "messages"
      ? { "x-api-key": clientKey, "anthropic-version": "2023-06-01", "anthropic-beta": "interleaved-thinking-2025-05-14,recorded-beta-2099-01-01" }
      : { authorization: `Bearer ${clientKey}` };
  const logRowsBefore = (await r.gateway.logRows()).length;

  const response = await r.gateway.app.request(door.path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: bodyText });
  const received = Buffer.from(await response.arrayBuffer());
  expect(response.status, received.toString("utf8")).toBe(recording.status);
  expect(response.headers.get("content-type")).toMatch(recording.stream ? /^text\/event-stream/ : /^application\/json/);
  // Byte for byte (compared as text first for a readable diff).
  expect(received.toString("utf8")).toBe(expectedBytes(recording, row.includeUsage));
  expect(received.equals(Buffer.from(expectedBytes(recording, row.includeUsage), "utf8"))).toBe(true);

  const upstreamRequest = r.upstream.requests.at(-1)!;
  expect(upstreamRequest.servedFile).toBe(row.file);
  if (protocol === "chat" && recording.stream) {
    // The only change: the gateway asks for usage.
    expect(upstreamRequest.body).toEqual({ ...JSON.parse(bodyText), stream_options: { include_usage: true } });
  } else {
    expect(upstreamRequest.rawBody).toBe(bodyText);
  }
  if (protocol === "messages") {
    expect(upstreamRequest.headers).toMatchObject({ "anthropic-version": headers["anthropic-version"], "anthropic-beta": headers["anthropic-beta"] });
  }

  const usage = recordedUsage(recording)!;
  const logRows = await r.gateway.logRows();
  expect(logRows).toHaveLength(logRowsBefore + 1);
  expect(logRows.at(-1)).toMatchObject({
    status: "success",
    client_name: clientName,
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
    tokens_estimated: 0,
    is_stream: recording.stream ? 1 : 0,
  });
}

/**
 * One suite of replays through a gateway over the replay server: each row is a case, all sent
 * with one client key named `recorded-pass-through`.
 */
export function describePassThroughReplays(title: string, rows: readonly PassThroughRow[]): void {
  const clientName = "recorded-pass-through";
  describe(title, () => {
    let r: RecordedGateway;
    let clientKey: string;
    beforeAll(async () => {
      r = await startRecordedGateway();
      clientKey = await r.gateway.addClient({ name: clientName });
    });
    afterAll(async () => {
      await r?.close();
    });

    it.each(rows.map((row) => [passThroughCaseName(row), row]))("%s", (_name, row) => checkPassThrough(r, clientKey, clientName, row));
  });
}
