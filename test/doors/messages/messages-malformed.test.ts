/**
 * Bad input never makes a 500: every field of a rich Messages body, replaced in turn by a value
 * of the wrong shape, gets either an answer or a 400 in Anthropic's error body (a 404 for a
 * model name that names no model).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayFixture, type GatewayFixture } from "../../gateway/gateway-fixtures";

const richBody = {
  model: "gpt-4o-mini",
  max_tokens: 64,
  system: [{ type: "text", text: "sys", cache_control: { type: "ephemeral" } }],
  messages: [
    { role: "user", content: [{ type: "text", text: "hi" }, { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } }] },
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "t", signature: "sig" },
        { type: "tool_use", id: "toolu_1", name: "f", input: { a: 1 } },
      ],
    },
    {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "r" }], is_error: false },
        { type: "document", source: { type: "content", content: [{ type: "text", text: "d" }] }, title: "doc" },
        { type: "search_result", title: "t", source: "s", content: [{ type: "text", text: "c" }] },
      ],
    },
  ],
  tools: [{ name: "f", description: "d", input_schema: { type: "object" } }],
  tool_choice: { type: "auto", disable_parallel_tool_use: true },
  thinking: { type: "enabled", budget_tokens: 1024 },
  output_config: { effort: "low", format: { type: "json_schema", schema: { type: "object" } } },
  stop_sequences: ["x"],
  temperature: 0.5,
  metadata: { user_id: "u" },
};

const wrongValues: unknown[] = [null, 42, "x", [], {}, true];

/** Every path into a JSON value (object keys and array indices). */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return value.flatMap((item, index) => [[...prefix, index], ...paths(item, [...prefix, index])]);
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([key, item]) => [[...prefix, key], ...paths(item, [...prefix, key])]);
  return [];
}

function replaced(path: Array<string | number>, replacement: unknown): unknown {
  const copy = structuredClone(richBody) as Record<string | number, any>;
  let target = copy;
  for (const step of path.slice(0, -1)) target = target[step];
  target[path.at(-1)!] = replacement;
  return copy;
}

describe("malformed Messages bodies", () => {
  let g: GatewayFixture;
  beforeAll(async () => {
    g = await startGatewayFixture();
    await g.addKey("openai", "sk-openai-malformed-key-00001");
  });
  afterAll(async () => {
    await g?.close();
  });

  it("the valid body is answered", async () => {
    expect((await g.chat(richBody, { path: "/v1/messages" })).status).toBe(200);
  });

  it("any field of the wrong shape is answered or refused with a 400, never a 500", async () => {
    const failures: string[] = [];
    for (const path of paths(richBody)) {
      for (const value of wrongValues) {
        const response = await g.chat(replaced(path, value), { path: "/v1/messages" });
        const body = (await response.json()) as { type?: string; error?: { type?: string } };
        const label = `${path.join(".")} = ${JSON.stringify(value)}: ${response.status}`;
        if (response.status === 200) continue;
        // A model name of the right type that names no model is a 404, as it should be.
        if (path.join(".") === "model" && typeof value === "string" && response.status === 404 && body.error?.type === "not_found_error") continue;
        if (response.status !== 400 || body.type !== "error" || body.error?.type !== "invalid_request_error") failures.push(label);
      }
    }
    expect(failures).toEqual([]);
  }, 60_000);

  it("a bad block, nested in a tool result or not, gets a 400 naming its own field", async () => {
    const cases: Array<[unknown, string]> = [
      [["hi"], "messages.2.content.0"],
      [[{}], "messages.2.content.0.type"],
      [[{ type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text" }] }], "messages.2.content.0.content.0.text"],
    ];
    for (const [content, field] of cases) {
      const response = await g.chat(replaced(["messages", 2, "content"], content), { path: "/v1/messages" });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { message: string } };
      expect(body.error.message).toContain(field);
    }
  });
});
