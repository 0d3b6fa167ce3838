/**
 * Replays request-log rows that could not be inserted when they happened: the gateway wrote each
 * as one stdout line `{"type":"api_log","row":{…}}` (lib/gateway/api-log-writer.ts). Reads the
 * files named on the command line, or stdin, picks out those lines (prefixes such as CloudWatch's
 * timestamp and request id are fine, other lines are ignored), and inserts each row once: a row
 * whose request id is already in `t_ai_api_logs` is skipped, so replaying twice is harmless.
 *
 *   npm run replay-logs -- gateway.log [more.log …]
 *   aws logs tail /aws/lambda/… --since 1d | npm run replay-logs
 *
 * The database comes from the environment, as for the gateway (DATABASE_URL, DATABASE_HOST/…,
 * or the embedded SQLite file under DATA_DIR).
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createDatabase } from "../db/connection";
import { replayApiLogLines, type ReplayResult } from "../lib/gateway/api-log-writer";
import { parseSettings } from "../lib/config/settings";
import { runScript } from "../lib/runtime/fatal-error";

runScript("replay-logs failed", async () => {
  const settings = parseSettings(process.env);
  const database = await createDatabase(settings.database);
  const sources = process.argv.slice(2);
  const total: ReplayResult = { rows: 0, inserted: 0, duplicates: 0, invalid: 0 };
  try {
    for (const source of sources.length > 0 ? sources : ["-"]) {
      const input = source === "-" ? process.stdin : createReadStream(source, "utf8");
      const result = await replayApiLogLines(database.db, createInterface({ input, crlfDelay: Infinity }));
      for (const field of Object.keys(total) as Array<keyof ReplayResult>) total[field] += result[field];
    }
    process.stdout.write(`${JSON.stringify({ replayed: total })}\n`);
  } finally {
    await database.close();
  }
  return total.invalid > 0 ? 1 : 0;
});
