/**
 * Reading and checking Responses event streams in tests: the SSE text split into events, and
 * the protocol rules every stream must keep (what openai-node, Codex and `@ai-sdk/openai` rely on).
 */
import { expect } from "vitest";

/** One SSE event: its `event:` line and its parsed `data:`. */
export interface ResponsesEvent {
  event: string | undefined;
  data: Record<string, any>;
}

/** Splits an SSE body into events. */
export function parseResponsesEvents(text: string): ResponsesEvent[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((line) => line.startsWith("event: "))?.slice(7);
      const data = lines.filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n");
      return { event, data: JSON.parse(data) as Record<string, any> };
    });
}

const TERMINAL = new Set(["response.completed", "response.incomplete", "response.failed"]);

/**
 * Asserts the stream rules: `event:` equals `data.type`; `sequence_number` 0, 1, 2, …; created
 * then in_progress first; exactly one terminal event, last; items added at their position and
 * closed in order, deltas only on open items; the terminal response carries every finished item.
 * @returns the terminal event's response
 */
export function checkEventOrder(events: readonly ResponsesEvent[]): Record<string, any> {
  expect(events.length).toBeGreaterThanOrEqual(3);
  events.forEach(({ event, data }, index) => {
    expect(event, `event line of #${index}`).toBe(data.type);
    expect(data.sequence_number, `sequence_number of #${index} (${data.type})`).toBe(index);
  });
  expect(events[0].data.type).toBe("response.created");
  expect(events[1].data.type).toBe("response.in_progress");
  const terminals = events.filter(({ data }) => TERMINAL.has(data.type));
  expect(terminals).toHaveLength(1);
  expect(TERMINAL.has(events.at(-1)!.data.type)).toBe(true);

  const added: Record<string, any>[] = [];
  const finished = new Map<number, Record<string, any>>();
  for (const { data } of events.slice(2, -1)) {
    if (data.type === "error") continue;
    if (data.type === "response.output_item.added") {
      expect(data.output_index, "output_index of an added item").toBe(added.length);
      added.push(data.item);
      continue;
    }
    expect(data.output_index, `${data.type} names an added item`).toBeLessThan(added.length);
    expect(finished.has(data.output_index), `${data.type} after its item was done`).toBe(false);
    if (data.type === "response.output_item.done") {
      expect(data.item.id).toBe(added[data.output_index].id);
      finished.set(data.output_index, data.item);
    }
  }
  const terminal = events.at(-1)!.data;
  if (terminal.type !== "response.failed") {
    expect(finished.size, "every item is done before the end").toBe(added.length);
    expect(terminal.response.output).toEqual([...finished.keys()].sort((a, b) => a - b).map((index) => finished.get(index)));
    expect(terminal.response.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number), total_tokens: expect.any(Number) });
  }
  return terminal.response;
}
