/**
 * The PlanetScale simulator through Kysely's `kysely-planetscale` dialect: what comes back for
 * each column type with the dialect's default cast and with a numeric cast like db/connection.ts
 * uses, insert ids and row counts, errors, and transactions (including an isolation level).
 */
import { randomBytes } from "node:crypto";
import { cast, DatabaseError, type Field } from "@planetscale/database";
import { Kysely, sql, type Generated } from "kysely";
import { inflateDates, PlanetScaleDialect } from "kysely-planetscale";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPlanetScaleSimulator, type PlanetScaleSimulator } from "../support/planetscale-simulator";
import { isCi, MARIADB_URL, mariadbAvailable, skipNotice } from "../support/services";

const available = await mariadbAvailable;
if (!available && isCi) throw new Error("PlanetScale simulator suite: MariaDB is required under CI=true");
if (!available) skipNotice("PlanetScale simulator (kysely)", "MariaDB");

interface ProbeTable {
  id: Generated<number | string>;
  amount: number | string;
  big: number | string | null;
  price: number | string | null;
  ratio: number | null;
  label: string;
  notes: string | null;
  seen_at: Date | string | null;
  meta: unknown;
}
interface ProbeDatabase {
  kysely_probe: ProbeTable;
}

/** Numbers for 64-bit integers and decimals while they are exact; digits as a string beyond 2^53. */
function numericCast(field: Field, value: string | null): unknown {
  if (value !== null && (field.type === "INT64" || field.type === "UINT64" || field.type === "DECIMAL")) {
    const number = Number(value);
    return Number.isSafeInteger(number) || field.type === "DECIMAL" ? number : value;
  }
  return inflateDates(field, value);
}

