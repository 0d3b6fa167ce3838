/**
 * The request body cap of `/api/*` and `/v1/*`: hono's `bodyLimit`, with a shortcut. A request
 * that declares its length (Content-Length and no Transfer-Encoding) is judged on that header
 * alone, as hono does too, but without first touching `c.req.raw.body`. On @hono/node-server that
 * one property read turns the lightweight request into a full web `Request` with a
 * `ReadableStream` over the socket and an `AbortController`, which cost more than the rest of the
 * middleware chain, and stops `c.req.json()` from reading the socket directly. Requests without a
 * declared length (chunked) still go through hono's `bodyLimit`, which counts the bytes.
 */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

/** Options of {@link requestBodyLimit}. */
export interface RequestBodyLimitOptions {
  /** Largest body accepted, in bytes. */
  maxSize: number;
  /** Answers (or throws for) a body over the cap. */
  onError: (c: Context) => Response | Promise<Response>;
}

/**
 * Middleware factory.
 * @throws RangeError unless `maxSize` is a non-negative integer.
 */
export function requestBodyLimit({ maxSize, onError }: RequestBodyLimitOptions): MiddlewareHandler {
  if (!Number.isSafeInteger(maxSize) || maxSize < 0) throw new RangeError(`maxSize must be a non-negative integer, got ${maxSize}`);
  const countingLimit = bodyLimit({ maxSize, onError });
  // Not async: a request that passes returns the chain's own promise, with no wrapper around it.
  return function requestBodyLimitMiddleware(c, next) {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD") return next();
    const declaredLength = c.req.header("content-length");
    if (declaredLength !== undefined && c.req.header("transfer-encoding") === undefined) {
      return Number.parseInt(declaredLength, 10) > maxSize ? Promise.resolve(onError(c)) : next();
    }
    return countingLimit(c, next);
  };
}
