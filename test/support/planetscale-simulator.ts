/**
 * A local PlanetScale HTTP API in front of a real MariaDB/MySQL, so tests run the real
 * `@planetscale/database` driver (and `kysely-planetscale` on top of it) over the real wire
 * protocol. What it speaks (as the driver sends it, https://github.com/planetscale/database-js):
 *
 * - `POST /psdb.v1alpha1.Database/Execute` `{query, session}` and `/CreateSession` `{}`
 *   (plus `/CloseSession`), HTTP Basic auth, JSON in and out.
 * - Results as protobuf-JSON: `fields` with Vitess type names, `rows` as `{lengths, values}`
 *   (byte lengths as strings, `-1` for NULL; `values` = base64 of the non-null values
 *   concatenated), `rowsAffected`/`insertId` as strings, zero values omitted.
 * - SQL errors as HTTP 200 `{session, error: {code, message}}`, the message carrying
 *   `(errno N) (sqlstate S)` like Vitess; the driver turns that into `DatabaseError`.
 * - Sessions: the driver echoes the session it was given. A session that starts a transaction
 *   (or sets session state) is pinned to one MySQL connection until COMMIT/ROLLBACK; pinned
 *   sessions idle longer than `sessionIdleTimeoutMs` are rolled back and dropped.
 *
 * Connections use `typeCast: false`, so values travel as the exact text-protocol bytes MySQL
 * sent, the same bytes Vitess would forward. Every connection runs with `time_zone = '+00:00'`
 * as PlanetScale does. Listens on 127.0.0.1 only.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createPool, type FieldPacket, type Pool, type PoolConnection, type ResultSetHeader } from "mysql2/promise";

/** Options for {@link startPlanetScaleSimulator}. */
export interface PlanetScaleSimulatorOptions {
  /** Server to sit in front of, e.g. `mysql://root@127.0.0.1:3306` (any path is ignored). */
  mysqlUrl: string;
  /** Database every query runs in (PlanetScale credentials are bound to one database too). */
  database: string;
  /**
   * Basic-auth user the simulator accepts.
   * @default "modelgate"
   */
  username?: string;
  /**
   * Basic-auth password the simulator accepts.
   * @default "simulator-password"
   */
  password?: string;
  /**
   * Create `database` (utf8mb4) when it does not exist.
   * @default true
   */
  createDatabase?: boolean;
  /**
   * Drop `database` in {@link PlanetScaleSimulator.close}; for per-run databases.
   * @default false
   */
  dropDatabaseOnClose?: boolean;
  /**
   * A session pinned to a connection (open transaction, session variables) is rolled back and
   * released after this long without a request.
   * @default 10_000 (as mattrobenolt/ps-http-sim)
   */
  sessionIdleTimeoutMs?: number;
  /**
   * MySQL connections in the pool (pinned sessions included).
   * @default 10
   */
  connectionLimit?: number;
}

/** A running simulator. */
export interface PlanetScaleSimulator {
  /** `http://user:pass@127.0.0.1:port`: pass as `url` to `connect()`, `Client` or `PlanetScaleDialect`. */
  url: string;
  /** Execute requests answered so far (failed ones included). */
  readonly queries: number;
  /** Sessions currently pinned to a MySQL connection. */
  readonly pinnedSessions: number;
  /** Stops listening, rolls back open transactions, ends the pool (and drops the database if asked). */
  close(): Promise<void>;
}

/** The opaque session the driver echoes back; only `vitessSession.sessionUUID` matters here. */
interface WireSession {
  signature: string;
  vitessSession: { sessionUUID: string; autocommit: boolean; inTransaction?: boolean };
}

interface PinnedSession {
  connection: PoolConnection;
  inTransaction: boolean;
  /** Session variables were set: the connection is this session's for good. */
  reserved: boolean;
  /** `SET TRANSACTION …` waits for the next BEGIN on this same connection. */
  awaitingTransaction: boolean;
  /** Requests running on the connection; the idle sweep leaves busy sessions alone. */
  busy: number;
  lastUsedAt: number;
}

type StatementKind = "begin" | "end" | "set-transaction" | "set-session" | "other";

interface MysqlError {
  errno?: number;
  sqlState?: string;
  sqlMessage?: string;
  message?: string;
  code?: string;
}

const DATABASE_NAME = /^[A-Za-z0-9_]{1,64}$/;

