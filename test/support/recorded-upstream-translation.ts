/**
 * The translation replay case shared by the per-door suites: a recorded provider response of one
 * protocol, answered through a door of another, must reach the client with the recording's text,
 * reasoning (signed, or carried as encrypted_content), tool calls (names, arguments, ids the
 * door's protocol accepts that keep the upstream's), the mapped stop reason or status, and the
 * recording's usage in the door's terms; the log row carries the same usage.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSseData, type Recording } from "./recorded-fixtures";
import {
  anthropicStopToStatus,
  finishToAnthropicStop,
  finishToStatus,
  messagesFacts,
  responsesFacts,
  usageTotalsOfChat,
  type DoorFacts,
} from "./recorded-upstream-doors";
import { startRecordedGateway, type RecordedGateway, type RecordedProviderCode } from "./recorded-upstream-gateway";
import { chatCompletionFacts, chatStreamFacts } from "./recorded-upstream-mapping";

/** One recording through a door of another protocol. */
export interface TranslationRow {
  door: "messages" | "responses";
  provider: RecordedProviderCode;
  model: string;
  file: string;
}

/** What the recording says, in the door's terms (stop value mapped; usage is protocol-neutral). */
function expectedFacts(recording: Recording, door: TranslationRow["door"]): DoorFacts {
  if (recording.protocol === "messages") {
    const facts = messagesFacts(recording.stream ? { stream: true, body: recording.body } : { stream: false, json: recording.json });
    return { ...facts, stop: anthropicStopToStatus[facts.stop!]! };
  }
  const chat = recording.stream ? chatStreamFacts(recording.body) : chatCompletionFacts(recording.json);
  const usage = usageTotalsOfChat(recording.stream ? parseSseData(recording.body).find((chunk) => chunk.usage)?.usage : recording.json.usage);
  const stop = door === "messages" ? finishToAnthropicStop[chat.stop!]! : finishToStatus[chat.stop!]!;
  return { ...chat, stop, usage, thinkingSigned: chat.reasoning ? [true] : [] };
}

function clientRequest(row: TranslationRow, recording: Recording): { body: Record<string, unknown>; headers: Record<string, string> } {
  const stream = recording.stream ? { stream: true } : {};
  if (row.door === "messages") {
    return {
      body: { model: row.model, max_tokens: 1024, messages: [{ role: "user", content: "Replay the recording" }], ...stream },
      headers: { "anthropic-version": "2023-06-01" },
    };
  }
  return { body: { model: row.model, input: "Replay the recording", store: false, include: ["reasoning.encrypted_content"], ...stream }, headers: {} };
}

/** The name a table row's test gets. */
export function translationCaseName(row: TranslationRow): string {
  return `${row.door} door on ${row.provider}: ${row.file}`;
}

/** Replays one recording through a door of another protocol and checks what the client got. */
export async function checkTranslation(r: RecordedGateway, row: TranslationRow): Promise<void> {
  const recording = r.replay(row.provider, row.file);
  const expected = expectedFacts(recording, row.door);
  const { body, headers } = clientRequest(row, recording);
  const logRowsBefore = (await r.gateway.logRows()).length;

  const response = await r.post(row.door === "messages" ? "/v1/messages" : "/v1/responses", body, headers);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  expect(r.upstream.requests.at(-1)?.servedFile).toBe(row.file);
  const answer = recording.stream ? { stream: true as const, body: text } : { stream: false as const, json: JSON.parse(text) };
  const responses = row.door === "responses" ? responsesFacts(answer) : undefined;
  const received = responses ?? messagesFacts(answer);

  expect(received.text).toBe(expected.text + expected.refusal);
  expect(received.reasoning).toBe(expected.reasoning);
  // Reasoning survives as something the client returns verbatim: a signature or encrypted_content.
  expect(received.thinkingSigned).toEqual(expected.thinkingSigned);
  expect(received.toolCalls.map(({ name }) => name)).toEqual(expected.toolCalls.map(({ name }) => name));
  for (const [index, call] of received.toolCalls.entries()) {
    const upstream = expected.toolCalls[index]!;
    // Anthropic streams a call without arguments as an empty input_json_delta (its SDK reads {});
    // Responses arguments must be JSON text a client can parse.
    expect(JSON.parse(row.door === "messages" ? call.arguments || "{}" : call.arguments)).toEqual(JSON.parse(upstream.arguments || "{}"));
    expect(call.id).toContain(upstream.id);
    expect(call.id).toMatch(row.door === "messages" ? /^[a-zA-Z0-9_-]+$/ : /^.{1,64}$/);
  }
  expect(received.stop).toBe(expected.stop);
  expect(received.usage).toEqual(expected.usage);

  if (responses) {
    for (const itemId of responses.itemIds) expect(itemId).toMatch(/^fc/);
    if (recording.stream) {
      expect(responses.sequenced).toBe(true);
      expect(responses.eventTypes.slice(0, 2)).toEqual(["response.created", "response.in_progress"]);
      expect(responses.eventTypes.filter((type) => /^response\.(completed|incomplete|failed)$/.test(type))).toHaveLength(1);
      expect(responses.streamedText).toBe(responses.text);
    }
  }

  const logRows = await r.gateway.logRows();
  expect(logRows).toHaveLength(logRowsBefore + 1);
  expect(logRows.at(-1)).toMatchObject({
    status: "success",
    prompt_tokens: expected.usage!.input,
    completion_tokens: expected.usage!.output,
    tokens_estimated: 0,
  });
}

/** One suite of translation replays through a gateway over the replay server: each row is a case. */
export function describeTranslationReplays(title: string, rows: readonly TranslationRow[]): void {
  describe(title, () => {
    let r: RecordedGateway;
    beforeAll(async () => {
      r = await startRecordedGateway();
    });
    afterAll(async () => {
      await r?.close();
    });

    it.each(rows.map((row) => [translationCaseName(row), row]))("%s", (_name, row) => checkTranslation(r, row));
  });
}
