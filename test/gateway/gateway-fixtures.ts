/**
 * A whole gateway over a fresh database, its providers pointed at a fake upstream, with helpers
 * to add provider keys and client keys, call the chat routes, serve on a real port and read the
 * log rows. Used by the router and gateway suites, and meant for benchmarks and cluster tests:
 *
 * ```ts
 * const g = await startGatewayFixture({ limits: "memory", gateway: { ttftTimeoutMs: 300 } });
 * const primary = await g.addKey("openai", "sk-primary-0000000001", { priority: 10, rateLimitRpm: 60 });
 * g.upstream.script("sk-primary-0000000001", reply.rateLimited({ retryAfterSeconds: 7 }));
 * const response = await g.chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
 * const baseURL = await g.listen(); // http://127.0.0.1:PORT/v1 for the openai SDK
 * await g.close();
 * ```
 */
import { randomUUID } from "node:crypto";
import { Redis as UpstashRedis } from "@upstash/redis";
import type { ApiKeyRow, ApiLogRow } from "../../db/schema";
import { clientKeyHint, generateClientKey, hashClientKey } from "../../lib/auth/client-keys";
import { catalogueChanged } from "../../lib/catalogue/catalogue-version";
import { keyHint } from "../../lib/crypto/key-cipher";
import type { GatewayOptions } from "../../lib/gateway/gateway";
import type { LimitStore } from "../../lib/limits/limit-store";
import { MemoryLimitStore } from "../../lib/limits/memory-limit-store";
import { createUpstashRequestLimiter, type RequestLimiter } from "../../lib/limits/request-limiter";
import { UpstashLimitStore } from "../../lib/limits/upstash-limit-store";
import { deleteKeysUnder, redisAvailableFor, redisUrl, uniquePrefix } from "../limits/redis-test-support";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream";
import { serveLocally, type LocalNodeServer } from "../support/local-node-server";
import { startUpstashBridge, type UpstashBridge } from "../support/upstash-bridge";
import { createTestApp, type TestApp } from "../support/test-app";
import type { TestDatabaseKind } from "../support/test-databases";

/** Which shared-state backend the gateway runs on. */
export type LimitBackendKind = "memory" | "upstash";

/** Backends a suite can run on here: memory always; Upstash (bridge + real Redis) when Redis answers (required under CI=true). */
export async function availableLimitBackends(suite: string): Promise<LimitBackendKind[]> {
  return (await redisAvailableFor(`${suite} [upstash]`)) ? ["memory", "upstash"] : ["memory"];
}

/** Options of {@link startGatewayFixture}. */
export interface GatewayFixtureOptions {
  /** @default "memory" */
  limits?: LimitBackendKind;
  /** @default "sqlite" */
  database?: TestDatabaseKind;
  /** Gateway tunables; the version check defaults to every request so tests see changes at once. */
  gateway?: GatewayOptions;
  /** Captures fallback log lines (in addition to the fixture's own `logLines`). */
  writeLogLine?: (line: string) => void;
  /** Settings on top of the test app's (e.g. `{ ALLOW_LOOPBACK_UPSTREAMS: "false" }`). */
  env?: Record<string, string>;
}

/** Options of {@link GatewayFixture.addKey}. */
export interface KeyOptions {
  name?: string;
  priority?: number;
  weight?: number;
  rateLimitRpm?: number | null;
  rateLimitTpm?: number | null;
  rateLimitRpd?: number | null;
  isActive?: boolean;
}

/** A running gateway fixture. */
export interface GatewayFixture extends TestApp {
  upstream: FakeUpstream;
  limits: LimitStore;
  /** The Upstash store's key prefix (unique per fixture); undefined on the memory store. */
  limitPrefix: string | undefined;
  /** Fallback api_log lines written instead of failed inserts. */
  apiLogLines: string[];
  /** Adds an active provider key (encrypted like the admin API does) and bumps the catalogue version. */
  addKey(providerCode: string, apiKey: string, options?: KeyOptions): Promise<number>;
  /** Creates a client key and returns it in full. */
  addClient(options?: { name?: string; allowedModels?: string[] | null; rateLimitRpm?: number | null }): Promise<string>;
  /** POSTs a chat body (`/v1/chat/completions` unless `path` says otherwise). */
  chat(body: unknown, options?: { token?: string; path?: string; headers?: Record<string, string> }): Promise<Response>;
  keyRow(keyId: number): Promise<ApiKeyRow>;
  logRows(): Promise<ApiLogRow[]>;
  /** Serves the app on 127.0.0.1 (port 0) and returns the `/v1` base URL. */
  listen(): Promise<string>;
}