/** Starts the simulator on a free 127.0.0.1 port. */
export async function startPlanetScaleSimulator(options: PlanetScaleSimulatorOptions): Promise<PlanetScaleSimulator> {
  const {
    mysqlUrl,
    database,
    username = "modelgate",
    password = "simulator-password",
    createDatabase = true,
    dropDatabaseOnClose = false,
    sessionIdleTimeoutMs = 10_000,
    connectionLimit = 10,
  } = options;
  if (!DATABASE_NAME.test(database)) throw new Error(`database must match ${DATABASE_NAME}, got "${database}"`);
  const target = parseMysqlUrl(mysqlUrl);
  if (createDatabase) {
    await withAdminConnection(target, (admin) =>
      admin.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`),
    );
  }

  const pool: Pool = createPool({
    ...target,
    database,
    connectionLimit,
    charset: "utf8mb4",
    // Raw text-protocol bytes, rows as arrays: exactly what goes on the wire to the driver.
    typeCast: false,
    rowsAsArray: true,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    multipleStatements: false,
    // PlanetScale HTTP sessions carry ClientFoundRows=true (as mattrobenolt/ps-http-sim's session.go does), so an
    // UPDATE counts matched rows; mysql2's default FOUND_ROWS flag gives the same.
    flags: ["FOUND_ROWS"],
  });
  pool.pool.on("connection", (connection) => {
    // Queued ahead of the first query on this connection; a failure there surfaces on that query.
    connection.query("SET time_zone = '+00:00'", () => undefined);
  });

  const expectedAuthorization = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  const sessions = new Map<string, PinnedSession>();
  let queries = 0;

  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const [sessionId, pinned] of sessions) {
      if (pinned.busy === 0 && now - pinned.lastUsedAt > sessionIdleTimeoutMs) {
        sessions.delete(sessionId);
        // destroy() rather than release(): the server rolls back, and no session state leaks into the pool.
        pinned.connection.destroy();
      }
    }
  }, Math.max(50, Math.min(1_000, sessionIdleTimeoutMs / 2)));
  sweeper.unref();

  async function execute(body: { query?: unknown; session?: WireSession | null }): Promise<Record<string, unknown>> {
    queries += 1;
    const started = performance.now();
    const clientSession = body.session?.vitessSession;
    const sessionId = typeof clientSession?.sessionUUID === "string" ? clientSession.sessionUUID : randomUUID();
    const sql = typeof body.query === "string" ? body.query : "";
    const kind = classify(sql);
    let pinned = sessions.get(sessionId);
    let outcome: Record<string, unknown>;
    if (clientSession?.inTransaction && !pinned) {
      outcome = { error: sqlError({ errno: 1317, sqlState: "70100", sqlMessage: "transaction ended: the session was idle too long or was closed" }) };
    } else {
      try {
        if (!pinned && kind !== "other" && kind !== "end") {
          pinned = { connection: await pool.getConnection(), inTransaction: false, reserved: false, awaitingTransaction: false, busy: 0, lastUsedAt: 0 };
          sessions.set(sessionId, pinned);
        }
        if (pinned) pinned.busy += 1;
        const [rows, fields] = await (pinned?.connection ?? pool).query({ sql, rowsAsArray: true });
        if (pinned && kind === "begin") Object.assign(pinned, { inTransaction: true, awaitingTransaction: false });
        if (pinned && kind === "end") pinned.inTransaction = false;
        if (pinned && kind === "set-transaction") pinned.awaitingTransaction = true;
        if (pinned && kind === "set-session") pinned.reserved = true;
        outcome = { result: toResult(rows as unknown, fields as FieldPacket[] | undefined) };
      } catch (error) {
        if (!isSqlError(error)) throw error;
        outcome = { error: sqlError(error) };
      } finally {
        if (pinned) {
          pinned.busy -= 1;
          pinned.lastUsedAt = Date.now();
          // Nothing left that ties the session to this connection: give it back.
          if (!pinned.inTransaction && !pinned.reserved && !pinned.awaitingTransaction && pinned.busy === 0) {
            sessions.delete(sessionId);
            pinned.connection.release();
            pinned = undefined;
          }
        }
      }
    }
    return { session: wireSession(sessionId, pinned?.inTransaction ?? false), ...outcome, timing: (performance.now() - started) / 1000 };
  }

  /** Vitess's error shape: the MySQL error with errno and SQLSTATE inside a vttablet message. */
  function sqlError(error: MysqlError): { code: string; message: string } {
    // Node socket errors carry negative errnos; report them as MySQL's "can't connect" (2003).
    const errno = error.errno !== undefined && error.errno > 0 ? error.errno : 2003;
    const code = vitessCode(errno);
    // Vitess also appends `Sql: "…", BindVars: {…}`; left out so parameter values never reach logs.
    const description = error.sqlMessage ?? error.message ?? "unknown error";
    const message = `target: ${database}.-.primary: vttablet: rpc error: code = ${code} desc = ${description} (errno ${errno}) (sqlstate ${error.sqlState ?? "HY000"}) (CallerID: ${username})`;
    return { code, message };
  }

  const routes: Record<string, (body: Record<string, unknown>) => Promise<Record<string, unknown>>> = {
    "/psdb.v1alpha1.Database/Execute": (body) => execute(body),
    "/psdb.v1alpha1.Database/CreateSession": async () => ({ session: wireSession(randomUUID(), false) }),
    "/psdb.v1alpha1.Database/CloseSession": async (body) => {
      const sessionId = (body.session as WireSession | null | undefined)?.vitessSession?.sessionUUID;
      const pinned = sessionId ? sessions.get(sessionId) : undefined;
      if (sessionId && pinned) {
        sessions.delete(sessionId);
        pinned.connection.destroy();
      }
      return { session: null };
    },
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : "internal error";
      if (!response.headersSent) sendJson(response, 500, { code: "internal", message });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const route = request.method === "POST" ? routes[new URL(request.url ?? "/", "http://127.0.0.1").pathname] : undefined;
    // Errors outside a query use the Connect protocol's `{code, message}`, which the driver reports as UnknownError.
    if (!route) return sendJson(response, 404, { code: "unimplemented", message: `${request.method} ${request.url} is not served` });
    if (request.headers.authorization !== expectedAuthorization) {
      return sendJson(response, 401, { code: "unauthenticated", message: "invalid username or password" });
    }
    let body: Record<string, unknown>;
    try {
      const text = await readBody(request);
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return sendJson(response, 400, { code: "invalid_argument", message: "request body is not JSON" });
    }
    sendJson(response, 200, await route(body));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = new URL(`http://127.0.0.1:${port}`);
  url.username = encodeURIComponent(username);
  url.password = encodeURIComponent(password);

  return {
    url: url.toString().replace(/\/$/, ""),
    get queries() {
      return queries;
    },
    get pinnedSessions() {
      return sessions.size;
    },
    async close() {
      clearInterval(sweeper);
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      for (const pinned of sessions.values()) pinned.connection.destroy();
      sessions.clear();
      await pool.end();
      if (dropDatabaseOnClose) await withAdminConnection(target, (admin) => admin.query(`DROP DATABASE IF EXISTS \`${database}\``));
    },
  };
}

function wireSession(sessionId: string, inTransaction: boolean): WireSession {
  return { signature: "", vitessSession: { sessionUUID: sessionId, autocommit: true, ...(inTransaction && { inTransaction }) } };
}

function toResult(rows: unknown, fields: FieldPacket[] | undefined): { fields?: VitessField[]; rows?: VitessRow[]; rowsAffected?: string; insertId?: string } {
  if (!Array.isArray(rows)) {
    // INSERT/UPDATE/DELETE/DDL: proto3 JSON omits zero values, and 64-bit numbers are strings.
    const header = rows as ResultSetHeader;
    return {
      ...(Number(header.affectedRows) > 0 && { rowsAffected: String(header.affectedRows) }),
      ...(Number(header.insertId) > 0 && { insertId: String(header.insertId) }),
    };
  }
  const vitessFields = (fields ?? []).map(vitessField);
  const vitessRows = (rows as (Buffer | null)[][]).map(vitessRow);
  return { fields: vitessFields, ...(vitessRows.length > 0 && { rows: vitessRows }) };
}

/** One column in Vitess's `query.Field` JSON shape (name, type, table, orgTable, database, …), zero values omitted. */
type VitessField = Record<string, string | number>;

/** One row in Vitess's `query.Row` JSON shape. */
interface VitessRow {
  lengths: string[];
  values?: string;
}

const UNSIGNED_FLAG = 32;
const ENUM_FLAG = 256;
const SET_FLAG = 2048;
const BINARY_CHARSET = 63;

/** Vitess integer type names by MySQL column type, as [signed, unsigned]. */
const INTEGER_TYPES: Record<number, [string, string]> = { 1: ["INT8", "UINT8"], 2: ["INT16", "UINT16"], 9: ["INT24", "UINT24"], 3: ["INT32", "UINT32"], 8: ["INT64", "UINT64"] };
/** Vitess type names that depend on the MySQL column type alone. */
const FIXED_TYPES: Record<number, string> = {
  0: "DECIMAL", 246: "DECIMAL", 4: "FLOAT32", 5: "FLOAT64", 16: "BIT", 245: "JSON", 247: "ENUM", 248: "SET", 255: "GEOMETRY",
  7: "TIMESTAMP", 10: "DATE", 14: "DATE", 11: "TIME", 12: "DATETIME", 13: "YEAR",
};

/** The Vitess type name for a mysql2 column, or undefined for NULL (the driver fills in "NULL"). */
function vitessType(field: FieldPacket): string | undefined {
  const columnType = field.columnType ?? field.type ?? 6;
  const flags = Number(field.flags);
  const binary = field.characterSet === BINARY_CHARSET;
  // MariaDB's JSON is LONGTEXT with a json_valid check; its extended metadata says "json" (mysql2 ≥ 3.x exposes it).
  if (field.extendedFormat === "json") return "JSON";
  if (columnType === 6) return undefined;
  const integer = INTEGER_TYPES[columnType];
  if (integer) return integer[flags & UNSIGNED_FLAG ? 1 : 0];
  const fixed = FIXED_TYPES[columnType];
  if (fixed) return fixed;
  if (columnType >= 249 && columnType <= 252) return binary ? "BLOB" : "TEXT";
  if (columnType === 15 || columnType === 253) return binary ? "VARBINARY" : "VARCHAR";
  if (columnType === 254) return flags & ENUM_FLAG ? "ENUM" : flags & SET_FLAG ? "SET" : binary ? "BINARY" : "CHAR";
  return binary ? "VARBINARY" : "VARCHAR";
}

function vitessField(field: FieldPacket): VitessField {
  const entries: [string, unknown][] = [
    ["name", field.name],
    ["type", vitessType(field)],
    ["table", field.table],
    ["orgTable", field.orgTable],
    ["database", field.schema],
    ["orgName", field.orgName],
    ["columnLength", field.columnLength],
    ["charset", field.characterSet],
    ["decimals", field.decimals],
    ["flags", Number(field.flags)],
  ];
  // proto3 JSON leaves out empty strings and zeros, but a column always has a name.
  return Object.fromEntries(entries.filter(([key, value]) => key === "name" || (value !== undefined && value !== "" && value !== 0))) as VitessField;
}

function vitessRow(values: (Buffer | null)[]): VitessRow {
  const present = values.filter((value): value is Buffer => value !== null);
  const row: VitessRow = { lengths: values.map((value) => (value === null ? "-1" : String(value.length))) };
  if (present.length > 0) row.values = Buffer.concat(present).toString("base64");
  return row;
}

/** What a statement does to session pinning; leading comments and whitespace are skipped. */
function classify(sql: string): StatementKind {
  const statement = sql.replace(/^(\s+|\/\*[\s\S]*?\*\/|(--|#)[^\n]*\n)*/, "").toUpperCase();
  if (/^(BEGIN|START\s+TRANSACTION)\b/.test(statement)) return "begin";
  if (/^(COMMIT|ROLLBACK)\b/.test(statement) && !/^ROLLBACK\s+(WORK\s+)?TO\b/.test(statement)) return "end";
  if (/^SET\s+((SESSION|LOCAL)\s+)?TRANSACTION\b/.test(statement)) return "set-transaction";
  if (/^SET\s+(GLOBAL\b|@@GLOBAL\.)/.test(statement)) return "other";
  if (/^SET\b/.test(statement)) return "set-session";
  return "other";
}

/** Vitess's gRPC-style code for a MySQL errno; callers should match on the errno in the message instead. */
function vitessCode(errno: number): string {
  if (errno === 1062) return "ALREADY_EXISTS";
  if (errno === 1146 || errno === 1049) return "NOT_FOUND";
  if (errno === 1205 || errno === 1213 || errno === 1317) return "ABORTED";
  if ([1048, 1054, 1064, 1264, 1292, 1364, 1366, 1406].includes(errno)) return "INVALID_ARGUMENT";
  if (errno >= 2000 && errno < 3000) return "UNAVAILABLE";
  return "UNKNOWN";
}

function isSqlError(error: unknown): error is MysqlError {
  if (typeof error !== "object" || error === null) return false;
  const candidate = error as MysqlError;
  return typeof candidate.errno === "number" || typeof candidate.sqlState === "string";
}

interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
}

function parseMysqlUrl(mysqlUrl: string): MysqlTarget {
  const url = new URL(mysqlUrl);
  if (url.protocol !== "mysql:" && url.protocol !== "mariadb:") throw new Error(`mysqlUrl must be mysql://…, got protocol ${url.protocol}`);
  return {
    host: url.hostname || "127.0.0.1",
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username || "root"),
    password: decodeURIComponent(url.password),
  };
}

async function withAdminConnection<T>(target: MysqlTarget, work: (admin: Pool) => Promise<T>): Promise<T> {
  const admin = createPool({ ...target, connectionLimit: 1 });
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
