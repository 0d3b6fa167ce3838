/**
 * The PlanetScale simulator through the real `@planetscale/database` driver: wire format,
 * Vitess type names and the driver's default cast, errors, sessions and transactions.
 */
import { randomBytes } from "node:crypto";
import { Client, connect, DatabaseError } from "@planetscale/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPlanetScaleSimulator, type PlanetScaleSimulator } from "../support/planetscale-simulator";
import { isCi, MARIADB_URL, mariadbAvailable, skipNotice } from "../support/services";

const available = await mariadbAvailable;
if (!available && isCi) throw new Error("PlanetScale simulator suite: MariaDB is required under CI=true");
if (!available) skipNotice("PlanetScale simulator (driver)", "MariaDB");

/** Beyond 2^53: only exact as a string. */
const BIG = "9007199254740993";

describe.skipIf(!available)("PlanetScale simulator with @planetscale/database", () => {
  const database = `modelgate_ps_${randomBytes(4).toString("hex")}`;
  let simulator: PlanetScaleSimulator;
  let client: Client;

  beforeAll(async () => {
    simulator = await startPlanetScaleSimulator({ mysqlUrl: MARIADB_URL, database, dropDatabaseOnClose: true });
    client = new Client({ url: simulator.url });
    await client.execute(`CREATE TABLE probe (
      id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
      small_int INT NOT NULL,
      big_int BIGINT NULL,
      price DECIMAL(12, 4) NULL,
      ratio DOUBLE NULL,
      name VARCHAR(100) NOT NULL UNIQUE,
      body TEXT NULL,
      happened_at DATETIME(3) NULL,
      payload JSON NULL,
      flag TINYINT(1) NOT NULL DEFAULT 0
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
  });
  afterAll(async () => {
    await simulator?.close();
  });

  it("inserts with client-side parameters, returning insertId and rowsAffected", async () => {
    const result = await client.execute(
      "INSERT INTO probe (small_int, big_int, price, ratio, name, body, happened_at, payload, flag) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      [-5, BIG, "12.34", 1.5, "héllo ✓", "x".repeat(5000), "2026-01-02 03:04:05.678", JSON.stringify({ list: [1, 2], text: "ü" }), true],
    );
    expect(result.insertId).toBe("1");
    expect(result.rowsAffected).toBe(1);
    expect(result.rows).toEqual([]);
  });

  it("returns each type as the driver's default cast makes it, with Vitess type names", async () => {
    await client.execute("INSERT INTO probe (small_int, name) VALUES (?, ?)", [7, "all nulls"]);
    const result = await client.execute("SELECT * FROM probe ORDER BY id");
    expect(result.types).toEqual({
      id: "UINT64",
      small_int: "INT32",
      big_int: "INT64",
      price: "DECIMAL",
      ratio: "FLOAT64",
      name: "VARCHAR",
      body: "TEXT",
      happened_at: "DATETIME",
      payload: "JSON",
      flag: "INT8",
    });
    expect(result.rows[0]).toEqual({
      id: "1",
      small_int: -5,
      big_int: BIG,
      price: "12.3400",
      ratio: 1.5,
      name: "héllo ✓",
      body: "x".repeat(5000),
      happened_at: "2026-01-02 03:04:05.678",
      payload: { list: [1, 2], text: "ü" },
      flag: 1,
    });
    expect(result.rows[1]).toMatchObject({ id: "2", small_int: 7, big_int: null, price: null, ratio: null, body: null, happened_at: null, payload: null, flag: 0 });
    expect(result.fields[0]).toMatchObject({ name: "id", table: "probe", orgTable: "probe", database, orgName: "id", charset: 63 });
  });

  it("handles expressions: COUNT(*) as a string, NULL literals, binary values, array rows", async () => {
    const counted = await client.execute("SELECT COUNT(*) AS total, NULL AS nothing, x'00ff' AS raw, 'a' AS letter FROM probe");
    expect(counted.types).toMatchObject({ total: "INT64", nothing: "NULL", raw: "VARBINARY" });
    expect(counted.rows[0]).toEqual({ total: "2", nothing: null, raw: new Uint8Array([0, 255]), letter: "a" });
    const asArray = await client.execute("SELECT id, name FROM probe ORDER BY id", null, { as: "array" });
    expect(asArray.rows).toEqual([
      ["1", "héllo ✓"],
      ["2", "all nulls"],
    ]);
  });

  it("updates and deletes with affected-row counts", async () => {
    const updated = await client.execute("UPDATE probe SET ratio = ratio * 2 WHERE name = ?", ["héllo ✓"]);
    expect(updated.rowsAffected).toBe(1);
    expect((await client.execute("SELECT ratio FROM probe WHERE id = 1")).rows[0]).toEqual({ ratio: 3 });
    const none = await client.execute("UPDATE probe SET ratio = 0 WHERE id = 999");
    expect(none.rowsAffected).toBe(0);
    // PlanetScale sessions set ClientFoundRows: a no-op update of an existing row still counts as matched.
    const unchanged = await client.execute("UPDATE probe SET ratio = 3 WHERE id = 1");
    expect(unchanged.rowsAffected).toBe(1);
    const deleted = await client.execute("DELETE FROM probe WHERE id = ?", [2]);
    expect(deleted.rowsAffected).toBe(1);
  });

  it("surfaces a duplicate key as DatabaseError with errno 1062 in the message", async () => {
    const error = await client.execute("INSERT INTO probe (small_int, name) VALUES (1, ?)", ["héllo ✓"]).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(DatabaseError);
    const databaseError = error as DatabaseError;
    expect(databaseError.status).toBe(400);
    expect(databaseError.message).toMatch(/Duplicate entry .* \(errno 1062\) \(sqlstate 23000\)/);
    expect(databaseError.body.code).toBe("ALREADY_EXISTS");
  });

  it("reports other SQL errors by errno too", async () => {
    await expect(client.execute("SELEC nonsense")).rejects.toThrow(/\(errno 1064\) \(sqlstate 42000\)/);
    await expect(client.execute("SELECT * FROM missing_table")).rejects.toThrow(/\(errno 1146\) \(sqlstate 42S02\)/);
  });

  it("commits a transaction on one pinned connection, invisible to others until COMMIT", async () => {
    const pinnedBefore = simulator.pinnedSessions;
    const seenOutside: number[] = [];
    await client.transaction(async (tx) => {
      await tx.execute("INSERT INTO probe (small_int, name) VALUES (10, 'tx one')");
      await tx.execute("INSERT INTO probe (small_int, name) VALUES (11, 'tx two')");
      const inside = await tx.execute("SELECT COUNT(*) AS total FROM probe WHERE name LIKE 'tx %'");
      expect(inside.rows[0]).toEqual({ total: "2" });
      expect(simulator.pinnedSessions).toBe(pinnedBefore + 1);
      const outside = await client.execute("SELECT COUNT(*) AS total FROM probe WHERE name LIKE 'tx %'");
      seenOutside.push(Number((outside.rows[0] as { total: string }).total));
    });
    expect(seenOutside).toEqual([0]);
    const after = await client.execute("SELECT COUNT(*) AS total FROM probe WHERE name LIKE 'tx %'");
    expect(after.rows[0]).toEqual({ total: "2" });
    expect(simulator.pinnedSessions).toBe(pinnedBefore);
  });

  it("rolls a transaction back when the callback throws, and releases the connection", async () => {
    const pinnedBefore = simulator.pinnedSessions;
    await expect(
      client.transaction(async (tx) => {
        await tx.execute("INSERT INTO probe (small_int, name) VALUES (12, 'rolled back')");
        await tx.execute("INSERT INTO probe (small_int, name) VALUES (13, 'héllo ✓')");
      }),
    ).rejects.toThrow(/errno 1062/);
    const rows = await client.execute("SELECT id FROM probe WHERE name = 'rolled back'");
    expect(rows.rows).toEqual([]);
    expect(simulator.pinnedSessions).toBe(pinnedBefore);
  });

  it("keeps session variables on one connection and supports CreateSession", async () => {
    const connection = client.connection();
    await connection.refresh();
    await connection.execute("SET @marker = 42");
    expect((await connection.execute("SELECT @marker AS marker")).rows[0]).toEqual({ marker: "42" });
    // A different session does not see it.
    expect((await client.execute("SELECT @marker AS marker")).rows[0]).toEqual({ marker: null });
  });

  it("keeps SET TRANSACTION on the connection of the BEGIN that follows, even when other sessions interleave", async () => {
    const isolationOf = async (connection: ReturnType<Client["connection"]>) => {
      const result = await connection.execute("SELECT trx_isolation_level AS level FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = CONNECTION_ID()");
      return result.rows;
    };
    const pinnedBefore = simulator.pinnedSessions;
    const serializable = client.connection();
    const other = client.connection();
    await serializable.execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
    // Another session grabs a connection in between; it must not get the one holding the pending setting.
    await other.execute("BEGIN");
    await other.execute("SELECT COUNT(*) FROM probe");
    await serializable.execute("BEGIN");
    await serializable.execute("SELECT COUNT(*) FROM probe");
    expect(await isolationOf(serializable)).toEqual([{ level: "SERIALIZABLE" }]);
    expect(await isolationOf(other)).toEqual([{ level: "REPEATABLE READ" }]);
    await serializable.execute("ROLLBACK");
    await other.execute("ROLLBACK");
    expect(simulator.pinnedSessions).toBe(pinnedBefore);
  });

  it("releases a pinned session on CloseSession", async () => {
    const base = new URL(simulator.url);
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${base.protocol}//${base.host}/psdb.v1alpha1.Database/${path}`, {
        method: "POST",
        headers: { Authorization: `Basic ${Buffer.from(`${base.username}:${base.password}`).toString("base64")}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      return (await response.json()) as { session: { vitessSession: { inTransaction?: boolean } } | null };
    };
    const pinnedBefore = simulator.pinnedSessions;
    const begun = await post("Execute", { query: "BEGIN", session: null });
    expect(begun.session?.vitessSession.inTransaction).toBe(true);
    expect(simulator.pinnedSessions).toBe(pinnedBefore + 1);
    expect(await post("CloseSession", { session: begun.session })).toEqual({ session: null });
    expect(simulator.pinnedSessions).toBe(pinnedBefore);
  });

  it("runs in UTC like PlanetScale", async () => {
    const result = await client.execute("SELECT @@session.time_zone AS zone, UNIX_TIMESTAMP(NOW()) - UNIX_TIMESTAMP(UTC_TIMESTAMP()) AS skew");
    expect(result.rows[0]).toMatchObject({ zone: "+00:00", skew: "0" });
  });

  it("counts queries and rejects bad credentials and unknown routes like the real API", async () => {
    const before = simulator.queries;
    await client.execute("SELECT 1");
    expect(simulator.queries).toBe(before + 1);

    const wrong = new URL(simulator.url);
    wrong.password = "wrong";
    const denied = await connect({ url: wrong.toString() }).execute("SELECT 1").catch((reason: unknown) => reason);
    expect(denied).toBeInstanceOf(DatabaseError);
    expect((denied as DatabaseError).status).toBe(401);

    const base = new URL(simulator.url);
    const response = await fetch(`${base.protocol}//${base.host}/psdb.v1alpha1.Database/Prepare`, {
      method: "POST",
      headers: { Authorization: `Basic ${Buffer.from(`${base.username}:${base.password}`).toString("base64")}` },
      body: "{}",
    });
    expect(response.status).toBe(404);
  });
});

describe.skipIf(!available)("PlanetScale simulator session idle timeout", () => {
  it("rolls back an idle transaction and tells the next request in that session", async () => {
    const database = `modelgate_ps_${randomBytes(4).toString("hex")}`;
    const simulator = await startPlanetScaleSimulator({ mysqlUrl: MARIADB_URL, database, dropDatabaseOnClose: true, sessionIdleTimeoutMs: 150 });
    try {
      const client = new Client({ url: simulator.url });
      await client.execute("CREATE TABLE idle_probe (id INT PRIMARY KEY)");
      const connection = client.connection();
      await connection.execute("BEGIN");
      await connection.execute("INSERT INTO idle_probe VALUES (1)");
      expect(simulator.pinnedSessions).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(simulator.pinnedSessions).toBe(0);
      await expect(connection.execute("COMMIT")).rejects.toThrow(/errno 1317/);
      expect((await client.execute("SELECT COUNT(*) AS total FROM idle_probe")).rows[0]).toEqual({ total: "0" });
    } finally {
      await simulator.close();
    }
  });
});
