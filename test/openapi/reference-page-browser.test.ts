/**
 * /docs in headless Chromium over real HTTP: the page loads under the strict CSP, renders one
 * entry per operation of /openapi.json with its method, path and summary, and filters them.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DASHBOARD_CSP } from "../../lib/dashboard/dashboard-routes";
import { chromiumAvailable, launchChromium, serveOnLoopback, watchPage, type PageProblems } from "../dashboard/browser-harness";
import { createTestApp, type TestApp } from "../support/test-app";

const available = chromiumAvailable("API reference page in Chromium");

describe.skipIf(!available)("API reference page in Chromium", () => {
  let t: TestApp;
  let gateway: { baseUrl: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;
  let operationCount: number;

  beforeAll(async () => {
    t = await createTestApp();
    gateway = await serveOnLoopback(t.app.fetch);
    const document = (await (await fetch(`${gateway.baseUrl}/openapi.json`)).json()) as { paths: Record<string, object> };
    operationCount = Object.values(document.paths).reduce((sum, operations) => sum + Object.keys(operations).length, 0);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    problems = await watchPage(page);
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await t?.close();
  });

  it("is served with the strict CSP", async () => {
    const response = await fetch(`${gateway.baseUrl}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toBe(DASHBOARD_CSP);
    expect(await response.text()).not.toMatch(/<script>|style=/);
  });

  it("renders every operation of the document", async () => {
    await page.goto(`${gateway.baseUrl}/docs`);
    await page.locator("#status", { hasText: "operations" }).waitFor({ timeout: 10_000 });
    expect(operationCount).toBeGreaterThan(50);
    await expect.poll(() => page.locator(".operation").count()).toBe(operationCount);
    expect(await page.locator("#status").textContent()).toBe(`${operationCount} operations`);
    expect(await page.locator("#title").textContent()).toMatch(/^modelgate \d+\.\d+\.\d+ — API reference$/);
    const addKey = page.locator(".operation", { hasText: "/api/admin/ai-providers/{id}/keys" }).filter({ hasText: "POST" });
    await addKey.locator("summary").click();
    await expect.poll(() => addKey.locator("pre.schema").textContent()).toContain('"apiKey"');
    expect(await addKey.locator(".auth").textContent()).toBe("Authentication: adminBearer");
    expect(await page.locator("h2", { hasText: "model: messages" }).count()).toBe(1);
  });

  it("filters by path or summary", async () => {
    await page.fill("#filter", "count_tokens");
    const visible = page.locator(".operation:not([hidden])");
    await expect.poll(() => visible.count()).toBe(1);
    expect(await visible.locator(".path").textContent()).toBe("/v1/messages/count_tokens");
    await page.fill("#filter", "");
    await expect.poll(() => visible.count()).toBe(operationCount);
    await page.screenshot({ path: "/tmp/modelgate-api-reference.png" });
    expect(problems.errors).toEqual([]);
    expect(problems.failedResponses).toEqual([]);
  });

  it("still runs when built as the Lambda bundles are (minified, names kept)", async () => {
    // keepNames wraps named closures in calls to a renamed `__name` helper, which served source text would not have.
    const folder = await mkdtemp(join(tmpdir(), "modelgate-reference-bundle-"));
    try {
      const result = await build({ entryPoints: ["lib/openapi/reference-page-script.ts"], bundle: true, minify: true, keepNames: true, format: "esm", platform: "node", write: false });
      const file = join(folder, "reference-page.mjs");
      await writeFile(file, result.outputFiles[0]!.text);
      const { REFERENCE_PAGE_JS: bundled } = (await import(pathToFileURL(file).href)) as { REFERENCE_PAGE_JS: string };
      await page.route("**/docs/assets/reference.js", (route) => route.fulfill({ body: bundled, contentType: "text/javascript" }));
      await page.goto(`${gateway.baseUrl}/docs`);
      await page.locator("#status", { hasText: "operations" }).waitFor({ timeout: 10_000 });
      expect(await page.locator(".operation").count()).toBe(operationCount);
      expect(problems.errors).toEqual([]);
    } finally {
      await page.unroute("**/docs/assets/reference.js");
      await rm(folder, { recursive: true, force: true });
    }
  });
});
