/**
 * Chat Completions clients on OpenAI and DeepSeek models, answered by recorded Chat Completions
 * responses: the client receives the recording's text, refusal, reasoning_content, tool calls,
 * finish reason and usage (DeepSeek cache hits included), a usage-only chunk only when it asked
 * for usage, and the log row carries the recording's usage.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSseData } from "../support/recorded-fixtures";
import { startRecordedGateway, type RecordedGateway, type RecordedProviderCode } from "../support/recorded-upstream-gateway";
import { chatCompletionFacts, chatStreamFacts } from "../support/recorded-upstream-mapping";

/** One recording served to one provider, with values read off it by hand. */
interface Row {
  file: string;
  provider: Extract<RecordedProviderCode, "openai" | "deepseek">;
  model: string;
  finish: string;
  prompt: number;
  completion: number;
  cached?: number;
  toolCalls?: number;
}

const rows: Row[] = [
  { file: "chat/openai-text-stream.sse", provider: "openai", model: "gpt-4o-mini", finish: "stop", prompt: 14, completion: 30 },
  { file: "chat/openai-parallel-tool-calls-stream.sse", provider: "openai", model: "gpt-4o-mini", finish: "tool_calls", prompt: 149, completion: 60, toolCalls: 2 },
  { file: "chat/openai-max-tokens-stream.sse", provider: "openai", model: "gpt-4o-mini", finish: "length", prompt: 79, completion: 1 },
  { file: "chat/openai-refusal-stream.sse", provider: "openai", model: "gpt-4o-mini", finish: "stop", prompt: 79, completion: 11 },
  { file: "chat/openai-structured-output-stream.sse", provider: "openai", model: "gpt-4o-mini", finish: "stop", prompt: 79, completion: 14 },
  { file: "chat/openai-text.json", provider: "openai", model: "gpt-4o-mini", finish: "stop", prompt: 0, completion: 0 },
  { file: "chat/deepseek-reasoning.chunks.txt", provider: "deepseek", model: "deepseek-reasoner", finish: "stop", prompt: 18, completion: 219 },
  { file: "chat/deepseek-reasoning.json", provider: "deepseek", model: "deepseek-reasoner", finish: "stop", prompt: 18, completion: 345 },
  { file: "chat/deepseek-tool-call.chunks.txt", provider: "deepseek", model: "deepseek-reasoner", finish: "tool_calls", prompt: 339, completion: 83, cached: 320, toolCalls: 1 },
  { file: "chat/deepseek-tool-call.json", provider: "deepseek", model: "deepseek-reasoner", finish: "tool_calls", prompt: 339, completion: 92, cached: 320, toolCalls: 1 },
];

describe("Chat door on OpenAI and DeepSeek models, replaying recorded Chat Completions responses", () => {
  let r: RecordedGateway;
  beforeAll(async () => {
    r = await startRecordedGateway();
  });
  afterAll(async () => {
    await r?.close();
  });

  const cases = rows.flatMap((row) => (row.file.endsWith(".json") ? [{ row, includeUsage: false }] : [true, false].map((includeUsage) => ({ row, includeUsage }))));

  it.each(cases.map((testCase) => [`${testCase.row.file}${testCase.row.file.endsWith(".json") ? "" : testCase.includeUsage ? " with include_usage" : " without include_usage"}`, testCase]))(
    "%s",
    async (_name, { row, includeUsage }) => {
      const recording = r.replay(row.provider, row.file);
      const expected = recording.stream ? chatStreamFacts(recording.body) : chatCompletionFacts(recording.json);
      const recordedUsage = recording.stream ? parseSseData(recording.body).find((chunk) => chunk.usage)?.usage : recording.json.usage;
      // Hand-read values agree with the recording (the plain-text JSON's usage is read from it below).
      expect(expected.stop).toBe(row.finish);
      expect(expected.toolCalls).toHaveLength(row.toolCalls ?? 0);
      const prompt = row.prompt || recordedUsage.prompt_tokens;
      const completion = row.completion || recordedUsage.completion_tokens;
      expect(expected.usage).toMatchObject({ prompt, completion, cached: row.cached ?? 0 });

      const logRowsBefore = (await r.gateway.logRows()).length;
      const response = await r.post("/v1/chat/completions", {
        model: row.model,
        messages: [{ role: "user", content: "Replay the recording" }],
        ...(recording.stream ? { stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) } : {}),
      });
      const body = await response.text();
      expect(response.status, body).toBe(200);
      expect(r.upstream.requests.at(-1)).toMatchObject({ path: row.provider === "openai" ? "/v1/chat/completions" : "/chat/completions", servedFile: row.file });

      const streamed = recording.stream ? chatStreamFacts(body) : undefined;
      const received = streamed ?? chatCompletionFacts(JSON.parse(body));
      expect(received.text).toBe(expected.text);
      expect(received.refusal).toBe(expected.refusal);
      expect(received.reasoning).toBe(expected.reasoning);
      expect(received.toolCalls).toEqual(expected.toolCalls);
      expect(received.stop).toBe(expected.stop);
      if (!recording.stream || includeUsage) expect(received.usage).toEqual(expected.usage);
      if (streamed) {
        expect(streamed.endsWithDone).toBe(true);
        // A client that did not ask for usage gets no usage-only chunk (the gateway asks upstream for it).
        if (!includeUsage) expect(streamed.usageOnlyChunks).toBe(0);
      }

      const logRows = await r.gateway.logRows();
      expect(logRows).toHaveLength(logRowsBefore + 1);
      expect(logRows.at(-1)).toMatchObject({ status: "success", prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, tokens_estimated: 0 });
    },
  );
});
