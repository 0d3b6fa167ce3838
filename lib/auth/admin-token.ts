/**
 * Admin session tokens: HS256 JWTs signed with hono/jwt.
 */
import { sign, verify } from "hono/jwt";

/** Claims carried by an admin token. */
export interface AdminClaims {
  sub: string;
  uid: number;
  role: "admin" | "viewer";
  /** The user's token version when the token was signed; a token of another version is revoked. */
  ver: number;
  iat: number;
  exp: number;
}

/** Signs a token for a user; times are epoch ms in, seconds in the token. */
export async function signAdminToken(
  user: { id: number; username: string; role: "admin" | "viewer"; tokenVersion: number },
  secret: string,
  nowMs: number,
  expiresInSeconds: number,
): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  const claims: AdminClaims = { sub: user.username, uid: user.id, role: user.role, ver: user.tokenVersion, iat, exp: iat + expiresInSeconds };
  return sign({ ...claims }, secret, "HS256");
}

/**
 * Verifies a token's signature, shape and times; null when it is malformed, forged or expired.
 * Whether its user still exists and the token is not revoked is for `AdminSessions` to check.
 */
export async function verifyAdminToken(token: string, secret: string, nowMs: number): Promise<AdminClaims | null> {
  try {
    // Time claims are checked against the injected clock below, not the wall clock.
    const payload = (await verify(token, secret, { alg: "HS256", exp: false, iat: false, nbf: false })) as unknown as AdminClaims;
    if (typeof payload.exp !== "number" || payload.exp * 1000 <= nowMs) return null;
    if (typeof payload.iat === "number" && payload.iat * 1000 > nowMs + 60_000) return null;
    if (typeof payload.sub !== "string" || typeof payload.uid !== "number") return null;
    if (!Number.isSafeInteger(payload.ver)) return null;
    if (payload.role !== "admin" && payload.role !== "viewer") return null;
    return payload;
  } catch {
    return null;
  }
}

/** True when a bearer value has the three-part shape of a JWT (so it is not a client key). */
export function looksLikeJwt(token: string): boolean {
  return token.split(".").length === 3 && token.startsWith("eyJ");
}
