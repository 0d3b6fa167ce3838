/**
 * Lambda entry behind API Gateway (buffered responses): every route of the app.
 */
import { handle } from "hono/aws-lambda";
import { forwardingApp } from "./lambda-app";

export const handler = handle(forwardingApp);
