/**
 * Who may call a route and which group it is listed under, decided from its mounted path the
 * way the app mounts its guards: `/api/admin/*` behind the admin token, `/api/auth/*` (but
 * login) on the caller's own token, the model doors on a client key or an admin token.
 */

/** Security schemes of the document, by name. */
export const SECURITY_SCHEMES = {
  adminBearer: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "Admin token from POST /api/auth/login (Authorization: Bearer <token>). A viewer's token may call the GET routes only.",
  },
  clientKeyBearer: {
    type: "http",
    scheme: "bearer",
    description: "Client key (mg-…) created under /api/admin/clients, as Authorization: Bearer mg-….",
  },
  clientKeyHeader: {
    type: "apiKey",
    in: "header",
    name: "x-api-key",
    description: "Client key (mg-…) in the x-api-key header, as the Anthropic SDK sends it.",
  },
} as const;

type SecurityRequirement = Partial<Record<keyof typeof SECURITY_SCHEMES, string[]>>;

const MODEL_CALLERS: SecurityRequirement[] = [{ clientKeyBearer: [] }, { clientKeyHeader: [] }, { adminBearer: [] }];

/** Which path family a route belongs to: it decides its security and its error shape. */
export type RouteFamily = "admin" | "session" | "login" | "model" | "public";

/** The family of a mounted path (OpenAPI form). */
export function routeFamily(path: string): RouteFamily {
  if (path.startsWith("/api/admin/")) return "admin";
  if (path === "/api/auth/login") return "login";
  if (path.startsWith("/api/auth/")) return "session";
  if (path.startsWith("/v1/") || path.startsWith("/api/ai/")) return "model";
  return "public";
}

/** The security requirement of a family (empty: anyone). */
export function securityOf(family: RouteFamily): SecurityRequirement[] {
  if (family === "admin" || family === "session") return [{ adminBearer: [] }];
  if (family === "model") return MODEL_CALLERS;
  return [];
}

/** The tag a route is grouped under: its resource for the admin API, its door for model calls. */
export function tagOf(path: string): string {
  const segments = path.split("/").filter(Boolean);
  if (segments[0] === "api" && segments[1] === "admin") return `admin: ${segments[2] ?? "admin"}`;
  if (segments[0] === "api" && segments[1] === "auth") return "auth";
  if (segments[0] === "api" && segments[1] === "ai") return "model: envelope";
  if (segments[0] === "v1") return `model: ${segments[1] ?? "v1"}`;
  if (segments[0] === "admin") return "dashboard";
  return "service";
}
