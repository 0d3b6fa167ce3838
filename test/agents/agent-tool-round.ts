/**
 * The fake model behind the coding-agent runs: one tool round in whatever protocol the request
 * arrives in (Anthropic Messages, OpenAI Chat, DeepSeek Chat, OpenAI Responses).
 *
 * The CLI's prompt carries only a run id. Without a tool result the model asks the CLI's own
 * shell tool (Claude Code `Bash {command}`, Codex `exec_command {cmd}`) to `echo` a nonce derived
 * from that id, which appears nowhere in the prompt; once a request carries a tool result, the
 * model answers with a sentence quoting the nonce only if the result contains it. So the answer
 * the CLI prints proves the command ran and its output came back through whatever sits between.
 * A request the real provider would reject gets that provider's 400 instead.
 */
import { createHash, randomBytes } from "node:crypto";
import { reply, type FakeUpstreamStep, type RecordedUpstreamRequest } from "../support/fake-upstream";
import { realUpstreamRejection } from "./agent-upstream-rules";

/** What the model says once the tool output came back; the nonce follows. */
export const TOOL_OUTPUT_PROOF = "Tool output came back:";
/** What the model says when a tool result arrived without the nonce. */
export const TOOL_OUTPUT_MISSING = "Tool result did not contain the nonce:";

const runIdPattern = /agent-run-[0-9a-f]{12}/;

/** A fresh run id to put in a CLI's prompt. */
export function newRunId(): string {
  return `agent-run-${randomBytes(6).toString("hex")}`;
}

/** The nonce the fake model asks the CLI to print for a run id. */
export function nonceFor(runId: string): string {
  return `nonce-${createHash("sha256").update(runId).digest("hex").slice(0, 16)}`;
}

/** The prompt that starts a run. */
export function agentPrompt(runId: string): string {
  return `Task ${runId}: run the shell command the task requires with your shell tool, then report what it printed.`;
}

/** The run id a request belongs to (from the prompt it carries anywhere in its body). */
export function runIdOf(request: RecordedUpstreamRequest): string | undefined {
  return runIdPattern.exec(JSON.stringify(request.body ?? {}))?.[0];
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part: any) => (typeof part === "string" ? part : typeof part?.text === "string" ? part.text : textOf(part?.content))).join("\n");
}

/** The text of every tool result in a request, whatever its protocol. */
export function toolResultsOf(request: RecordedUpstreamRequest): string[] {
  const body = request.body ?? {};
  const results: string[] = [];
  for (const message of Array.isArray(body.messages) ? body.messages : []) {
    // OpenAI and DeepSeek Chat: a `tool` message.
    if (message?.role === "tool") results.push(textOf(message.content));
    // Anthropic: `tool_result` blocks in a user turn.
    for (const block of Array.isArray(message?.content) ? message.content : []) {
      if (block?.type === "tool_result") results.push(textOf(block.content));
    }
  }
  // OpenAI Responses: `function_call_output` items.
  for (const item of Array.isArray(body.input) ? body.input : []) {
    if (item?.type === "function_call_output") results.push(textOf(item.output));
  }
  return results;
}

/** Names of the tools a request offers (Anthropic and Responses `name`, Chat `function.name`). */
export function toolNamesOf(request: RecordedUpstreamRequest): string[] {
  const tools: any[] = Array.isArray(request.body?.tools) ? request.body.tools : [];
  return tools.map((tool) => tool?.name ?? tool?.function?.name).filter((name): name is string => typeof name === "string");
}

/** The shell tool call a CLI understands, by the tools it offers; undefined when it offers none. */
function shellCall(request: RecordedUpstreamRequest, command: string): FakeUpstreamStep | undefined {
  const names = toolNamesOf(request);
  if (names.includes("Bash")) return reply.toolCall("Bash", { command, description: "Print the task's nonce" });
  if (names.includes("exec_command")) return reply.toolCall("exec_command", { cmd: command });
  if (names.includes("shell")) return reply.toolCall("shell", { command: ["bash", "-lc", command] });
  return undefined;
}

/**
 * The responder for `upstream.respond(key, …)`: plays one tool round per run id, after the real
 * provider's parameter checks. Requests without
 * a run id or without a shell tool (a CLI's side calls) get a short plain answer.
 */
export function toolRoundResponder(request: RecordedUpstreamRequest): FakeUpstreamStep {
  const rejection = realUpstreamRejection(request);
  if (rejection) return rejection;
  const runId = runIdOf(request);
  if (!runId) return reply.ok({ content: "ok" });
  const nonce = nonceFor(runId);
  const results = toolResultsOf(request);
  if (results.length > 0) {
    const proved = results.some((result) => result.includes(nonce));
    return reply.ok({ content: proved ? `${TOOL_OUTPUT_PROOF} ${nonce}` : `${TOOL_OUTPUT_MISSING} ${results.join(" | ").slice(0, 300)}` });
  }
  return shellCall(request, `echo ${nonce}`) ?? reply.ok({ content: "No shell tool was offered." });
}
