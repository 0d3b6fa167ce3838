/**
 * Stored responses on every supported database (SQLite, MariaDB, PlanetScale through its
 * simulator): large inputs, chains, item references, retrieval and deletion per owner, and the
 * daily purge removing them with the log retention.
 */
import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { jobContextFrom } from "../../../lib/jobs/job-context";
import { runLogPurge } from "../../../lib/jobs/log-purge";
import { reply } from "../../support/fake-upstream";
import { testDatabaseAvailable, TEST_DATABASE_KINDS } from "../../support/test-databases";
import { catalogueChanged } from "../../../lib/catalogue/catalogue-version";
import { startGatewayFixture, type GatewayFixture } from "../../gateway/gateway-fixtures";
import { startFakeOpenAiResponses, type FakeOpenAiResponses } from "./fake-openai-responses";

const DEEPSEEK_KEY = "sk-deepseek-upstream-key-0003";
const DAY = 86_400_000;

for (const kind of TEST_DATABASE_KINDS) {
  const available = await testDatabaseAvailable(kind, "stored responses");
  describe.skipIf(!available)(`stored responses on ${kind}`, () => {
    let g: GatewayFixture;
    let openai: FakeOpenAiResponses;
    let client: OpenAI;

    beforeEach(async () => {
      g = await startGatewayFixture({ database: kind });
      openai = await startFakeOpenAiResponses();
      await g.database.handle.db.updateTable("t_ai_providers").set({ base_url: openai.baseUrl }).where("code", "=", "openai").execute();
      await catalogueChanged(g.deps);
      await g.addKey("openai", "sk-openai-upstream-key-0000001");
      await g.addKey("deepseek", DEEPSEEK_KEY);
      client = new OpenAI({ apiKey: await g.addClient({ name: "store-app" }), baseURL: await g.listen(), maxRetries: 0 });
    });
    afterEach(async () => {
      await openai?.close();
      await g?.close();
    });

    it("keeps large inputs, resolves chains and item references, deletes per owner, and expires with the log retention", async () => {
      const large = `${"lorem ipsum ".repeat(12_000)}end`;
      g.upstream.script(DEEPSEEK_KEY, [reply.ok({ content: "ünïcødé answer ✓" }), reply.ok({ content: "second" }), reply.ok({ content: "third" })]);
      const first = await client.responses.create({ model: "deepseek-chat", input: large });
      const second = await client.responses.create({ model: "deepseek-chat", previous_response_id: first.id, input: "next" });
      const third = await client.responses.create({ model: "deepseek-chat", input: [{ role: "user", content: "again" }, { type: "item_reference", id: second.output[0].id! }, { role: "user", content: "more" }] });
      expect(third.output_text).toBe("third");
      const [, secondUpstream, thirdUpstream] = g.upstream.requestsFor(DEEPSEEK_KEY).map((request) => request.body.messages);
      expect(secondUpstream.map((message: any) => message.content)).toEqual([large, "ünïcødé answer ✓", "next"]);
      expect(thirdUpstream.map((message: any) => message.content)).toEqual(["again", "second", "more"]);
      expect((await client.responses.retrieve(first.id)).output_text).toBe("ünïcødé answer ✓");

      await client.responses.delete(second.id);
      await expect(client.responses.retrieve(second.id)).rejects.toMatchObject({ status: 404 });
      const broken = client.responses.create({ model: "deepseek-chat", input: [{ type: "item_reference", id: second.output[0].id! }] });
      await expect(broken).rejects.toMatchObject({ status: 400, code: "previous_response_not_found" });

      // An OpenAI answer's items (OpenAI's ids) are found by id too, from a DeepSeek turn.
      openai.script({ text: "from GPT" });
      const gpt = await client.responses.create({ model: "gpt-4o-mini", input: "hi" });
      g.upstream.script(DEEPSEEK_KEY, reply.ok({ content: "deepseek after gpt" }));
      await client.responses.create({ model: "deepseek-chat", input: [{ type: "item_reference", id: gpt.output[0].id! }, { role: "user", content: "go on" }] });
      expect(g.upstream.requestsFor(DEEPSEEK_KEY).at(-1)!.body.messages.map((message: any) => message.content)).toEqual(["from GPT", "go on"]);
      expect(await g.database.handle.db.selectFrom("t_gateway_response_items").select("item_id").execute()).toEqual([{ item_id: gpt.output[0].id }]);

      const retention = g.deps.settings.logRetentionDays;
      g.clock.advance((retention + 1) * DAY);
      const summary = await runLogPurge(jobContextFrom(g.deps));
      expect(summary.responsesDeleted).toBe(4);
      const left = await g.database.handle.db.selectFrom("t_gateway_response_items").select("item_id").execute();
      expect(left).toEqual([]);
      await expect(client.responses.retrieve(first.id)).rejects.toMatchObject({ status: 404 });
    });
  });
}
