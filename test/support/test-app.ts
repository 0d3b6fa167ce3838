/**
 * Builds the whole app over a real test database for route suites: migrated and seeded, a
 * fixed master key, a controllable clock, the in-memory limit store (or one passed in), and
 * a helper to log in as the bootstrap admin.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { migrateToLatest } from "../../db/migrate";
import { seedCatalogue } from "../../db/seed";
import { createApp, type AppOptions } from "../../lib/app";
import { hashPassword } from "../../lib/auth/password-hash";
import { parseSettings, type Settings } from "../../lib/config/settings";
import { KeyCipher } from "../../lib/crypto/key-cipher";
import type { AppDeps } from "../../lib/deps";
import type { LimitStore } from "../../lib/limits/limit-store";
import { MemoryLimitStore } from "../../lib/limits/memory-limit-store";
import { createStoreRequestLimiter, type RequestLimiter } from "../../lib/limits/request-limiter";
import { createLogger, type Logger } from "../../lib/logging/logger";
import { createUpstreamFetch } from "../../lib/providers/shared/upstream-fetch";
import { openTestDatabase, type TestDatabase, type TestDatabaseKind } from "./test-databases";

/** A clock tests move by hand. */
export class TestClock {
  constructor(public current = Date.UTC(2026, 10, 26, 12, 0, 0)) {}
  now(): number {
    return this.current;
  }
  advance(milliseconds: number): void {
    this.current += milliseconds;
  }
}

/** Everything a route suite needs. */
export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  clock: TestClock;
  database: TestDatabase;
  /** Every log line the app wrote, for "no secret in logs" assertions. */
  logLines: string[];
  adminToken(): Promise<string>;
  /** Fetch-like JSON helper against the app: `request("POST", "/api/…", body, token)`. */
  request(method: string, path: string, body?: unknown, token?: string | null): Promise<Response>;
  close(): Promise<void>;
}

export const TEST_ADMIN = { username: "admin", password: "correct horse battery staple" };

/** Options of {@link createTestApp}. */
export interface TestAppOptions {
  kind?: TestDatabaseKind;
  /** Passed to `createApp` (e.g. `{ gateway: { ttftTimeoutMs: 200 } }`). */
  app?: AppOptions;
  env?: Record<string, string>;
  limits?: LimitStore;
  requestLimiter?: RequestLimiter;
  fetch?: typeof fetch;
  logger?: Logger;
}

/** Creates a fresh app over a fresh database. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await openTestDatabase(options.kind ?? "sqlite");
  const clock = new TestClock();
  await migrateToLatest(database.handle);
  await seedCatalogue(database.handle.db, clock.now());
  const now = clock.now();
  await database.handle.db
    .insertInto("t_admin_users")
    .values({ username: TEST_ADMIN.username, password_hash: await hashPassword(TEST_ADMIN.password), role: "admin", is_active: 1, created_at: now, updated_at: now })
    .execute();
  // Fake upstreams and webhook receivers listen on 127.0.0.1, which the default policy refuses.
  const settings: Readonly<Settings> = parseSettings({ JWT_SECRET: randomBytes(32).toString("hex"), ALLOW_LOOPBACK_UPSTREAMS: "true", ...options.env });
  const limits = options.limits ?? new MemoryLimitStore();
  const logLines: string[] = [];
  const logger = options.logger ?? createLogger({ level: "debug", write: (line) => logLines.push(line), now: () => clock.now() });
  const deps: AppDeps = {
    settings,
    database: database.handle,
    limits,
    requestLimiter: options.requestLimiter ?? createStoreRequestLimiter(limits, { now: () => clock.now() }),
    cipher: new KeyCipher({ current: 1, keys: new Map([[1, randomBytes(32)]]) }),
    jwtSecret: settings.jwtSecret!,
    clock,
    newId: randomUUID,
    fetch: options.fetch ?? createUpstreamFetch({ destinations: settings.destinations }),
    logger,
  };
  const app = createApp(deps, options.app);
  const request = (method: string, path: string, body?: unknown, token?: string | null) =>
    Promise.resolve(
      app.request(path, {
        method,
        headers: {
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      }),
    );
  let cachedToken: string | undefined;
  const adminToken = async () => {
    if (cachedToken) return cachedToken;
    const response = await request("POST", "/api/auth/login", TEST_ADMIN);
    if (response.status !== 200) throw new Error(`admin login failed: ${response.status} ${await response.text()}`);
    cachedToken = ((await response.json()) as { data: { token: string } }).data.token;
    return cachedToken;
  };
  return { app, deps, clock, database, logLines, adminToken, request, close: () => database.drop() };
}
