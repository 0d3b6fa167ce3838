/**
 * Admin sessions: a signed token is honoured only while its user exists, is active and has not
 * revoked it. Every token carries the user's `token_version`; logout and a password change bump
 * it, which revokes every older token of that user.
 *
 * Each instance keeps a user's row for at most `cacheTtlMs` (5 s by default), shared-nothing:
 * a change made on another instance or directly in the database (deleting or deactivating a
 * user, changing a role) takes effect here within that bound; a logout or password change made
 * through this instance takes effect here at once.
 */
import type { Kysely } from "kysely";
import type { AdminUserRow, Database } from "../../db/schema";
import { signAdminToken, verifyAdminToken } from "./admin-token";

/** The longest an instance trusts a cached admin row, in ms. */
export const ADMIN_SESSION_CACHE_MS = 5_000;

/** Who a valid admin token belongs to, as the database says now. */
export interface AdminSession {
  userId: number;
  username: string;
  role: "admin" | "viewer";
  tokenVersion: number;
}

/** Options of {@link AdminSessions}. */
export interface AdminSessionsOptions {
  db: Kysely<Database>;
  jwtSecret: string;
  now: () => number;
  /** Lifetime of issued tokens, in seconds. @default 28_800 */
  expiresInSeconds?: number;
  /** How long a user's row is reused, in ms. @default ADMIN_SESSION_CACHE_MS */
  cacheTtlMs?: number;
  /** Bound on cached users. @default 1000 */
  cacheSize?: number;
}

/** A user row as the session check needs it; null when the user does not exist. */
type UserState = AdminSession & { isActive: boolean };

/** Verifies, issues and revokes admin tokens against the users table. */
export class AdminSessions {
  readonly expiresInSeconds: number;
  private readonly cache = new Map<number, { user: UserState | null; expiresAt: number }>();
  private readonly cacheTtlMs: number;
  private readonly cacheSize: number;

  constructor(private readonly options: AdminSessionsOptions) {
    if (!options.jwtSecret) throw new Error("AdminSessions needs a jwtSecret");
    this.expiresInSeconds = options.expiresInSeconds ?? 8 * 3600;
    this.cacheTtlMs = options.cacheTtlMs ?? ADMIN_SESSION_CACHE_MS;
    this.cacheSize = options.cacheSize ?? 1000;
    if (!(this.cacheTtlMs >= 0 && this.cacheTtlMs <= ADMIN_SESSION_CACHE_MS)) {
      throw new RangeError(`cacheTtlMs must be between 0 and ${ADMIN_SESSION_CACHE_MS}, got ${this.cacheTtlMs}`);
    }
  }

  /** The session a bearer token stands for; null when it is forged, expired, revoked, or its user is gone or inactive. */
  async verify(token: string): Promise<AdminSession | null> {
    const claims = await verifyAdminToken(token, this.options.jwtSecret, this.options.now());
    if (!claims) return null;
    const user = await this.user(claims.uid);
    if (!user || !user.isActive || user.tokenVersion !== claims.ver) return null;
    return { userId: user.userId, username: user.username, role: user.role, tokenVersion: user.tokenVersion };
  }

  /** A new token for a user at its current token version. */
  issue(user: { id: number; username: string; role: "admin" | "viewer"; token_version: number }): Promise<string> {
    return signAdminToken(
      { id: user.id, username: user.username, role: user.role, tokenVersion: user.token_version },
      this.options.jwtSecret,
      this.options.now(),
      this.expiresInSeconds,
    );
  }

  /**
   * Revokes every token the user holds by bumping its token version, together with `changes`
   * to the same row (a new password hash, role, name or active flag) in one statement.
   */
  async revoke(userId: number, changes: Partial<Pick<AdminUserRow, "password_hash" | "username" | "role" | "is_active">> = {}): Promise<void> {
    await this.options.db
      .updateTable("t_admin_users")
      .set((eb) => ({ ...changes, token_version: eb("token_version", "+", 1), updated_at: this.options.now() }))
      .where("id", "=", userId)
      .execute();
    this.cache.delete(userId);
  }

  private async user(userId: number): Promise<UserState | null> {
    const at = this.options.now();
    const cached = this.cache.get(userId);
    if (cached && cached.expiresAt > at) return cached.user;
    const row = await this.options.db
      .selectFrom("t_admin_users")
      .select(["id", "username", "role", "is_active", "token_version"])
      .where("id", "=", userId)
      .executeTakeFirst();
    const role = row?.role;
    const user: UserState | null =
      row && (role === "admin" || role === "viewer")
        ? { userId: row.id, username: row.username, role, tokenVersion: Number(row.token_version), isActive: row.is_active === 1 }
        : null;
    this.cache.delete(userId);
    if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(userId, { user, expiresAt: at + this.cacheTtlMs });
    return user;
  }
}
