/**
 * The dashboard's add-provider form in headless Chromium offers exactly the registry's formats,
 * and a provider of the `openai-compatible` format can be added through it.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providerFormats } from "../../lib/providers/provider-registry";
import { createTestApp, TEST_ADMIN, type TestApp } from "../support/test-app";
import { chromiumAvailable, launchChromium, serveOnLoopback, watchPage, type PageProblems } from "./browser-harness";

const available = chromiumAvailable("dashboard provider formats in Chromium");

describe.skipIf(!available)("dashboard provider formats in Chromium", () => {
  let t: TestApp;
  let gateway: { baseUrl: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_MAX: "1000000" } });
    t.clock.current = Date.now();
    gateway = await serveOnLoopback(t.app.fetch);
    browser = await launchChromium();
    page = await browser.newPage();
    problems = await watchPage(page);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await t?.close();
  });

  it("offers every registry format and adds an OpenAI-compatible provider", async () => {
    await page.goto(`${gateway.baseUrl}/admin/`);
    await page.fill("input[name=username]", TEST_ADMIN.username);
    await page.fill("input[name=password]", TEST_ADMIN.password);
    await page.click("#login-form button[type=submit]");
    await page.waitForSelector("#nav a.active");
    await page.goto(`${gateway.baseUrl}/admin/#/providers`);
    await page.getByRole("button", { name: "Add provider" }).click();

    const options = page.locator("form select[name=apiFormat] option");
    expect(await options.evaluateAll((elements) => elements.map((element) => (element as HTMLOptionElement).value))).toEqual([...providerFormats]);

    await page.fill("form input[name=code]", "ollama");
    await page.selectOption("form select[name=apiFormat]", "openai-compatible");
    await page.fill("form input[name=name]", "Ollama");
    await page.fill("form input[name=baseUrl]", "http://127.0.0.1:11434/v1");
    await page.getByRole("button", { name: "Save" }).click();
    const row = page.locator("#provider-table tr", { hasText: "Ollama" });
    await expect.poll(() => row.locator("td").nth(2).textContent()).toBe("openai-compatible");

    const stored = await t.database.handle.db.selectFrom("t_ai_providers").select(["api_format", "base_url"]).where("code", "=", "ollama").executeTakeFirstOrThrow();
    expect(stored).toEqual({ api_format: "openai-compatible", base_url: "http://127.0.0.1:11434/v1" });
    expect(problems.errors).toEqual([]);
  });
});
