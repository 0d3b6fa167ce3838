/**
 * A request body the size and shape of a coding agent's turn late in a session (Claude Code on
 * the Messages API): a long cached system prompt, twenty tools with schemas, and a hundred
 * rounds of tool calls with their results; about 150 KB. The other scenarios send a one-line
 * prompt, which hides the work per byte of the body (parsing, validation, the model edit).
 */

/** The agent-sized Messages body for `model`. */
export function agentTurnBody(model: string): string {
  const messages = Array.from({ length: 200 }, (_, index) =>
    index % 2 === 1
      ? {
          role: "assistant",
          content: [
            { type: "text", text: "Running it now." },
            { type: "tool_use", id: `toolu_${index}`, name: "Bash", input: { command: "ls -la src && cat package.json", description: "List the sources" } },
          ],
        }
      : {
          role: "user",
          content: index === 0
            ? "Find where the request log is written and make it batch its inserts."
            : [{ type: "tool_result", tool_use_id: `toolu_${index - 1}`, content: 'total 48\ndrwxr-xr-x  5 dev dev 160 Dec  2 src\n-rw-r--r--  1 dev dev 812 package.json "scripts"\n'.repeat(10) }],
        },
  );
  const tools = Array.from({ length: 20 }, (_, index) => ({
    name: `Tool${index}`,
    description: "Does one thing a coding agent needs. ".repeat(25),
    input_schema: { type: "object", properties: { path: { type: "string" }, limit: { type: "number" } }, required: ["path"] },
  }));
  return JSON.stringify({
    model,
    max_tokens: 64,
    system: [{ type: "text", text: "You are an interactive CLI tool that helps users with software engineering tasks. ".repeat(60), cache_control: { type: "ephemeral" } }],
    messages,
    tools,
    metadata: { user_id: "bench" },
  });
}
