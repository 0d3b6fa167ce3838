/**
 * What a request costs, end to end over real HTTP and a real database: the cache and reasoning
 * tokens of each provider's usage shape land in the log row (through pass-through and translated
 * paths, streamed and not) and are priced at the seeded cache prices; a price change applies from
 * its effective time on and never rewrites the cost already logged.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { reply } from "../support/fake-upstream";
import type { FakeUsage } from "../support/fake-upstream";
import { testDatabaseAvailable, type TestDatabaseKind } from "../support/test-databases";
import { chatBody, startGatewayFixture, type GatewayFixture } from "../gateway/gateway-fixtures";

const KEYS = { openai: "sk-openai-cost-0000000001", anthropic: "sk-ant-cost-000000000002", deepseek: "sk-deepseek-cost-0000003" } as const;

/** USD per million tokens, as seeded (db/seed-data.ts). */
const perMillion = (tokens: number, price: number) => (tokens * price) / 1_000_000;

interface CostCase {
  name: string;
  provider: keyof typeof KEYS;
  path: string;
  body: Record<string, unknown>;
  usage: Partial<FakeUsage>;
  expected: { cacheRead: number; cacheWrite: number; reasoning: number; cost: number };
}

const messagesBody = (model: string, stream = false) => ({ model, max_tokens: 256, stream, messages: [{ role: "user", content: "Hello" }] });

const anthropicUsage = { promptTokens: 1000, cachedTokens: 300, cacheCreationTokens: 200, cacheCreation1hTokens: 50, completionTokens: 100, reasoningTokens: 40 };
// claude-sonnet-4-6: input 3, 5-minute write 3.75, 1-hour write 6, read 0.3, output 15.
const anthropicCost = perMillion(500, 3) + perMillion(300, 0.3) + perMillion(150, 3.75) + perMillion(50, 6) + perMillion(100, 15);

const cases: CostCase[] = [
  {
    name: "OpenAI chat, passed through: cached input at the cached price, reasoning billed once as output",
    provider: "openai",
    path: "/v1/chat/completions",
    body: chatBody("gpt-5"),
    usage: { promptTokens: 1000, cachedTokens: 400, completionTokens: 200, reasoningTokens: 120 },
    expected: { cacheRead: 400, cacheWrite: 0, reasoning: 120, cost: perMillion(600, 1.25) + perMillion(400, 0.125) + perMillion(200, 10) },
  },
  {
    name: "OpenAI chat stream, passed through",
    provider: "openai",
    path: "/v1/chat/completions",
    body: chatBody("gpt-4.1", "Hello", { stream: true }),
    usage: { promptTokens: 2000, cachedTokens: 1000, completionTokens: 10, reasoningTokens: 0 },
    expected: { cacheRead: 1000, cacheWrite: 0, reasoning: 0, cost: perMillion(1000, 2) + perMillion(1000, 0.5) + perMillion(10, 8) },
  },
  {
    name: "OpenAI Responses, passed through: input_tokens_details.cached_tokens and output_tokens_details.reasoning_tokens",
    provider: "openai",
    path: "/v1/responses",
    body: { model: "gpt-5-mini", input: "Hello", store: false },
    usage: { promptTokens: 1000, cachedTokens: 500, completionTokens: 300, reasoningTokens: 200 },
    expected: { cacheRead: 500, cacheWrite: 0, reasoning: 200, cost: perMillion(500, 0.25) + perMillion(500, 0.025) + perMillion(300, 2) },
  },
  {
    name: "DeepSeek chat, passed through: prompt_cache_hit_tokens at the cache-hit price",
    provider: "deepseek",
    path: "/v1/chat/completions",
    body: chatBody("deepseek-reasoner"),
    usage: { promptTokens: 1000, cachedTokens: 800, completionTokens: 100, reasoningTokens: 60 },
    expected: { cacheRead: 800, cacheWrite: 0, reasoning: 60, cost: perMillion(200, 0.28) + perMillion(800, 0.028) + perMillion(100, 0.42) },
  },
  {
    name: "Anthropic Messages, passed through: cache reads, 5-minute and 1-hour writes each at their price",
    provider: "anthropic",
    path: "/v1/messages",
    body: messagesBody("claude-sonnet-4-6"),
    usage: anthropicUsage,
    expected: { cacheRead: 300, cacheWrite: 200, reasoning: 40, cost: anthropicCost },
  },
  {
    name: "Anthropic Messages stream, passed through",
    provider: "anthropic",
    path: "/v1/messages",
    body: messagesBody("claude-sonnet-4-6", true),
    usage: anthropicUsage,
    expected: { cacheRead: 300, cacheWrite: 200, reasoning: 40, cost: anthropicCost },
  },
  {
    name: "Anthropic through the Chat door (translated)",
    provider: "anthropic",
    path: "/v1/chat/completions",
    body: chatBody("claude-sonnet-4-6"),
    usage: anthropicUsage,
    expected: { cacheRead: 300, cacheWrite: 200, reasoning: 40, cost: anthropicCost },
  },
  {
    name: "Anthropic through the Chat door, streamed (translated)",
    provider: "anthropic",
    path: "/v1/chat/completions",
    body: chatBody("claude-sonnet-4-6", "Hello", { stream: true }),
    usage: anthropicUsage,
    expected: { cacheRead: 300, cacheWrite: 200, reasoning: 40, cost: anthropicCost },
  },
];