/** Starts a fake upstream and a gateway whose three providers point at it. */
export async function startGatewayFixture(options: GatewayFixtureOptions = {}): Promise<GatewayFixture> {
  const upstream = await startFakeUpstream();
  const apiLogLines: string[] = [];
  let limits: LimitStore;
  let requestLimiter: RequestLimiter | undefined;
  let bridge: UpstashBridge | undefined;
  let prefix: string | undefined;
  const cleanups: Array<() => Promise<unknown>> = [() => upstream.close()];
  if (options.limits === "upstash") {
    bridge = await startUpstashBridge({ redisUrl });
    prefix = uniquePrefix("gateway");
    const redis = new UpstashRedis({ url: bridge.url, token: bridge.token });
    limits = new UpstashLimitStore(redis, { prefix });
    requestLimiter = createUpstashRequestLimiter(redis, { prefix });
    const openedBridge = bridge;
    const openedPrefix = prefix;
    cleanups.push(() => openedBridge.close(), () => deleteKeysUnder(openedPrefix));
  } else {
    limits = new MemoryLimitStore();
  }
  const t = await createTestApp({
    kind: options.database ?? "sqlite",
    limits,
    ...(options.env ? { env: options.env } : {}),
    ...(requestLimiter ? { requestLimiter } : {}),
    app: {
      gateway: {
        versionCheckIntervalMs: 0,
        writeLogLine: (line) => {
          apiLogLines.push(line);
          options.writeLogLine?.(line);
        },
        ...options.gateway,
      },
    },
  });
  const { db } = t.database.handle;
  for (const provider of await db.selectFrom("t_ai_providers").selectAll().execute()) {
    const format = provider.api_format as "openai" | "anthropic" | "deepseek";
    await db.updateTable("t_ai_providers").set({ base_url: upstream.baseUrlFor(format), timeout_ms: 10_000 }).where("id", "=", provider.id).execute();
  }
  await catalogueChanged(t.deps);

  let server: LocalNodeServer | undefined;
  const fixture: GatewayFixture = {
    ...t,
    upstream,
    limits,
    limitPrefix: prefix,
    apiLogLines,
    async addKey(providerCode, apiKey, keyOptions = {}) {
      const provider = await db.selectFrom("t_ai_providers").select("id").where("code", "=", providerCode).executeTakeFirstOrThrow();
      const now = t.clock.now();
      const result = await db
        .insertInto("t_ai_api_keys")
        .values({
          provider_id: provider.id,
          key_name: keyOptions.name ?? `key-${apiKey.slice(-6)}`,
          api_key: t.deps.cipher.encrypt(apiKey),
          key_hint: keyHint(apiKey),
          priority: keyOptions.priority ?? 0,
          weight: keyOptions.weight ?? 1,
          rate_limit_rpm: keyOptions.rateLimitRpm ?? null,
          rate_limit_tpm: keyOptions.rateLimitTpm ?? null,
          rate_limit_rpd: keyOptions.rateLimitRpd ?? null,
          is_active: keyOptions.isActive === false ? 0 : 1,
          status: "normal",
          consecutive_failures: 0,
          created_at: now,
          updated_at: now,
        })
        .executeTakeFirstOrThrow();
      await catalogueChanged(t.deps);
      return Number(result.insertId);
    },
    async addClient({ name = `client-${randomUUID().slice(0, 6)}`, allowedModels = null, rateLimitRpm = null } = {}) {
      const key = generateClientKey();
      await db
        .insertInto("t_client_keys")
        .values({
          name,
          key_hash: hashClientKey(key),
          key_hint: clientKeyHint(key),
          allowed_models: allowedModels === null ? null : JSON.stringify(allowedModels),
          rate_limit_rpm: rateLimitRpm,
          is_active: 1,
          last_used_at: null,
          created_at: t.clock.now(),
          revoked_at: null,
        })
        .execute();
      return key;
    },
    async chat(body, { token, path = "/v1/chat/completions", headers = {} } = {}) {
      return t.app.request(path, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token ?? (await t.adminToken())}`, ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
    },
    keyRow: (keyId) => db.selectFrom("t_ai_api_keys").selectAll().where("id", "=", keyId).executeTakeFirstOrThrow(),
    logRows: () => db.selectFrom("t_ai_api_logs").selectAll().orderBy("id").execute(),
    async listen() {
      server ??= await serveLocally(t.app);
      return `${server.origin}/v1`;
    },
    async close() {
      await server?.close();
      for (const cleanup of cleanups) await cleanup().catch(() => undefined);
      await t.close();
    },
  };
  return fixture;
}

/** A chat body for `model` with one user message. */
export function chatBody(model: string, content = "Hello there", extra: Record<string, unknown> = {}) {
  return { model, messages: [{ role: "user", content }], ...extra };
}

/** Parses an SSE body into its `data:` payloads (`[DONE]` kept as the string). */
export function sseData(text: string): Array<Record<string, any> | "[DONE]"> {
  return text
    .split("\n\n")
    .map((event) => event.split("\n").filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n"))
    .filter((data) => data !== "")
    .map((data) => (data === "[DONE]" ? "[DONE]" : (JSON.parse(data) as Record<string, any>)));
}
