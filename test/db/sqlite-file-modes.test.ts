/**
 * The embedded SQLite database is private to its owner: the data directory it creates is 0700,
 * and the database file with its -wal and -shm companions are 0600, also when they existed
 * before with wider modes or are created later by SQLite itself.
 */
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import { loadOrCreateLocalSecret } from "../../lib/crypto/local-secret-file";

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe("SQLite file modes", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "modelgate-modes-"));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("creates the data directory 0700 and the database, -wal and -shm files 0600", async () => {
    const dataDir = join(root, "nested", "data");
    const file = join(dataDir, "modelgate.sqlite");
    const handle = await createDatabase({ kind: "sqlite", file });
    try {
      await migrateToLatest(handle);
      expect(modeOf(join(root, "nested"))).toBe("700");
      expect(modeOf(dataDir)).toBe("700");
      expect({ db: modeOf(file), wal: modeOf(`${file}-wal`), shm: modeOf(`${file}-shm`) }).toEqual({ db: "600", wal: "600", shm: "600" });
      // A secret created afterwards in the same directory keeps it private too.
      await loadOrCreateLocalSecret(dataDir, "jwt.secret", 48, { warn: () => undefined });
      expect(modeOf(dataDir)).toBe("700");
      expect(modeOf(join(dataDir, "jwt.secret"))).toBe("600");
    } finally {
      await handle.close();
    }
  });

  it("tightens a database and its companions left 0644 by an earlier version", async () => {
    const file = join(root, "modelgate.sqlite");
    const first = await createDatabase({ kind: "sqlite", file });
    await migrateToLatest(first);
    await first.close();
    writeFileSync(`${file}-wal`, "");
    for (const path of [file, `${file}-wal`]) chmodSync(path, 0o644);
    const second = await createDatabase({ kind: "sqlite", file });
    try {
      await second.db.insertInto("t_sys_job_state").values({ job_name: "mode-check", updated_at: 1 }).execute();
      expect({ db: modeOf(file), wal: modeOf(`${file}-wal`), shm: modeOf(`${file}-shm`) }).toEqual({ db: "600", wal: "600", shm: "600" });
    } finally {
      await second.close();
    }
  });
});
