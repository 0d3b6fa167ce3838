/**
 * Errors are rendered in exactly one place. `/v1/messages*` (and `/v1/models*` asked with
 * `anthropic-version`) speaks Anthropic's error body (`{type:"error", error:{type, message},
 * request_id}`) for the Anthropic SDK and Claude Code, the rest of `/v1/*` OpenAI's error shape
 * so the official SDK understands it; everything else gets the `{code, message, errors?}` envelope. Unknown errors become a generic 500 without
 * internals (logged with the request id, never echoed).
 */
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { anthropicErrorBody, anthropicErrorTypeForStatus } from "../doors/messages/messages-errors";
import { GatewayError, openAiTypeForStatus } from "../errors";
import type { Logger } from "../logging/logger";
import type { AppEnv } from "./app-env";

/** Converts anything thrown into a GatewayError that is safe to show. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof HTTPException) {
    // Hono's own 4xx (malformed JSON, body too large) carry safe messages.
    const status = error.status;
    const message = status === 413 ? "Request body too large" : error.message || "Bad request";
    return new GatewayError(status, status === 413 ? "payload_too_large" : "bad_request", message);
  }
  return new GatewayError(500, "internal_error", "Internal server error");
}

/** True for the Messages door, and for the model list asked in Anthropic's shape (`anthropic-version`). */
function speaksAnthropic(c: Context<AppEnv>): boolean {
  const path = c.req.path;
  if (path === "/v1/messages" || path.startsWith("/v1/messages/")) return true;
  return (path === "/v1/models" || path.startsWith("/v1/models/")) && c.req.header("anthropic-version") !== undefined;
}

/** Renders a GatewayError for the path's audience. */
export function renderError(c: Context<AppEnv>, error: GatewayError): Response {
  const headers: Record<string, string> = { ...error.headers };
  if (error.retryAfterMs !== undefined) {
    headers["Retry-After"] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
    headers["retry-after-ms"] = String(Math.max(0, Math.round(error.retryAfterMs)));
  }
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  const status = error.status as ContentfulStatusCode;
  if (speaksAnthropic(c)) {
    return c.json(anthropicErrorBody(anthropicErrorTypeForStatus(error.status), error.message, c.get("requestId") ?? null), status);
  }
  if (c.req.path.startsWith("/v1/")) {
    return c.json(
      { error: { message: error.message, type: error.openAiType ?? openAiTypeForStatus(error.status), param: error.param, code: error.code } },
      status,
    );
  }
  return c.json({ code: error.status, message: error.message, ...(error.errors ? { errors: error.errors } : {}), ...(error.data ? { data: error.data } : {}) }, status);
}

/** The app's `onError`. */
export function createErrorHandler(logger: Logger): ErrorHandler<AppEnv> {
  return function handleError(error, c) {
    const gatewayError = toGatewayError(error);
    if (gatewayError.status >= 500) {
      logger.error("request failed", { requestId: c.get("requestId"), path: c.req.path, error });
    }
    return renderError(c, gatewayError);
  };
}

/** The app's `notFound`. */
export const handleNotFound: NotFoundHandler<AppEnv> = (c) =>
  renderError(c, new GatewayError(404, "not_found", `No route for ${c.req.method} ${c.req.path}`));
