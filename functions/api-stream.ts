/**
 * Lambda entry with response streaming (API Gateway REST with responseTransferMode STREAM, or a
 * Function URL): chat completions stream their SSE chunks as they arrive.
 */
import { streamHandle } from "hono/aws-lambda";
import { forwardingApp } from "./lambda-app";

export const handler = streamHandle(forwardingApp);
