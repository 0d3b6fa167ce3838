/**
 * Chat Completions clients on Claude models, answered by recorded Anthropic responses: the
 * OpenAI JSON or chunks the client receives carry exactly the recording's text, reasoning, tool
 * calls (ids, names, arguments), finish reason and usage (prompt = input + cache read + cache
 * creation, completion = output, cached = cache read), and the log row has the same usage.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRecordedGateway, type RecordedGateway } from "../support/recorded-upstream-gateway";
import { anthropicRecordingFacts, anthropicStopToFinish, chatCompletionFacts, chatStreamFacts } from "../support/recorded-upstream-mapping";

const MODEL = "claude-haiku-4-5";

/** One recording and the values read off it by hand (the derived facts are checked against them too). */
interface Row {
  file: string;
  finish: string;
  prompt: number;
  completion: number;
  cached?: number;
  reasoningTokens?: number;
  toolNames?: string[];
  /** Serve the recording in pieces of this many bytes (cutting events and characters). */
  pieceBytes?: number;
}

const rows: Row[] = [
  { file: "messages/anthropic-text.chunks.txt", finish: "stop", prompt: 12, completion: 30 },
  { file: "messages/anthropic-text.json", finish: "stop", prompt: 12, completion: 29 },
  { file: "messages/anthropic-text-raw-stream.sse", finish: "stop", prompt: 135, completion: 10 },
  { file: "messages/anthropic-tool-use-raw-stream.sse", finish: "tool_calls", prompt: 656, completion: 74, toolNames: ["get_weather"] },
  { file: "messages/anthropic-tool-no-args.json", finish: "tool_calls", prompt: 602, completion: 93, toolNames: ["updateIssueList"] },
  { file: "messages/anthropic-thinking.chunks.txt", finish: "stop", prompt: 69, completion: 53 },
  { file: "messages/anthropic-thinking.json", finish: "stop", prompt: 51, completion: 1699, reasoningTokens: 139 },
  { file: "messages/anthropic-structured-output.json", finish: "stop", prompt: 371, completion: 629 },
  { file: "messages/anthropic-prompt-cache.chunks.txt", finish: "stop", prompt: 6 + 6289 + 3337, completion: 198, cached: 6289 },
  { file: "messages/anthropic-delta-input-tokens.chunks.txt", finish: "stop", prompt: 61, completion: 2 },
  // Five-byte pieces cut one of the two-byte "÷" characters of the thinking text in half.
  { file: "messages/anthropic-thinking.chunks.txt", finish: "stop", prompt: 69, completion: 53, pieceBytes: 5 },
  { file: "messages/anthropic-tool-use-raw-stream.sse", finish: "tool_calls", prompt: 656, completion: 74, toolNames: ["get_weather"], pieceBytes: 4 },
];

describe("Chat door on an Anthropic model, replaying recorded Anthropic responses", () => {
  let r: RecordedGateway;
  beforeAll(async () => {
    r = await startRecordedGateway();
  });
  afterAll(async () => {
    await r?.close();
  });

  it.each(rows.map((row) => [`${row.file}${row.pieceBytes ? ` in ${row.pieceBytes}-byte pieces` : ""}`, row]))("%s", async (_name, row) => {
    const recording = r.replay("anthropic", row.file, row.pieceBytes ? { pieceBytes: row.pieceBytes } : {});
    const expected = anthropicRecordingFacts(recording);
    // The facts read off the recording agree with the values written down by hand.
    expect(anthropicStopToFinish[expected.stop!]).toBe(row.finish);
    expect(expected.usage).toMatchObject({ prompt: row.prompt, completion: row.completion, cached: row.cached ?? 0, reasoning: row.reasoningTokens ?? 0 });
    expect(expected.toolCalls.map((call) => call.name)).toEqual(row.toolNames ?? []);

    const logRowsBefore = (await r.gateway.logRows()).length;
    const response = await r.post("/v1/chat/completions", {
      model: MODEL,
      messages: [{ role: "user", content: "Replay the recording" }],
      ...(recording.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    });
    const body = await response.text();
    expect(response.status, body).toBe(200);
    expect(r.upstream.requests.at(-1)).toMatchObject({ path: "/v1/messages", servedFile: row.file });

    const streamed = recording.stream ? chatStreamFacts(body) : undefined;
    const received = streamed ?? chatCompletionFacts(JSON.parse(body));
    expect(received.text).toBe(expected.text);
    expect(received.reasoning).toBe(expected.reasoning);
    expect(received.toolCalls.map(({ id, name }) => ({ id, name }))).toEqual(expected.toolCalls.map(({ id, name }) => ({ id, name })));
    for (const [index, call] of received.toolCalls.entries()) {
      expect(JSON.parse(call.arguments), call.name).toEqual(JSON.parse(expected.toolCalls[index]!.arguments));
    }
    expect(received.stop).toBe(row.finish);
    expect(received.usage).toEqual(expected.usage);
    if (streamed) expect(streamed).toMatchObject({ endsWithDone: true, usageChunks: 1, usageOnlyChunks: 1, finishChunks: 1 });

    const logRows = await r.gateway.logRows();
    expect(logRows).toHaveLength(logRowsBefore + 1);
    expect(logRows.at(-1)).toMatchObject({
      status: "success",
      prompt_tokens: row.prompt,
      completion_tokens: row.completion,
      total_tokens: row.prompt + row.completion,
      tokens_estimated: 0,
      is_stream: recording.stream ? 1 : 0,
    });
  });

  /** Streams the no-argument tool call recording through the Chat door without include_usage. */
  async function streamNoArgumentToolCall() {
    const recording = r.replay("anthropic", "messages/anthropic-tool-no-args.chunks.txt");
    const response = await r.post("/v1/chat/completions", { model: MODEL, messages: [{ role: "user", content: "Update the list" }], stream: true });
    return { expected: anthropicRecordingFacts(recording), received: chatStreamFacts(await response.text()) };
  }

  it("streams a tool call without arguments with its text, id, name and finish reason, and no usage chunk unasked", async () => {
    const { expected, received } = await streamNoArgumentToolCall();
    expect(received.text).toBe(expected.text);
    expect(received.toolCalls.map(({ id, name }) => ({ id, name }))).toEqual([{ id: "toolu_01QE1WLsSVp5hy5Q3GmGTmjP", name: "updateIssueList" }]);
    expect(received.stop).toBe("tool_calls");
    expect(received).toMatchObject({ endsWithDone: true, usageChunks: 0, finishChunks: 1 });
  });

  // Anthropic streams no argument text for such a call; the client must still get JSON it can parse.
  it("streams a tool call without arguments as arguments that parse to the recorded empty input", async () => {
    const { received } = await streamNoArgumentToolCall();
    expect(JSON.parse(received.toolCalls[0]!.arguments)).toEqual({});
  });
});
