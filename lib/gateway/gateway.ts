/**
 * The gateway's chat side, assembled once per app: catalogue cache, key router, log writer and
 * the routes that use them (`/v1/*`, `/api/ai/*`, and the admin key-validation route).
 * `createApp(deps, { gateway })` mounts it; the options are mostly for tests and benchmarks.
 */
import type { Hono } from "hono";
import type { AdminSessions } from "../auth/admin-sessions";
import { authenticateCaller } from "../auth/caller-auth";
import { BudgetAlerts } from "../budgets/budget-alerts";
import { BudgetGuard } from "../budgets/budget-hold";
import { jobContextFrom } from "../jobs/job-context";
import type { AppDeps } from "../deps";
import type { AppEnv } from "../http/app-env";
import { responsesRoutes } from "../doors/responses/responses-routes";
import { embeddingsRoutes } from "../doors/embeddings/embeddings-routes";
import { rateLimit } from "../limits/rate-limit-middleware";
import { getAdapter, isProviderFormat } from "../providers/provider-registry";
import { createUpstreamFetch } from "../providers/shared/upstream-fetch";
import type { ProviderAdapter, ProviderFormat } from "../providers/provider-spec";
import { CatalogueCache } from "../router/catalogue-cache";
import { KeyHealth, type KeyHealthOptions } from "../router/key-health";
import { WeightedRotation } from "../router/key-order";
import { KeyRouter } from "../router/key-router";
import { apiLog, type GatewayEnv } from "./api-log-middleware";
import { ApiLogWriter } from "./api-log-writer";
import type { ChatRouteMiddleware, ChatServiceDependencies } from "./chat-service";
import { envelopeRoutes } from "./envelope-routes";
import { messagesRoutes } from "../doors/messages/messages-routes";
import { keyValidationRoutes } from "./key-validation-routes";
import { openAiRoutes } from "../doors/chat/chat-routes";
import { ReasoningCarrier } from "./reasoning-carrier";

/** Tunables of the gateway; every one has a production default. */
export interface GatewayOptions extends KeyHealthOptions {
  /**
   * How often (at most) the shared catalogue version is compared, in ms.
   * @default 2000 (every request with the in-memory store, where it costs nothing)
   */
  versionCheckIntervalMs?: number;
  /**
   * Full catalogue reload at least this often, in ms.
   * @default 300_000
   */
  fullReloadIntervalMs?: number;
  /**
   * Time to first content of a streamed attempt before the next key is tried, in ms.
   * @default 60_000
   */
  ttftTimeoutMs?: number;
  /**
   * Longest gap between upstream chunks once a stream has content, in ms.
   * @default 30_000
   */
  idleTimeoutMs?: number;
  /**
   * Output tokens reserved against a key's TPM when a request names no maximum (capped by the
   * model's maximum output).
   * @default 1024
   */
  defaultOutputTokens?: number;
  /**
   * Longest a non-streamed chat request may take, every failover attempt included, in ms.
   * @default NON_STREAMED_DEADLINE_MS (lib/config/deploy-bounds.ts)
   */
  nonStreamedDeadlineMs?: number;
  /**
   * Upper bound of a key-validation call, in ms.
   * @default 15_000
   */
  validateTimeoutMs?: number;
  /**
   * How long a log insert may take before the row goes to stdout instead, in ms (default writer).
   * @default 5000
   */
  logWriteTimeoutMs?: number;
  /**
   * Where fallback log lines go (default writer).
   * @default process.stdout, one line each
   */
  writeLogLine?: (line: string) => void;
  /**
   * The request-log writer, when the front door owns it: the local server passes a write-behind
   * writer and closes it at shutdown.
   * @default a writer that stores each row before its request completes (what Lambda needs)
   */
  logWriter?: ApiLogWriter;
  /**
   * `fetch` for provider calls (tests that need to see or break them).
   * @default a keep-alive fetch held to `settings.destinations` (lib/providers/shared/upstream-fetch.ts)
   */
  upstreamFetch?: typeof fetch;
  /**
   * The adapter for a provider format.
   * @default the provider registry (lib/providers/provider-registry.ts)
   */
  adapterFor?: (format: ProviderFormat) => ProviderAdapter | undefined;
  /**
   * The app's admin-token checker, so a logout on the admin side ends the token here at once.
   * @default one of the gateway's own (same checks, its own cache)
   */
  adminSessions?: AdminSessions;
}

