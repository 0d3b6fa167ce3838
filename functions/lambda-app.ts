/**
 * The app for Lambda entries: settings from the environment (deployed mode: secrets required,
 * nothing generated locally), dependencies built once per cold start and reused while warm.
 */
import { Hono, type Context } from "hono";
import { createApp, type GatewayApp } from "../lib/app";
import { parseSettings } from "../lib/config/settings";
import { UnavailableError } from "../lib/errors";
import type { AppEnv } from "../lib/http/app-env";
import { renderError } from "../lib/http/error-handler";
import { createRuntime, type Runtime } from "../lib/runtime/create-runtime";

let runtimePromise: Promise<Runtime> | undefined;
let appPromise: Promise<GatewayApp> | undefined;

/** Dependencies for this container, created on first use; a failed start is retried next time. */
export function lambdaRuntime(): Promise<Runtime> {
  runtimePromise ??= createRuntime(parseSettings(process.env, { deployed: true })).catch((error: unknown) => {
    runtimePromise = undefined;
    throw error;
  });
  return runtimePromise;
}

/** The gateway app for this container. */
export function lambdaApp(): Promise<GatewayApp> {
  appPromise ??= lambdaRuntime()
    .then((runtime) => createApp(runtime.deps))
    .catch((error: unknown) => {
      appPromise = undefined;
      throw error;
    });
  return appPromise;
}

/**
 * A tiny front app that forwards to the real one once it is built, so the Lambda adapters can
 * wrap it synchronously at module load while start-up (Secrets Manager, database) stays async.
 */
export const forwardingApp = new Hono().all("*", async (c) => {
  try {
    const app = await lambdaApp();
    return await app.fetch(c.req.raw, c.env);
  } catch (error) {
    console.error(JSON.stringify({ level: "error", message: "gateway start failed", error: error instanceof Error ? error.message : "unknown" }));
    return startFailure(c);
  }
});

const START_FAILURE_MESSAGE = "Gateway is starting or misconfigured; see the function logs";

/**
 * The 503 of a start that failed, in the shape the path's clients parse (Anthropic's on the
 * Messages door, OpenAI's on the rest of `/v1/*`, the envelope elsewhere): the app's own error
 * renderer decides, on this front app's context.
 */
function startFailure(c: Context): Response {
  return renderError(c as unknown as Context<AppEnv>, new UnavailableError(START_FAILURE_MESSAGE));
}
