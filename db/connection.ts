/**
 * Connection factory: one Kysely query layer over three databases.
 * - SQLite file (better-sqlite3): the local default when nothing is configured.
 * - MySQL 8 / MariaDB over TCP (mysql2): `DATABASE_URL=mysql://…`.
 * - PlanetScale over HTTP (@planetscale/database via kysely-planetscale): the deployed default.
 * Drivers are imported lazily so a Lambda bundle never loads the native SQLite addon.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { Kysely, MysqlDialect, SqliteDialect, type SqliteDatabase, type SqliteStatement } from "kysely";
import type { Database } from "./schema";

/** SQL flavour the migrations and hand-written queries must speak. */
export type SqlDialect = "sqlite" | "mysql";

/** Where the data lives. */
export type DatabaseTarget =
  | { kind: "sqlite"; file: string }
  | { kind: "mysql"; url: string; connectionLimit?: number }
  | { kind: "planetscale"; host: string; username: string; password: string; fetch?: typeof fetch };

/** An open database: the query layer, its dialect, and a way to close it. */
export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: SqlDialect;
  kind: DatabaseTarget["kind"];
  /**
   * SQLite only: inserts rows that each set every one of `columns`, through one cached prepared
   * statement in one transaction, synchronously. For the request log's batches, where building
   * and compiling a many-row statement through the query builder cost more than SQLite's insert.
   * Returns false, having written nothing, while a query-builder transaction is open on the
   * connection: the rows would commit or roll back with it. `table` and `columns` are the code's
   * own names, never input.
   */
  insertRows?(table: string, columns: readonly string[], rows: readonly Record<string, unknown>[]): boolean;
  close(): Promise<void>;
}

/** Opens the database described by `target`. */
export async function createDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === "sqlite") return openSqlite(target.file);
  if (target.kind === "mysql") return openMysql(target.url, target.connectionLimit ?? 10);
  return openPlanetScale(target);
}

async function openSqlite(file: string): Promise<DatabaseHandle> {
  const { default: SqliteDatabase } = await import("better-sqlite3");
  if (file !== ":memory:") makePrivateDatabaseFile(file);
  const database = new SqliteDatabase(file);
  // WAL lets the dashboard read while the gateway writes; busy_timeout avoids "database is locked" under load.
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  return { db, dialect: "sqlite", kind: "sqlite", insertRows: rowInserter(database), close: () => db.destroy() };
}

/** {@link DatabaseHandle.insertRows} over one SQLite connection: a prepared statement per table and column list. */
function rowInserter(database: import("better-sqlite3").Database): NonNullable<DatabaseHandle["insertRows"]> {
  const inserts = new Map<string, (rows: readonly Record<string, unknown>[]) => void>();
  return (table, columns, rows) => {
    // Kysely holds the one connection for a transaction across awaits; a write now would join it.
    if (database.inTransaction) return false;
    const key = `${table}(${columns.join(",")})`;
    let insert = inserts.get(key);
    if (!insert) {
      const statement = database.prepare(`insert into "${table}" (${columns.map((column) => `"${column}"`).join(", ")}) values (${columns.map(() => "?").join(", ")})`);
      const values: unknown[] = new Array(columns.length);
      insert = database.transaction((batch: readonly Record<string, unknown>[]) => {
        for (const row of batch) {
          for (let index = 0; index < columns.length; index++) values[index] = row[columns[index]];
          statement.run(values);
        }
      });
      inserts.set(key, insert);
    }
    insert(rows);
    return true;
  };
}

/** Most prepared statements kept per SQLite connection. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * The connection with `prepare` answered from a small LRU cache by SQL text. Kysely prepares every
 * statement on every execution, and compiling SQL costs more than running it for the short
 * statements of the hot path (the batched log insert, the key and limit reads). Kysely runs one
 * query at a time on this one connection, so a cached statement is never busy when it is reused;
 * SQLite re-prepares a statement by itself after a schema change.
 */
function withStatementCache(database: import("better-sqlite3").Database): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement) {
        // Most recently used last, so the first key is the one to drop.
        statements.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}

/**
 * The database holds provider-key ciphertext, password hashes and request logs: owner only.
 * Directories this creates are 0700 (an existing one is the operator's and stays as it is); the
 * file is created 0600 before SQLite opens it, and an existing one and its -wal/-shm companions
 * are tightened to 0600. SQLite gives the -wal and -shm files it creates later the mode of the
 * database file, so they follow.
 */
function makePrivateDatabaseFile(file: string): void {
  // The umask can only take bits away from these modes, never add any.
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, "a", 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(path)) chmodSync(path, 0o600);
  }
}

async function openMysql(url: string, connectionLimit: number): Promise<DatabaseHandle> {
  const { createPool } = await import("mysql2");
  const pool = createPool({
    uri: url,
    connectionLimit,
    // Numbers as numbers: SUM()/DECIMAL and BIGINT epoch-ms columns are well inside 2^53.
    decimalNumbers: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    charset: "utf8mb4",
  });
  const db = new Kysely<Database>({ dialect: new MysqlDialect({ pool }) });
  return { db, dialect: "mysql", kind: "mysql", close: () => db.destroy() };
}

/** PlanetScale returns 64-bit integers and decimals as strings; the schema keeps them well inside 2^53. */
const NUMERIC_TYPES = new Set(["INT64", "UINT64", "DECIMAL"]);

async function openPlanetScale(target: Extract<DatabaseTarget, { kind: "planetscale" }>): Promise<DatabaseHandle> {
  const [{ PlanetScaleDialect }, { cast }] = await Promise.all([import("kysely-planetscale"), import("@planetscale/database")]);
  const isLocal = /^https?:\/\//.test(target.host);
  const connection = isLocal
    ? { url: withCredentials(target.host, target.username, target.password) }
    : { host: target.host, username: target.username, password: target.password };
  const db = new Kysely<Database>({
    dialect: new PlanetScaleDialect({
      ...connection,
      fetch: target.fetch,
      cast: (field, value) => {
        if (value === null || !NUMERIC_TYPES.has(field.type)) return cast(field, value);
        // Past 2^53 a number would silently lose digits: keep the exact string instead.
        const number = Number(value);
        return Number.isSafeInteger(number) || field.type === "DECIMAL" ? number : value;
      },
    }),
  });
  return { db, dialect: "mysql", kind: "planetscale", close: () => db.destroy() };
}

/** A host given as a full http(s) URL (a local simulator) keeps its scheme; credentials go into it. */
function withCredentials(base: string, username: string, password: string): string {
  const url = new URL(base);
  url.username = encodeURIComponent(username);
  url.password = encodeURIComponent(password);
  return url.toString().replace(/\/$/, "");
}
