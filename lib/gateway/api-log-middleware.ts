/**
 * Gives each authenticated chat request its {@link ApiLogRecord} and writes the request's one
 * log row when it ends: here for every answer the handler (or `onError`) produced, or at the end
 * of the stream for a streamed answer (the stream marks the record `deferred`). Either way the
 * write is awaited before the response completes, because Lambda freezes the process right after.
 */
import type { MiddlewareHandler } from "hono";
import type { Clock } from "../deps";
import { ValidationError } from "../errors";
import type { AppEnv } from "../http/app-env";
import { toGatewayError } from "../http/error-handler";
import { ApiLogRecord, type RequestOutcome } from "./api-log-record";
import type { ApiLogWriter } from "./api-log-writer";

/** The gateway routes' Hono environment: the app's plus the request's log record. */
export interface GatewayEnv extends AppEnv {
  Variables: AppEnv["Variables"] & { requestLog: ApiLogRecord };
}

/** Awaits the record's bookkeeping, writes its row and settles its budgets to the row's cost; never rejects. */
export async function completeRequestLog(writer: ApiLogWriter, record: ApiLogRecord, outcome: RequestOutcome): Promise<void> {
  const latencyMs = performance.now() - record.startedAt;
  const row = record.toRow(outcome, latencyMs);
  await Promise.all([record.settled(), writer.write(row), record.budget?.settle(row)]);
}

/**
 * The outcome of a request answered with `status`, after `error` if one was thrown. The error is
 * read the way `onError` rendered it (lib/http/error-handler.ts), so the row says what the client got.
 */
export function outcomeOf(status: number, error: unknown): RequestOutcome {
  if (status < 400) return { status: "success", httpStatus: status };
  const shown = toGatewayError(error);
  return { status: status === 499 ? "partial" : "error", httpStatus: status, errorCode: shown.code, errorMessage: shown.message, invalidInput: shown instanceof ValidationError };
}

/** The door a path belongs to, as log rows name it. */
export function doorOfPath(path: string): string {
  if (path.startsWith("/api/ai/")) return "envelope";
  if (path.startsWith("/v1/messages")) return "messages";
  if (path.startsWith("/v1/responses")) return "responses";
  if (path.startsWith("/v1/embeddings")) return "embeddings";
  return "chat";
}

/** Middleware factory; mount after `authenticateCaller`. */
export function apiLog({ writer, clock }: { writer: ApiLogWriter; clock: Clock }): MiddlewareHandler<GatewayEnv> {
  return async function apiLogMiddleware(c, next) {
    const caller = c.get("caller");
    if (!caller) throw new Error("apiLog must run after authenticateCaller");
    const record = new ApiLogRecord(c.get("requestId"), caller, c.get("startedAt"), clock.now(), doorOfPath(c.req.path));
    c.set("requestLog", record);
    await next();
    if (record.deferred) return;
    await completeRequestLog(writer, record, outcomeOf(c.res.status, c.error));
  };
}
