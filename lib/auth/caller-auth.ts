/**
 * Authenticates chat callers: a client API key (`Authorization: Bearer mg-…` or `x-api-key`)
 * or the token of an admin whose role is `admin` (checked against the users table like on the
 * admin API; viewers are read-only and get 403). Client lookups are cached in process for a few
 * seconds so the hot path does not hit the database on every request; a revoked key stops
 * working within that TTL, and a changed budget applies within it.
 */
import type { Kysely } from "kysely";
import type { MiddlewareHandler } from "hono";
import type { Database } from "../../db/schema";
import { AuthenticationError, PermissionError } from "../errors";
import type { AppEnv, Caller } from "../http/app-env";
import { loadClientBudgets } from "../budgets/client-budgets";
import { AdminSessions } from "./admin-sessions";
import { looksLikeJwt } from "./admin-token";
import { pinnedAllowedModels } from "./client-allowed-models";
import { hashClientKey, parseAllowedModels } from "./client-keys";
import { bearerToken } from "./require-admin";

/** Options for {@link authenticateCaller}. */
export interface CallerAuthOptions {
  db: Kysely<Database>;
  jwtSecret: string;
  now: () => number;
  /** How long a client lookup is reused. @default 10_000 */
  cacheTtlMs?: number;
  /** Bound on cached entries. @default 10_000 */
  cacheSize?: number;
  /** The app's admin-token checker. @default one of its own over `db` */
  adminSessions?: AdminSessions;
}

/** Middleware factory: sets `caller`, or throws 401 (no or bad credentials) or 403 (a viewer token). */
export function authenticateCaller({ db, jwtSecret, now, cacheTtlMs = 10_000, cacheSize = 10_000, adminSessions }: CallerAuthOptions): MiddlewareHandler<AppEnv> {
  const cache = new Map<string, { caller: Caller | null; expiresAt: number }>();
  const sessions = adminSessions ?? new AdminSessions({ db, jwtSecret, now });

  /** The cached answer for a key's hash, while it is fresh. */
  const cachedClient = (hash: string): { caller: Caller | null; touch?: Promise<unknown> } | undefined => {
    const cached = cache.get(hash);
    return cached && cached.expiresAt > now() ? cached : undefined;
  };

  /** The client for a key's hash, from the database, and the advisory `last_used_at` write it started, if any. */
  const lookupClient = async (hash: string): Promise<{ caller: Caller | null; touch?: Promise<unknown> }> => {
    const at = now();
    const row = await db.selectFrom("t_client_keys").selectAll().where("key_hash", "=", hash).executeTakeFirst();
    let caller: Caller | null = null;
    if (row && row.is_active === 1 && row.revoked_at === null) {
      const listed = parseAllowedModels(row.allowed_models);
      const [allowedModels, budgets] = await Promise.all([
        listed === null ? null : pinnedAllowedModels(db, row.id, row.allowed_models!, listed),
        loadClientBudgets(db, row.id),
      ]);
      caller = { kind: "client", clientId: row.id, name: row.name, allowedModels, rateLimitRpm: row.rate_limit_rpm, budgets };
    }
    if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
    cache.set(hash, { caller, expiresAt: at + cacheTtlMs });
    if (!row || !caller) return { caller };
    // last_used_at is advisory: at most one write per client per cache period, never failing the request.
    const touch = db.updateTable("t_client_keys").set({ last_used_at: at }).where("id", "=", row.id).execute().catch(() => undefined);
    return { caller, touch };
  };

  return async function authenticateCallerMiddleware(c, next) {
    const token = bearerToken(c.req.header("authorization")) ?? c.req.header("x-api-key")?.trim() ?? null;
    if (!token) throw new AuthenticationError("Missing API key: send 'Authorization: Bearer <client key>'");
    let caller: Caller | null = null;
    let touch: Promise<unknown> | undefined;
    if (looksLikeJwt(token)) {
      const session = await sessions.verify(token);
      // Model calls spend provider credit: read-only accounts may not make them.
      if (session && session.role !== "admin") {
        throw new PermissionError("Viewer tokens are read-only and cannot call models; use a client key or an admin account");
      }
      if (session) caller = { kind: "admin", userId: session.userId, username: session.username, role: session.role };
    } else {
      const hash = hashClientKey(token);
      ({ caller, touch } = cachedClient(hash) ?? (await lookupClient(hash)));
    }
    if (!caller) throw new AuthenticationError("Invalid API key");
    c.set("caller", caller);
    if (!touch) return next();
    try {
      await next();
    } finally {
      // The write runs alongside the request; it is awaited because Lambda freezes once the response is out.
      await touch;
    }
  };
}
