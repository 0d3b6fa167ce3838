import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream, type RecordedUpstreamRequest } from "../support/fake-upstream";
import { AGENT_RUN_TIMEOUT_MS, agentClisAvailable, describeRun, runClaudeCode, runCodex, type AgentRun } from "./agent-clis";
import { TOOL_OUTPUT_PROOF, agentPrompt, newRunId, nonceFor, runIdOf, toolResultsOf, toolRoundResponder } from "./agent-tool-round";

/**
 * The harness itself, with nothing in between: each CLI against the fake provider of its own
 * protocol. If these fail, the fake provider or the CLI set-up is wrong, not the gateway.
 */
const available = agentClisAvailable("coding-agent CLIs against the fake provider");

describe.skipIf(!available)("coding-agent CLIs straight to the fake provider", () => {
  const apiKey = "sk-agent-direct-0000";
  let upstream: FakeUpstream;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    upstream.respond(apiKey, toolRoundResponder);
  });
  afterAll(() => upstream?.close());

  const requestsOf = (runId: string): RecordedUpstreamRequest[] => upstream.requests.filter((request) => runIdOf(request) === runId);

  function expectToolRound(run: AgentRun, runId: string, path: string): void {
    const nonce = nonceFor(runId);
    expect(run.finalMessage, describeRun(run)).toContain(`${TOOL_OUTPUT_PROOF} ${nonce}`);
    expect(run.exitCode, describeRun(run)).toBe(0);
    const requests = requestsOf(runId);
    expect(requests.every((request) => request.path === path)).toBe(true);
    expect(requests.some((request) => toolResultsOf(request).some((result) => result.includes(nonce)))).toBe(true);
  }

  it.concurrent(
    "Claude Code runs the Bash call of an Anthropic Messages stream and sends its output back",
    async () => {
      const runId = newRunId();
      const run = await runClaudeCode({ origin: upstream.url, apiKey, model: "claude-sonnet-4-6", prompt: agentPrompt(runId) });
      expectToolRound(run, runId, "/v1/messages");
      const first = requestsOf(runId)[0];
      expect(first.headers.authorization).toBe(`Bearer ${apiKey}`);
      expect(first.headers["anthropic-version"]).toBe("2023-06-01");
      expect(first.stream).toBe(true);
    },
    AGENT_RUN_TIMEOUT_MS + 10_000,
  );

  it.concurrent(
    "Codex runs the exec_command call of an OpenAI Responses stream and sends its output back",
    async () => {
      const runId = newRunId();
      const run = await runCodex({ origin: upstream.url, apiKey, model: "gpt-5-mini", prompt: agentPrompt(runId) });
      expectToolRound(run, runId, "/v1/responses");
      const first = requestsOf(runId)[0];
      expect(first.headers.authorization).toBe(`Bearer ${apiKey}`);
      expect(first.body).toMatchObject({ stream: true, store: false });
    },
    AGENT_RUN_TIMEOUT_MS + 10_000,
  );
});
