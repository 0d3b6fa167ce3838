/**
 * The Hono environment shared by every route: per-request variables set by middleware.
 */
import type { ClientBudget } from "../budgets/client-budgets";

/** Who is calling: an admin (JWT) or an application (client key). */
export type Caller =
  | { kind: "admin"; userId: number; username: string; role: "admin" | "viewer" }
  | {
      kind: "client";
      clientId: number;
      name: string;
      allowedModels: string[] | null;
      rateLimitRpm: number | null;
      /** The client's budgets and quotas (none: unlimited). */
      budgets: readonly ClientBudget[];
    };

/** Hono generics for the app. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** performance.now() when the request entered the gateway. */
    startedAt: number;
    /** Milliseconds spent waiting on upstreams, subtracted to report the gateway's own overhead. */
    upstreamMs: number;
    caller?: Caller;
  };
}