for (const kind of ["sqlite", "mariadb"] as TestDatabaseKind[]) {
  const available = await testDatabaseAvailable(kind, "request cost");
  describe.skipIf(!available)(`request cost [${kind}]`, () => {
    let g: GatewayFixture;
    beforeEach(async () => {
      g = await startGatewayFixture({ database: kind });
      for (const provider of Object.keys(KEYS) as Array<keyof typeof KEYS>) await g.addKey(provider, KEYS[provider]);
    });
    afterEach(async () => {
      await g?.close();
    });

    it.each(cases)("$name", async ({ provider, path, body, usage, expected }) => {
      g.upstream.script(KEYS[provider], reply.ok({ content: "Priced answer", usage }));
      const response = await g.chat(body, { path });
      expect(response.status).toBe(200);
      await response.text();
      const [row] = await g.logRows();
      expect(row).toMatchObject({ cache_read_tokens: expected.cacheRead, cache_write_tokens: expected.cacheWrite, reasoning_tokens: expected.reasoning, tokens_estimated: 0 });
      expect(row.cost).toBeCloseTo(expected.cost, 10);

      const listed = await g.request("GET", "/api/admin/ai-logs", undefined, await g.adminToken());
      const [item] = ((await listed.json()) as { data: { items: Array<Record<string, unknown>> } }).data.items;
      expect(item).toMatchObject({ cacheReadTokens: expected.cacheRead, cacheWriteTokens: expected.cacheWrite, reasoningTokens: expected.reasoning });
      expect(item.cost as number).toBeCloseTo(expected.cost, 10);
    });

    it("a price change applies from its effective time on and never rewrites the cost already logged", async () => {
      const token = await g.adminToken();
      const model = await g.database.handle.db.selectFrom("t_ai_models").select("id").where("model_code", "=", "gpt-4o-mini").executeTakeFirstOrThrow();
      const usage = { promptTokens: 1000, cachedTokens: 200, completionTokens: 100, reasoningTokens: 0 };
      g.upstream.always(KEYS.openai, reply.ok({ usage }));
      // Seeded: input 0.15, cached input 0.075, output 0.6.
      const seededCost = perMillion(800, 0.15) + perMillion(200, 0.075) + perMillion(100, 0.6);

      expect((await g.chat(chatBody("gpt-4o-mini"))).status).toBe(200);
      const inOneHour = g.clock.now() + 3_600_000;
      const added = await g.request("POST", `/api/admin/ai-models/${model.id}/prices`, { effectiveFrom: new Date(inOneHour).toISOString(), inputPricePerM: 1, outputPricePerM: 2, cacheReadPricePerM: 0.5, source: "test: new price list" }, token);
      expect(added.status).toBe(200);
      expect(((await added.json()) as { data: object }).data).toMatchObject({ effectiveFrom: new Date(inOneHour).toISOString(), inputPricePerM: 1, cacheReadPricePerM: 0.5, cacheWritePricePerM: null });

      // Before its effective time the old price still applies.
      g.clock.advance(60_000);
      expect((await g.chat(chatBody("gpt-4o-mini"))).status).toBe(200);
      g.clock.advance(3_600_000);
      expect((await g.chat(chatBody("gpt-4o-mini"))).status).toBe(200);

      const costs = (await g.logRows()).map((row) => row.cost);
      expect(costs[0]).toBeCloseTo(seededCost, 10);
      expect(costs[1]).toBeCloseTo(seededCost, 10);
      expect(costs[2]).toBeCloseTo(perMillion(800, 1) + perMillion(200, 0.5) + perMillion(100, 2), 10);

      // A price that would start in the past is refused, naming the field; the schedule is unchanged.
      const backdated = await g.request("POST", `/api/admin/ai-models/${model.id}/prices`, { effectiveFrom: g.clock.now() - 86_400_000, inputPricePerM: 9, outputPricePerM: 9 }, token);
      expect(backdated.status).toBe(400);
      expect(((await backdated.json()) as { errors: Array<{ field: string }> }).errors[0].field).toBe("effectiveFrom");

      // A PUT of the model's flat price is a new entry effective now, keeping the cache price in effect.
      const put = await g.request("PUT", `/api/admin/ai-models/${model.id}`, { inputPricePerM: 4 }, token);
      expect(put.status).toBe(200);
      const schedule = await g.request("GET", `/api/admin/ai-models/${model.id}/prices`, undefined, token);
      const entries = ((await schedule.json()) as { data: Array<Record<string, unknown>> }).data;
      expect(entries.map((entry) => [entry.inputPricePerM, entry.outputPricePerM, entry.cacheReadPricePerM])).toEqual([
        [0.15, 0.6, 0.075],
        [1, 2, 0.5],
        [4, 2, 0.5],
      ]);
      expect(entries[0].source).toContain("openai.com/api/pricing");
      expect(costs).toEqual((await g.logRows()).map((row) => row.cost));
    });
  });
}
