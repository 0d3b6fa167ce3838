/**
 * Gives every request an id (echoed as `x-request-id`) and reports the gateway's own overhead
 * (`x-gateway-overhead-ms`: time in the gateway minus time spent waiting on upstreams).
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env";
import { setLateHeader } from "./late-header";

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Middleware factory. */
export function requestContext({ newId }: { newId: () => string }): MiddlewareHandler<AppEnv> {
  return async function requestContextMiddleware(c, next) {
    const startedAt = performance.now();
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : newId();
    c.set("requestId", requestId);
    c.set("startedAt", startedAt);
    c.set("upstreamMs", 0);
    await next();
    setLateHeader(c, "x-request-id", requestId);
    const overhead = performance.now() - startedAt - c.get("upstreamMs");
    setLateHeader(c, "x-gateway-overhead-ms", Math.max(0, overhead).toFixed(2));
  };
}
