/**
 * Headless Chromium for the dashboard suites: the Debian `chromium` binary driven by
 * playwright-core, against the gateway served over real HTTP on 127.0.0.1. Without the binary the
 * browser suite is skipped with a notice, except under CI=true, where it must be there.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { chromium, type Browser, type Page } from "playwright-core";
import { isCi } from "../support/services";

/** Where the browser suites save screenshots: git-ignored, kept by CI as artifacts. */
export const SCREENSHOT_FOLDER = join(import.meta.dirname, "../../test-artifacts/screenshots");

/** Where Debian installs Chromium (`apt-get install chromium`). */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Whether the browser suite can run; prints why not, or throws under CI. */
export function chromiumAvailable(suite: string): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (isCi) throw new Error(`${suite}: ${CHROMIUM_PATH} is required under CI=true (apt-get install chromium)`);
  process.stdout.write(`[skip] ${suite}: ${CHROMIUM_PATH} is missing; apt-get install chromium to run it\n`);
  return false;
}

/** Launches headless Chromium with the flags from DEVELOPERS.md. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/** A Node HTTP server over a fetch handler on 127.0.0.1 with a free port. */
export async function serveOnLoopback(fetchHandler: (request: Request, env?: unknown) => Response | Promise<Response>): Promise<{ baseUrl: string; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: fetchHandler, hostname: "127.0.0.1", port: 0 }, (info: AddressInfo) => {
      resolve({
        baseUrl: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Keep-alive sockets from the browser would hold close() open.
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
  });
}

/** What a page reported: uncaught errors, console errors, CSP violations, and failed HTTP responses. */
export interface PageProblems {
  errors: string[];
  /** `<status> <method> <path>` of every response with status 400 or more. */
  failedResponses: string[];
}

/** Records what went wrong in a page, for a final "nothing unexpected" assertion. */
export async function watchPage(page: Page): Promise<PageProblems> {
  const problems: PageProblems = { errors: [], failedResponses: [] };
  page.on("pageerror", (error) => problems.errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    // Failed loads are tracked with their URL below; the console line has none.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) problems.errors.push(`console: ${message.text()}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.failedResponses.push(`${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return problems;
}
