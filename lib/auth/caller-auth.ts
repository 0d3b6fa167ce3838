/**
 * Authenticates chat callers: a client API key (`Authorization: Bearer mg-…` or `x-api-key`)
 * or an admin JWT. Client lookups are cached in process for a few seconds so the hot path does
 * not hit the database on every request; a revoked key stops working within that TTL.
 */
import type { Kysely } from "kysely";
import type { MiddlewareHandler } from "hono";
import type { Database } from "../../db/schema";
import { AuthenticationError } from "../errors";
import type { AppEnv, Caller } from "../http/app-env";
import { looksLikeJwt, verifyAdminToken } from "./admin-token";
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
}

/** Middleware factory: sets `caller` or throws 401. */
export function authenticateCaller({ db, jwtSecret, now, cacheTtlMs = 10_000, cacheSize = 10_000 }: CallerAuthOptions): MiddlewareHandler<AppEnv> {
  const cache = new Map<string, { caller: Caller | null; expiresAt: number }>();

  /** The client for a key, and the advisory `last_used_at` write it started, if any. */
  const lookupClient = async (key: string): Promise<{ caller: Caller | null; touch?: Promise<unknown> }> => {
    const hash = hashClientKey(key);
    const cached = cache.get(hash);
    const at = now();
    if (cached && cached.expiresAt > at) return { caller: cached.caller };
    const row = await db.selectFrom("t_client_keys").selectAll().where("key_hash", "=", hash).executeTakeFirst();
    const caller: Caller | null =
      row && row.is_active === 1 && row.revoked_at === null
        ? { kind: "client", clientId: row.id, name: row.name, allowedModels: parseAllowedModels(row.allowed_models), rateLimitRpm: row.rate_limit_rpm }
        : null;
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
      const claims = await verifyAdminToken(token, jwtSecret, now());
      if (claims) caller = { kind: "admin", userId: claims.uid, username: claims.sub, role: claims.role };
    } else {
      ({ caller, touch } = await lookupClient(token));
    }
    if (!caller) throw new AuthenticationError("Invalid API key");
    c.set("caller", caller);
    try {
      await next();
    } finally {
      // The write runs alongside the request; it is awaited because Lambda freezes once the response is out.
      await touch;
    }
  };
}