describe.skipIf(!available)("PlanetScale simulator with kysely-planetscale", () => {
  const database = `modelgate_ps_${randomBytes(4).toString("hex")}`;
  let simulator: PlanetScaleSimulator;
  let defaultDb: Kysely<ProbeDatabase>;
  let numericDb: Kysely<ProbeDatabase>;

  beforeAll(async () => {
    simulator = await startPlanetScaleSimulator({ mysqlUrl: MARIADB_URL, database, dropDatabaseOnClose: true });
    defaultDb = new Kysely<ProbeDatabase>({ dialect: new PlanetScaleDialect({ url: simulator.url }) });
    numericDb = new Kysely<ProbeDatabase>({ dialect: new PlanetScaleDialect({ url: simulator.url, cast: numericCast }) });
    await defaultDb.schema
      .createTable("kysely_probe")
      .addColumn("id", "bigint", (column) => column.primaryKey().autoIncrement())
      .addColumn("amount", "integer", (column) => column.notNull())
      .addColumn("big", "bigint")
      .addColumn("price", "decimal(12, 4)")
      .addColumn("ratio", "double precision")
      .addColumn("label", "varchar(100)", (column) => column.notNull().unique())
      .addColumn("notes", "text")
      .addColumn("seen_at", "datetime(3)")
      .addColumn("meta", "json")
      .execute();
  });
  afterAll(async () => {
    await defaultDb?.destroy();
    await numericDb?.destroy();
    await simulator?.close();
  });

  it("inserts with a bigint insertId and updates/deletes with bigint row counts", async () => {
    const inserted = await defaultDb
      .insertInto("kysely_probe")
      .values({
        amount: 42,
        big: "9007199254740993",
        price: "12.5",
        ratio: 0.25,
        label: "first",
        notes: "ünïcode ✓",
        seen_at: new Date("2026-01-02T03:04:05.678Z"),
        meta: JSON.stringify({ tags: ["a", "b"] }),
      })
      .executeTakeFirstOrThrow();
    expect(inserted.insertId).toBe(1n);
    const updated = await defaultDb.updateTable("kysely_probe").set({ ratio: 0.5 }).where("label", "=", "first").executeTakeFirstOrThrow();
    expect(updated.numUpdatedRows).toBe(1n);
    await defaultDb.insertInto("kysely_probe").values({ amount: 1, label: "doomed", meta: null }).execute();
    const deleted = await defaultDb.deleteFrom("kysely_probe").where("label", "=", "doomed").executeTakeFirstOrThrow();
    expect(deleted.numDeletedRows).toBe(1n);
  });

  it("default cast (inflateDates): BIGINT and DECIMAL as strings, DATETIME as a UTC Date, JSON parsed", async () => {
    const row = await defaultDb.selectFrom("kysely_probe").selectAll().where("label", "=", "first").executeTakeFirstOrThrow();
    expect(row).toEqual({
      id: "1",
      amount: 42,
      big: "9007199254740993",
      price: "12.5000",
      ratio: 0.5,
      label: "first",
      notes: "ünïcode ✓",
      seen_at: new Date("2026-01-02T03:04:05.678Z"),
      meta: { tags: ["a", "b"] },
    });
    const counted = await defaultDb.selectFrom("kysely_probe").select((eb) => [eb.fn.countAll().as("total"), eb.fn.sum("amount").as("sum")]).executeTakeFirstOrThrow();
    expect(counted).toEqual({ total: "1", sum: "42" });
  });

  it("a numeric cast makes ids, counts and sums numbers, keeping unsafe BIGINTs exact as strings", async () => {
    const row = await numericDb.selectFrom("kysely_probe").select(["id", "big", "price", "seen_at"]).where("label", "=", "first").executeTakeFirstOrThrow();
    expect(row).toEqual({ id: 1, big: "9007199254740993", price: 12.5, seen_at: new Date("2026-01-02T03:04:05.678Z") });
    const counted = await numericDb.selectFrom("kysely_probe").select((eb) => [eb.fn.countAll().as("total"), eb.fn.sum("amount").as("sum")]).executeTakeFirstOrThrow();
    expect(counted).toEqual({ total: 1, sum: 42 });
    // A cast that replaces inflateDates without calling it (as the driver's own `cast` does) leaves DATETIME a string.
    const plainCast = new Kysely<ProbeDatabase>({ dialect: new PlanetScaleDialect({ url: simulator.url, cast }) });
    const plain = await plainCast.selectFrom("kysely_probe").select("seen_at").executeTakeFirstOrThrow();
    expect(plain.seen_at).toBe("2026-01-02 03:04:05.678");
    await plainCast.destroy();
  });

  it("surfaces a duplicate key as the driver's DatabaseError with errno 1062", async () => {
    const error = await defaultDb
      .insertInto("kysely_probe")
      .values({ amount: 1, label: "first", meta: null })
      .execute()
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).message).toMatch(/\(errno 1062\)/);
  });

  it("commits a transaction, with an isolation level set on the same pinned connection", async () => {
    await defaultDb
      .transaction()
      .setIsolationLevel("serializable")
      .execute(async (trx) => {
        await trx.insertInto("kysely_probe").values({ amount: 2, label: "committed", meta: null }).execute();
        // SET TRANSACTION only affects the next transaction, so this holds only if BEGIN ran on the same connection.
        const level = await sql<{ level: string }>`SELECT trx_isolation_level AS level FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = CONNECTION_ID()`.execute(trx);
        expect(level.rows).toEqual([{ level: "SERIALIZABLE" }]);
      });
    const found = await defaultDb.selectFrom("kysely_probe").select("amount").where("label", "=", "committed").executeTakeFirst();
    expect(found).toEqual({ amount: 2 });
    expect(simulator.pinnedSessions).toBe(0);
  });

  it("rolls a transaction back when the callback throws", async () => {
    await expect(
      defaultDb.transaction().execute(async (trx) => {
        await trx.insertInto("kysely_probe").values({ amount: 3, label: "rolled back", meta: null }).execute();
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    const found = await defaultDb.selectFrom("kysely_probe").select("id").where("label", "=", "rolled back").execute();
    expect(found).toEqual([]);
    expect(simulator.pinnedSessions).toBe(0);
  });
});
