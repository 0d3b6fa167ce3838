/**
 * Fresh, isolated databases for data-layer suites: an SQLite file, a MariaDB database over TCP
 * (mysql2), and the same MariaDB behind the local PlanetScale HTTP simulator — real drivers,
 * real protocols. Each call gets its own database, dropped on `drop()`.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";
import { createDatabase, type DatabaseHandle } from "../../db/connection";
import { startPlanetScaleSimulator } from "./planetscale-simulator";
import { MARIADB_URL, isCi, mariadbAvailable, skipNotice } from "./services";

/** The three database paths the data layer supports. */
export type TestDatabaseKind = "sqlite" | "mariadb" | "planetscale";
export const TEST_DATABASE_KINDS: readonly TestDatabaseKind[] = ["sqlite", "mariadb", "planetscale"];

/** An open test database and its teardown. */
export interface TestDatabase {
  kind: TestDatabaseKind;
  handle: DatabaseHandle;
  drop(): Promise<void>;
}

/** Whether a kind can run here; prints a skip notice (or throws under CI) when it cannot. */
export async function testDatabaseAvailable(kind: TestDatabaseKind, suite: string): Promise<boolean> {
  if (kind === "sqlite") return true;
  if (await mariadbAvailable) return true;
  if (isCi) throw new Error(`${suite}: MariaDB is required under CI=true`);
  skipNotice(`${suite} [${kind}]`, "MariaDB");
  return false;
}

async function createMariadbDatabase(): Promise<string> {
  const name = `mg_test_${randomBytes(5).toString("hex")}`;
  const connection = await createConnection(MARIADB_URL);
  await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await connection.end();
  return name;
}

async function dropMariadbDatabase(name: string): Promise<void> {
  const connection = await createConnection(MARIADB_URL);
  await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await connection.end();
}

/** Opens a fresh, empty database of the given kind. */
export async function openTestDatabase(kind: TestDatabaseKind): Promise<TestDatabase> {
  if (kind === "sqlite") {
    const directory = mkdtempSync(join(tmpdir(), "modelgate-sqlite-"));
    const handle = await createDatabase({ kind: "sqlite", file: join(directory, "test.sqlite") });
    return {
      kind,
      handle,
      drop: async () => {
        await handle.close();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  }
  const name = await createMariadbDatabase();
  if (kind === "mariadb") {
    const handle = await createDatabase({ kind: "mysql", url: `${MARIADB_URL}/${name}` });
    return {
      kind,
      handle,
      drop: async () => {
        await handle.close();
        await dropMariadbDatabase(name);
      },
    };
  }
  const simulator = await startPlanetScaleSimulator({ mysqlUrl: MARIADB_URL, database: name, createDatabase: false });
  const url = new URL(simulator.url);
  const handle = await createDatabase({
    kind: "planetscale",
    host: `${url.protocol}//${url.host}`,
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  });
  return {
    kind,
    handle,
    drop: async () => {
      await handle.close();
      await simulator.close();
      await dropMariadbDatabase(name);
    },
  };
}
