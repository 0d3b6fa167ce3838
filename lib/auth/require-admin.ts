/**
 * Guards /api/admin/*: 401 without a valid admin token (forged, expired, revoked, or its user
 * deleted or deactivated); 403 for a valid token whose user's role is not `admin` (viewers may
 * only read). The role is the one the database holds now, not the one in the token.
 */
import type { MiddlewareHandler } from "hono";
import { AuthenticationError, PermissionError } from "../errors";
import type { AppEnv } from "../http/app-env";
import type { AdminSessions } from "./admin-sessions";

/** Options for {@link requireAdmin}. */
export interface RequireAdminOptions {
  sessions: AdminSessions;
  /** Let `viewer` tokens through on GET/HEAD. @default true */
  allowViewerReads?: boolean;
}

/** Extracts a bearer token from the Authorization header. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match ? match[1] : null;
}

/** Middleware factory: admin token required. */
export function requireAdmin({ sessions, allowViewerReads = true }: RequireAdminOptions): MiddlewareHandler<AppEnv> {
  return async function requireAdminMiddleware(c, next) {
    const token = bearerToken(c.req.header("authorization"));
    if (!token) throw new AuthenticationError("Missing bearer token");
    const session = await sessions.verify(token);
    if (!session) throw new AuthenticationError("Invalid or expired token");
    const isRead = c.req.method === "GET" || c.req.method === "HEAD";
    if (session.role !== "admin" && !(allowViewerReads && isRead && session.role === "viewer")) {
      throw new PermissionError("Admin role required");
    }
    c.set("caller", { kind: "admin", userId: session.userId, username: session.username, role: session.role });
    await next();
  };
}
