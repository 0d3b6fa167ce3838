/**
 * The SQLite connection reuses prepared statements by SQL text: repeated queries keep giving
 * current answers, a statement prepared before a schema change still runs after it, and more
 * distinct statements than the cache holds all run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDatabase, type DatabaseHandle } from "../../db/connection";

describe("SQLite statement reuse", () => {
  let root: string;
  let handle: DatabaseHandle;
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), "modelgate-statements-"));
    handle = await createDatabase({ kind: "sqlite", file: join(root, "test.sqlite") });
    await sql`CREATE TABLE t_items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)`.execute(handle.db);
  });
  afterEach(async () => {
    await handle.close();
    rmSync(root, { recursive: true, force: true });
  });

  const count = async () => Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM t_items`.execute(handle.db)).rows[0].n);

  it("answers a repeated query with the current rows", async () => {
    expect(await count()).toBe(0);
    await sql`INSERT INTO t_items (name) VALUES (${"first"})`.execute(handle.db);
    await sql`INSERT INTO t_items (name) VALUES (${"second"})`.execute(handle.db);
    expect(await count()).toBe(2);
  });

  it("runs a statement prepared before a schema change after it", async () => {
    const select = () => sql<{ name: string }>`SELECT * FROM t_items ORDER BY id`.execute(handle.db);
    await sql`INSERT INTO t_items (name) VALUES (${"before"})`.execute(handle.db);
    expect((await select()).rows).toEqual([{ id: 1, name: "before" }]);
    await sql`ALTER TABLE t_items ADD COLUMN note TEXT`.execute(handle.db);
    await sql`UPDATE t_items SET note = ${"added"}`.execute(handle.db);
    expect((await select()).rows).toEqual([{ id: 1, name: "before", note: "added" }]);
  });

  it("runs more distinct statements than it keeps", async () => {
    for (let index = 0; index < 300; index++) await sql.raw(`INSERT INTO t_items (name) VALUES ('item ${index}')`).execute(handle.db);
    // The first statements were dropped from the cache by now: prepared again, they still run.
    for (let index = 0; index < 3; index++) await sql.raw(`INSERT INTO t_items (name) VALUES ('item ${index}')`).execute(handle.db);
    expect(await count()).toBe(303);
  });
});