/** What {@link createGateway} built; `mount` adds its routes to the app. */
export interface Gateway {
  mount(app: Hono<AppEnv>): void;
}

const registryAdapter = (format: ProviderFormat) => (isProviderFormat(format) ? getAdapter(format) : undefined);

/** Builds the gateway over the app's dependencies. */
export function createGateway(deps: AppDeps, options: GatewayOptions = {}): Gateway {
  const {
    versionCheckIntervalMs,
    fullReloadIntervalMs,
    ttftTimeoutMs = 60_000,
    idleTimeoutMs = 30_000,
    defaultOutputTokens = 1024,
    validateTimeoutMs = 15_000,
    nonStreamedDeadlineMs,
    logWriteTimeoutMs = 5000,
    writeLogLine,
    logWriter,
    upstreamFetch = createUpstreamFetch({ destinations: deps.settings.destinations }),
    adapterFor = registryAdapter,
    adminSessions,
    ...healthOptions
  } = options;
  if (!(idleTimeoutMs > 0)) throw new RangeError(`idleTimeoutMs must be > 0, got ${idleTimeoutMs}`);
  if (!(defaultOutputTokens > 0)) throw new RangeError(`defaultOutputTokens must be > 0, got ${defaultOutputTokens}`);
  const { db } = deps.database;

  const cache = new CatalogueCache({
    db,
    limits: deps.limits,
    cipher: deps.cipher,
    clock: deps.clock,
    logger: deps.logger,
    versionCheckIntervalMs,
    fullReloadIntervalMs,
  });
  const health = new KeyHealth({ db, limits: deps.limits, cache, logger: deps.logger }, healthOptions);
  const router = new KeyRouter(
    { limits: deps.limits, health, clock: deps.clock, adapterFor, fetch: upstreamFetch },
    { ttftTimeoutMs },
  );
  const writer = logWriter ?? new ApiLogWriter({ db, insertRows: deps.database.insertRows, logger: deps.logger, writeLine: writeLogLine, timeoutMs: logWriteTimeoutMs });
  const carrier = new ReasoningCarrier(deps.jwtSecret);
  const budgets = new BudgetGuard({
    db,
    limits: deps.limits,
    clock: deps.clock,
    logger: deps.logger,
    alerts: new BudgetAlerts(jobContextFrom(deps)),
    logRetentionDays: deps.settings.logRetentionDays,
  });
  const services: ChatServiceDependencies = {
    cache,
    router,
    writer,
    idleTimeoutMs,
    defaultOutputTokens,
    carrier,
    nonStreamedDeadlineMs,
    aliasRotation: new WeightedRotation(),
    budgets,
  };

  const middleware: ChatRouteMiddleware = {
    authenticate: authenticateCaller({ db, jwtSecret: deps.jwtSecret, now: () => deps.clock.now(), adminSessions }),
    log: apiLog({ writer, clock: deps.clock }),
    // Each client key's own RPM, in the shared store so it holds across instances.
    clientRateLimit: rateLimit<GatewayEnv>({
      limiter: deps.requestLimiter,
      max: (c) => {
        const caller = c.get("caller");
        return caller?.kind === "client" ? (caller.rateLimitRpm ?? undefined) : undefined;
      },
      windowMs: 60_000,
      keyOf: (c) => {
        const caller = c.get("caller");
        return caller?.kind === "client" ? String(caller.clientId) : undefined;
      },
      prefix: "client-rpm",
      now: () => deps.clock.now(),
    }),
  };

  return {
    mount(app) {
      app.route("/v1", openAiRoutes(services, middleware));
      app.route("/v1", responsesRoutes(services, middleware, { db, logger: deps.logger, clock: deps.clock }));
      app.route("/v1", messagesRoutes(services, middleware));
      app.route("/v1", embeddingsRoutes(services, middleware));
      app.route("/api/ai", envelopeRoutes(services, middleware));
      app.route(
        "/api/admin/ai-providers",
        keyValidationRoutes(deps, { cache, adapterFor, upstreamFetch, timeoutMs: validateTimeoutMs, cooldownMs: health.cooldownMs }),
      );
    },
  };
}
