/**
 * Guards /api/admin/*: 401 without a valid, unexpired admin JWT; 403 for a valid token whose
 * role is not `admin` (viewers may only read).
 */
import type { MiddlewareHandler } from "hono";
import { AuthenticationError, PermissionError } from "../errors";
import type { AppEnv } from "../http/app-env";
import { verifyAdminToken } from "./admin-token";

/** Options for {@link requireAdmin}. */
export interface RequireAdminOptions {
  jwtSecret: string;
  now: () => number;
  /** Let `viewer` tokens through on GET/HEAD. @default true */
  allowViewerReads?: boolean;
}

/** Extracts a bearer token from the Authorization header. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match ? match[1] : null;
}

/** Middleware factory: admin JWT required. */
export function requireAdmin({ jwtSecret, now, allowViewerReads = true }: RequireAdminOptions): MiddlewareHandler<AppEnv> {
  if (!jwtSecret) throw new Error("requireAdmin needs a jwtSecret");
  return async function requireAdminMiddleware(c, next) {
    const token = bearerToken(c.req.header("authorization"));
    if (!token) throw new AuthenticationError("Missing bearer token");
    const claims = await verifyAdminToken(token, jwtSecret, now());
    if (!claims) throw new AuthenticationError("Invalid or expired token");
    const isRead = c.req.method === "GET" || c.req.method === "HEAD";
    if (claims.role !== "admin" && !(allowViewerReads && isRead && claims.role === "viewer")) {
      throw new PermissionError("Admin role required");
    }
    c.set("caller", { kind: "admin", userId: claims.uid, username: claims.sub, role: claims.role });
    await next();
  };
}
