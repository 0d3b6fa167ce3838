/**
 * The caller's IP for per-IP limits. Trusts what the front door saw (API Gateway's source IP,
 * the Node socket) rather than a client-supplied X-Forwarded-For, whose first entry is forgeable.
 */
import type { Context } from "hono";

/** Best-known client IP, or "unknown". */
export function clientIp(c: Context): string {
  const environment = c.env as
    | {
        event?: { requestContext?: { http?: { sourceIp?: string }; identity?: { sourceIp?: string } } };
        incoming?: { socket?: { remoteAddress?: string } };
      }
    | undefined;
  const fromLambda = environment?.event?.requestContext?.http?.sourceIp ?? environment?.event?.requestContext?.identity?.sourceIp;
  if (fromLambda) return fromLambda;
  const fromSocket = environment?.incoming?.socket?.remoteAddress;
  if (fromSocket) return fromSocket;
  // Proxies append the address they saw, so the last entry is the one our own front door added.
  const forwarded = c.req.header("x-forwarded-for");
  if (forwarded) return forwarded.split(",").at(-1)!.trim();
  return "unknown";
}
