/**
 * The gateway's own SQL on every supported database: key status updates (the extend-only
 * cooldown CASE, the shared failure count), the log insert and the idempotent replay
 * (INSERT IGNORE / INSERT OR IGNORE), on SQLite, MariaDB and PlanetScale (simulator).
 */
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { replayApiLogLines } from "../../lib/gateway/api-log-writer";
import { reply } from "../support/fake-upstream";
import { testDatabaseAvailable, TEST_DATABASE_KINDS } from "../support/test-databases";
import { chatBody, startGatewayFixture, type GatewayFixture } from "./gateway-fixtures";

const PRIMARY = "sk-primary-key-000000000001";
const BACKUP = "sk-backup-key-0000000000002";
const MODEL = "gpt-4o-mini";

for (const kind of TEST_DATABASE_KINDS) {
  const available = await testDatabaseAvailable(kind, "gateway SQL");
  describe.skipIf(!available)(`gateway SQL on ${kind}`, () => {
    let g: GatewayFixture;
    beforeEach(async () => {
      g = await startGatewayFixture({ database: kind });
    });
    afterEach(async () => {
      await g?.close();
    });

    it("updates key status rows and writes log rows", async () => {
      const primary = await g.addKey("openai", PRIMARY, { priority: 10 });
      await g.addKey("openai", BACKUP, { priority: 1 });
      g.upstream.script(PRIMARY, [reply.serverError(), reply.serverError(), reply.serverError(), reply.rateLimited({ retryAfterSeconds: 90 })]);
      for (let request = 0; request < 3; request++) expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      expect(await g.keyRow(primary)).toMatchObject({ status: "error", consecutive_failures: 3, cooldown_until: g.clock.now() + 30_000 });
      g.clock.advance(31_000);
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      expect(await g.keyRow(primary)).toMatchObject({ status: "rate_limited", cooldown_until: g.clock.now() + 90_000 });
      const rows = await g.logRows();
      expect(rows).toHaveLength(4);
      expect(rows.every((row) => row.status === "success" && row.attempts === 2)).toBe(true);
      expect(Number(rows[0].cost)).toBeCloseTo((12 * 0.15 + 7 * 0.6) / 1e6, 12);
    });

    it("falls back to a stdout line when the insert fails, and replays it once", async () => {
      await g.addKey("openai", PRIMARY);
      const { db } = g.database.handle;
      await sql`ALTER TABLE t_ai_api_logs RENAME TO t_ai_api_logs_paused`.execute(db);
      expect((await g.chat(chatBody(MODEL))).status).toBe(200);
      await sql`ALTER TABLE t_ai_api_logs_paused RENAME TO t_ai_api_logs`.execute(db);
      expect(g.apiLogLines).toHaveLength(1);
      expect(await replayApiLogLines(db, g.apiLogLines)).toMatchObject({ inserted: 1, duplicates: 0 });
      expect(await replayApiLogLines(db, g.apiLogLines)).toMatchObject({ inserted: 0, duplicates: 1 });
      expect(await g.logRows()).toHaveLength(1);
    });
  });
}
