import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream, type RecordedUpstreamRequest } from "../support/fake-upstream";
import { AGENT_RUN_TIMEOUT_MS, agentClisAvailable, describeRun, runClaudeCode, runCodex, type AgentRun, type AgentRunOptions } from "./agent-clis";
import { agentProviders, startAgentGateway, type AgentGateway } from "./agent-gateway";
import { TOOL_OUTPUT_PROOF, agentPrompt, newRunId, nonceFor, runIdOf, toolResultsOf, toolRoundResponder } from "./agent-tool-round";

/**
 * Claude Code and Codex, headless, through the gateway process to the fake provider: each CLI on
 * a model of its own protocol's provider (pass-through) and on models of the two others
 * (translation). A run passes when the CLI prints the answer that quotes its tool's output, the
 * provider saw that output in a tool result, and the gateway logged every call with tokens; on
 * pass-through, the provider also got what only that CLI sends. The fake provider refuses what
 * the real one would, so a case with a `knownBug` pins the refusal it still meets.
 */
const available = agentClisAvailable("coding-agent CLIs through the gateway");

/** Runs at once; each CLI run is CPU-heavy at start, and the machine is shared. */
const PARALLEL_RUNS = 3;

type ProviderFormat = (typeof agentProviders)[number]["format"];

interface AgentCase {
  cli: "claude-code" | "codex";
  model: string;
  provider: ProviderFormat;
  /**
   * A gateway bug this run still meets: the run must end in exactly this refusal of the real
   * provider, so fixing the bug turns the case red until its `knownBug` is removed.
   */
  knownBug?: { bug: string; refusal: string };
}

const cases: AgentCase[] = [
  { cli: "claude-code", model: "claude-sonnet-4-6", provider: "anthropic" },
  // A model with reasoning and one without: the translation must fit each (max_completion_tokens, reasoning_effort).
  { cli: "claude-code", model: "gpt-5-mini", provider: "openai" },
  { cli: "claude-code", model: "gpt-4.1-mini", provider: "openai" },
  { cli: "claude-code", model: "deepseek-chat", provider: "deepseek" },
  { cli: "codex", model: "gpt-5-mini", provider: "openai" },
  { cli: "codex", model: "claude-haiku-4-5", provider: "anthropic" },
  { cli: "codex", model: "deepseek-chat", provider: "deepseek" },
];

/**
 * Where the gateway must forward a request unchanged (the provider speaks the CLI's protocol):
 * the path, and what only that CLI sends, which a translation would not carry.
 */
const passThroughs: Partial<Record<`${AgentCase["cli"]}/${ProviderFormat}`, { path: string; carriesClientFields(request: RecordedUpstreamRequest): boolean }>> = {
  "claude-code/anthropic": {
    path: "/v1/messages",
    carriesClientFields: (request) => request.headers["anthropic-beta"]?.includes("claude-code-20250219") === true && request.body?.context_management !== undefined,
  },
  "codex/openai": {
    path: "/v1/responses",
    carriesClientFields: (request) => request.body?.client_metadata !== undefined && request.body?.prompt_cache_key !== undefined,
  },
};

const doors = { "claude-code": "messages", codex: "responses" } as const;

/** A tiny semaphore so only PARALLEL_RUNS CLIs run together. */
function limiter(slots: number) {
  const waiting: (() => void)[] = [];
  let free = slots;
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (free === 0) await new Promise<void>((resolve) => waiting.push(resolve));
    else free--;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}

describe.skipIf(!available)("coding-agent CLIs through the gateway", () => {
  let upstream: FakeUpstream;
  let gateway: AgentGateway;
  const inTurn = limiter(PARALLEL_RUNS);

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    for (const provider of agentProviders) upstream.respond(provider.apiKey, toolRoundResponder);
    gateway = await startAgentGateway(upstream);
  }, 40_000);

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.close();
  }, 15_000);

  const requestsOf = (runId: string): RecordedUpstreamRequest[] => upstream.requests.filter((request) => runIdOf(request) === runId);

  describe.concurrent.each(cases)("$cli on $model ($provider)", ({ cli, model, provider, knownBug }) => {
    it(
      knownBug ? `still meets a known gateway bug: ${knownBug.bug}` : "finishes with the answer that quotes its tool's output, and every call is logged with tokens",
      async () => {
        const runId = newRunId();
        const nonce = nonceFor(runId);
        const client = await gateway.createClient(`${cli} ${model}`);
        const options: AgentRunOptions = { origin: gateway.origin, apiKey: client.apiKey, model, prompt: agentPrompt(runId) };
        const run: AgentRun = await inTurn(() => (cli === "claude-code" ? runClaudeCode(options) : runCodex(options)));
        const diagnostics = `${describeRun(run)}\ngateway:\n${gateway.output.slice(-20).join("\n")}`;
        if (knownBug) {
          expect(run.finalMessage, `fixed? then remove knownBug from this case\n${diagnostics}`).toContain(knownBug.refusal);
          return;
        }

        expect(run.finalMessage, diagnostics).toContain(`${TOOL_OUTPUT_PROOF} ${nonce}`);
        expect(run.exitCode, diagnostics).toBe(0);

        // The provider of the model got the calls, with the provider's key, and saw the tool output.
        const requests = requestsOf(runId);
        const providerKey = agentProviders.find((entry) => entry.format === provider)!.apiKey;
        expect(requests.length).toBeGreaterThanOrEqual(2);
        expect(requests.every((request) => request.apiKey === providerKey)).toBe(true);
        expect(requests.every((request) => request.body?.model === model)).toBe(true);
        expect(requests.some((request) => toolResultsOf(request).some((result) => result.includes(nonce)))).toBe(true);
        const passThrough = passThroughs[`${cli}/${provider}`];
        if (passThrough) {
          expect(requests.map((request) => request.path)).toEqual(requests.map(() => passThrough.path));
          const stripped = requests.find((request) => !passThrough.carriesClientFields(request));
          const problem = stripped && `not passed through unchanged: upstream got anthropic-beta=${stripped.headers["anthropic-beta"]}, body keys ${Object.keys(stripped.body ?? {}).join(",")}`;
          expect(problem).toBeUndefined();
        }

        // One log row per model call, all successful, each with tokens.
        const rows = await gateway.logRowsOf(client.id, requests.length);
        expect(rows.length).toBeGreaterThanOrEqual(requests.length);
        for (const row of rows) {
          expect(row, JSON.stringify(row)).toMatchObject({ status: "success", httpStatus: 200, model, door: doors[cli] });
          // Pass-through rows name the door's own protocol upstream; translated ones do not.
          expect(row.upstreamProtocol === doors[cli]).toBe(passThrough !== undefined);
          expect(row.promptTokens).toBeGreaterThan(0);
          expect(row.completionTokens).toBeGreaterThan(0);
        }
      },
      // Waiting for a slot plus the run itself.
      2 * AGENT_RUN_TIMEOUT_MS + 10_000,
    );
  });
});
