/**
 * What the chat pass-through observer makes of each stream chunk: its role (content commits the
 * stream, a preamble can still fail over, a usage chunk the client did not ask for is dropped)
 * and the output characters counted for estimates.
 */
import { describe, expect, it } from "vitest";
import { chatObserver, plainTextCharacters } from "../../../lib/doors/chat/chat-observer";
import { outputCharacters } from "../../../lib/router/token-estimate";
import { loadRecording, recordingsOf } from "../../support/recorded-fixtures";

const event = (data: string) => ({ raw: `data: ${data}\n\n`, event: null, data });
const chunk = (fields: Record<string, unknown>) => JSON.stringify({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", ...fields });
const choice = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ index: 0, delta, finish_reason: null, ...extra });

/** Role and characters of one event on a fresh observer. */
function read(data: string, clientWantsUsage = false) {
  const observer = chatObserver({ clientWantsUsage });
  const role = observer.readEvent(event(data));
  return { role, characters: observer.outputCharacters(), usage: observer.usage(), error: observer.streamError() };
}

describe("chat observer", () => {
  it.each([
    ["plain text", chunk({ choices: [choice({ content: "Hello" })] }), "content", 5],
    ["OpenAI's usage:null and obfuscation", chunk({ choices: [choice({ content: "tok " }, { logprobs: null })], usage: null, obfuscation: "abc" }), "content", 4],
    ["escaped quotes and newlines", chunk({ choices: [choice({ content: 'say "hi"\n' })] }), "content", 9],
    ["a unicode escape", '{"choices":[{"index":0,"delta":{"content":"\\u00e9t\\u00e9"},"finish_reason":null}]}', "content", 3],
    ["text that looks like a delta", chunk({ choices: [choice({ content: '"delta":{"content":"x"}' })] }), "content", 23],
    ["an empty delta text", chunk({ choices: [choice({ content: "" })] }), "preamble", 0],
    ["the role chunk", chunk({ choices: [choice({ role: "assistant", content: "", refusal: null })] }), "preamble", 0],
    ["two choices", chunk({ choices: [choice({ content: "ab" }), { ...choice({ content: "cde" }), index: 1 }] }), "content", 5],
    ["reasoning", chunk({ choices: [choice({ reasoning_content: "think" })] }), "content", 5],
    ["a tool call", chunk({ choices: [choice({ tool_calls: [{ index: 0, id: "call_1", function: { name: "ls", arguments: "" } }] })] }), "content", 2],
    ["content with spaces in the JSON", '{"choices": [{"index": 0, "delta": {"content": "spaced"}}]}', "content", 6],
    ["the word error as text", chunk({ choices: [choice({ content: "error" })] }), "content", 5],
  ])("%s", (_name, data, role, characters) => {
    expect(read(data)).toMatchObject({ role, characters, usage: null, error: null });
  });

  it("reads usage, drops a usage chunk the client did not ask for, and reports errors", () => {
    const usage = chunk({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } });
    expect(read(usage)).toMatchObject({ role: "drop", usage: { promptTokens: 9, completionTokens: 3 } });
    expect(read(usage, true).role).toBe("other");
    const withContent = chunk({ choices: [choice({ content: "x" })], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
    expect(read(withContent)).toMatchObject({ role: "content", characters: 1, usage: { promptTokens: 1 } });
    expect(read(JSON.stringify({ error: { message: "overloaded", type: "server_error" } }))).toMatchObject({ role: "error", error: { message: "overloaded", type: "server_error" } });
    expect(read("[DONE]").role).toBe("terminal");
    expect(read("not json").role).toBe("other");
  });

  it("reads the usual text chunk without parsing it, to the same effect as parsing it", () => {
    const recorded = recordingsOf("chat").filter((entry) => entry.stream).flatMap((entry) => loadRecording(entry.file).payloads.map((payload) => JSON.stringify(payload)));
    const made = [
      chunk({ choices: [choice({ content: "tok " }, { logprobs: null })], usage: null, obfuscation: "x" }),
      chunk({ choices: [choice({ content: "a{b}" })] }),
      chunk({ choices: [choice({ content: 'say "hi"' })] }),
      chunk({ choices: [choice({ content: "x" })], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }),
      chunk({ choices: [choice({ content: "x" }), { ...choice({ content: "y" }), index: 1 }] }),
      chunk({ choices: [choice({ content: "x", tool_calls: [{ index: 0, function: { arguments: "{}" } }] })] }),
      chunk({ choices: [choice({ content: "x" }, { logprobs: { content: [] } })] }),
      chunk({ choices: [choice({ content: "x", reasoning_content: "y" })] }),
    ];
    let readWithoutParsing = 0;
    for (const data of [...recorded, ...made]) {
      const quick = plainTextCharacters(data);
      if (quick === undefined) continue;
      readWithoutParsing += 1;
      const parsed = JSON.parse(data) as { choices: Array<{ delta: Record<string, unknown> }>; usage?: unknown; error?: unknown };
      expect({ data, quick }).toEqual({ data, quick: outputCharacters(parsed.choices[0].delta) });
      expect(parsed.choices).toHaveLength(1);
      expect(Object.keys(parsed.choices[0].delta)).toEqual(["content"]);
      expect(parsed.usage ?? null).toBeNull();
      expect(parsed.error).toBeUndefined();
    }
    expect(readWithoutParsing).toBeGreaterThan(0);
    // A recorded text answer is such chunks but for the role, the finish and the usage; the odd ones above are all parsed.
    const text = loadRecording("chat/openai-text-stream.sse").payloads.map((payload) => JSON.stringify(payload));
    expect(text.filter((data) => plainTextCharacters(data) !== undefined)).toHaveLength(text.length - 3);
    expect(made.filter((data) => plainTextCharacters(data) !== undefined)).toEqual([made[0]]);
  });
});
