/**
 * Every view of the dashboard in headless Chromium, in English and Chinese, at 1440 px and at
 * 390 px (a phone), and in the dark theme: the page never scrolls sideways, the menu and Log out
 * stay reachable, the Chinese pages show no English of their own, the logs table keeps Attempts
 * and TTFT in view at 1440 px, and sticky columns keep a row's name and actions in view. A
 * screenshot of each is saved under test-artifacts/screenshots/ (git-ignored; CI keeps it).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reply, startFakeUpstream, type FakeUpstream } from "../support/fake-upstream";
import { createTestApp, TEST_ADMIN, type TestApp } from "../support/test-app";
import { chromiumAvailable, launchChromium, serveOnLoopback, watchPage, type PageProblems } from "./browser-harness";
import { makeTraffic, TRAFFIC_MODEL, type CreatedClient } from "./dashboard-traffic";

const PROVIDER_KEY = "sk-tour-provider-key-0123456789abcd";
const BACKUP_KEY = "sk-tour-backup-key-0123456789efgh";
export const SCREENSHOT_FOLDER = join(import.meta.dirname, "../../test-artifacts/screenshots");
const VIEWS = ["usage", "logs", "providers", "models", "aliases", "clients", "jobs", "users", "audit", "alerts", "account"] as const;

/** Words the Chinese pages may show in Latin letters: product and protocol names, units, setting names. */
const LATIN_ALLOWED = /^(modelgate|API|URL|HTTP|CSV|IP|ID|JSON|UTC|Webhook|Slack|Lark|p50|p95|ms|Ctrl|C|LOG_RETENTION_DAYS|ALERT_WEBHOOK_URL|ALERT_ON_REJECTIONS|OpenAI|Anthropic|DeepSeek|M)$/;

const available = chromiumAvailable("dashboard tour in Chromium");

describe.skipIf(!available)("dashboard tour in Chromium", () => {
  let t: TestApp;
  let upstream: FakeUpstream;
  let gateway: { baseUrl: string; close(): Promise<void> };
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SCREENSHOT_FOLDER, { recursive: true });
    // The limits as shipped: the tour and the clicking below must fit in them.
    t = await createTestApp();
    t.clock.current = Date.now();
    upstream = await startFakeUpstream();
    gateway = await serveOnLoopback(t.app.fetch);
    const token = await t.adminToken();
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await t.request(method, path, body, token);
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { data: unknown }).data;
    };
    await call("PUT", "/api/admin/ai-providers/1", { baseUrl: upstream.baseUrlFor("openai") });
    await call("POST", "/api/admin/ai-providers/1/keys", { keyName: "primary", apiKey: PROVIDER_KEY, priority: 10, maxConcurrency: 8 });
    const chartClient = (await call("POST", "/api/admin/clients", { name: "chart-app" })) as CreatedClient;
    const batchClient = (await call("POST", "/api/admin/clients", { name: "batch-app", rateLimitRpm: 600 })) as CreatedClient;
    await makeTraffic({ t, baseUrl: gateway.baseUrl, upstream, chartClient, batchClient, providerApiKey: PROVIDER_KEY }, token);
    // One failover: the primary key fails, the backup answers.
    await call("POST", "/api/admin/ai-providers/1/keys", { keyName: "backup", apiKey: BACKUP_KEY });
    upstream.script(PROVIDER_KEY, reply.serverError());
    const failover = await fetch(`${gateway.baseUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${chartClient.apiKey}` },
      body: JSON.stringify({ model: TRAFFIC_MODEL, messages: [{ role: "user", content: "fail over, please" }] }),
    });
    expect(failover.status).toBe(200);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await upstream?.close();
    await t?.close();
  });

  async function openDashboard(options: { locale: "en-US" | "zh-CN"; width: number; dark?: boolean }): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
    const context = await browser.newContext({
      locale: options.locale,
      viewport: { width: options.width, height: options.width < 800 ? 844 : 1000 },
      colorScheme: options.dark ? "dark" : "light",
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    const problems = await watchPage(page);
    await page.goto(`${gateway.baseUrl}/admin/`);
    await page.fill("input[name=username]", TEST_ADMIN.username);
    await page.fill("input[name=password]", TEST_ADMIN.password);
    await page.click("#login-form button[type=submit]");
    await page.waitForSelector("#nav a.active");
    return { context, page, problems };
  }

  /** Opens a view from the menu (the account page from the user name) and waits for it to load. */
  async function visit(page: Page, view: (typeof VIEWS)[number]): Promise<void> {
    if (view === "account") await page.click("#who");
    else await page.click(`#nav a[data-view="${view}"]`);
    await page.waitForSelector(`#view-${view}`);
    // Loaded: no "Loading…" left and the view has its content.
    await page.waitForFunction(() => !document.querySelector("#main")?.textContent?.match(/Loading…|加载中…/) && (document.querySelector("#main .view")?.childElementCount ?? 0) > 1);
    if (view === "usage") await page.waitForSelector("#usage-totals .card");
  }

  async function checkLayout(page: Page, label: string): Promise<void> {
    const layout = await page.evaluate(() => {
      const logout = document.getElementById("logout")!.getBoundingClientRect();
      return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, logoutRight: logout.right, logoutTop: logout.top };
    });
    expect(layout.scrollWidth, `${label}: the page scrolls sideways`).toBeLessThanOrEqual(layout.innerWidth);
    expect(layout.logoutRight, `${label}: Log out is off-screen`).toBeLessThanOrEqual(layout.innerWidth);
    expect(layout.logoutTop).toBeGreaterThanOrEqual(0);
    expect(await page.locator("#logout").isVisible()).toBe(true);
  }

  /** Latin words in the page's own texts (menu, headings, column heads, buttons, labels), less the allowed ones. */
  async function englishLeftovers(page: Page): Promise<string[]> {
    const texts = await page.evaluate(() =>
      Array.from(document.querySelectorAll("#nav a, h1, th, button, label.field > span, .field > span, .card .label, .card .hint, .muted:not(.data), #logout")).map((element) => element.textContent ?? ""),
    );
    return texts.flatMap((text) => (text.match(/[A-Za-z][A-Za-z0-9_]*/g) ?? []).filter((word) => !LATIN_ALLOWED.test(word)).map((word) => `${word} (in "${text.slice(0, 60)}")`));
  }

  for (const locale of ["en-US", "zh-CN"] as const) {
    for (const width of [1440, 390]) {
      it(`shows every view in ${locale} at ${width} px`, async () => {
        const { context, page, problems } = await openDashboard({ locale, width });
        try {
          const language = await page.evaluate(() => document.documentElement.lang);
          expect(language).toBe(locale === "zh-CN" ? "zh-CN" : "en");
          expect(await page.locator("#nav a").first().textContent()).toBe(locale === "zh-CN" ? "用量" : "Usage");
          for (const view of VIEWS) {
            await visit(page, view);
            await checkLayout(page, `${locale} ${width} ${view}`);
            if (locale === "zh-CN") expect(await englishLeftovers(page), `${view}`).toEqual([]);
            if (view === "logs" && width === 1440) {
              // Attempts and TTFT are in view without scrolling the table.
              const wrapRight = await page.locator("#log-table").evaluate((table) => table.parentElement!.getBoundingClientRect().right);
              for (const column of ["attempts", "ttft"]) {
                const box = (await page.locator(`#log-table th[data-col="${column}"]`).boundingBox())!;
                expect(box.x + box.width, column).toBeLessThanOrEqual(wrapRight);
              }
            }
            await page.screenshot({ path: join(SCREENSHOT_FOLDER, `${locale}-${width}-${view}.png`), fullPage: true });
          }
          expect(problems.errors).toEqual([]);
        } finally {
          await context.close();
        }
      });
    }
  }

  it("keeps a key's name and its actions in view while its row scrolls sideways at 390 px", async () => {
    const { context, page } = await openDashboard({ locale: "en-US", width: 390 });
    try {
      await visit(page, "providers");
      const wrap = page.locator("#key-table").locator("xpath=..");
      await wrap.evaluate((element) => element.scrollTo({ left: element.scrollWidth }));
      const bounds = await wrap.evaluate((element) => {
        const box = element.getBoundingClientRect();
        return { left: box.left, right: box.right, scrolled: element.scrollLeft };
      });
      expect(bounds.scrolled).toBeGreaterThan(0);
      const row = page.locator("#key-table tbody tr", { hasText: "primary" });
      const name = (await row.locator('[data-col="keyName"]').boundingBox())!;
      const actions = (await row.locator('[data-col="actions"]').boundingBox())!;
      expect(Math.round(name.x)).toBeGreaterThanOrEqual(Math.floor(bounds.left));
      expect(name.x).toBeLessThan(bounds.left + 4);
      expect(actions.x + actions.width).toBeLessThanOrEqual(bounds.right + 1);
      // The concurrency limit set through the API shows in its column.
      expect(await row.locator('[data-col="maxConcurrency"]').textContent()).toBe("8");
      await page.screenshot({ path: join(SCREENSHOT_FOLDER, "en-US-390-providers-scrolled.png") });
    } finally {
      await context.close();
    }
  });

  it("an hour's worth of clicking: over 500 admin calls with the shipped limits, none refused", async () => {
    const { context, page } = await openDashboard({ locale: "en-US", width: 1440 });
    let calls = 0;
    const refused: string[] = [];
    page.on("response", (response) => {
      const path = new URL(response.url()).pathname;
      if (!path.startsWith("/api/")) return;
      calls++;
      if (response.status() === 429) refused.push(path);
    });
    const updated = () => page.waitForFunction(() => document.getElementById("usage-status")?.textContent?.startsWith("Updated"));
    try {
      while (calls < 500) {
        for (const view of VIEWS) {
          await visit(page, view);
          if (view === "usage") {
            for (const button of ['[data-range="7d"]', '[data-group="model"]', '[data-group="client"]', '[data-group="key"]', '[data-range="30d"]', '[data-range="24h"]']) {
              await page.click(button);
              await updated();
            }
          }
          if (view === "logs") {
            await page.check("#log-filters input[name=failoversOnly]");
            await page.click("#log-filters button[type=submit]");
            await page.waitForSelector("#log-summary:not(:empty)");
            await page.click("#log-reset");
          }
        }
      }
      expect(refused).toEqual([]);
      expect(calls).toBeGreaterThanOrEqual(500);
      expect(await page.locator("#notice.error").count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it("finds failovers with one filter, kept in the URL", async () => {
    const { context, page } = await openDashboard({ locale: "en-US", width: 1440 });
    try {
      await visit(page, "logs");
      await page.check("#log-filters input[name=failoversOnly]");
      await page.click("#log-filters button[type=submit]");
      await expect.poll(() => page.locator("#log-table tbody tr.log-row").count()).toBe(1);
      const row = page.locator("#log-table tbody tr.log-row");
      expect(await row.locator('[data-col="attempts"]').textContent()).toBe("2");
      expect(await row.locator('[data-col="key"]').textContent()).toBe("backup");
      expect(page.url()).toContain("failoversOnly=true");
      expect(await page.locator("#log-summary").textContent()).toBe("1 request shown");
      // A shared link opens the same view, after signing in (the session is per tab).
      const shared = await context.newPage();
      await shared.goto(page.url());
      await shared.fill("input[name=username]", TEST_ADMIN.username);
      await shared.fill("input[name=password]", TEST_ADMIN.password);
      await shared.click("#login-form button[type=submit]");
      await expect.poll(() => shared.locator("#log-table tbody tr.log-row").count()).toBe(1);
      expect(await shared.isChecked("#log-filters input[name=failoversOnly]")).toBe(true);
      await row.click();
      await expect.poll(() => page.locator("#log-table tr.details").textContent()).toContain("key primary");
      await page.screenshot({ path: join(SCREENSHOT_FOLDER, "en-US-1440-logs-failover.png") });
    } finally {
      await context.close();
    }
  });

  it("follows the system's dark theme", async () => {
    const { context, page } = await openDashboard({ locale: "en-US", width: 1440, dark: true });
    try {
      const luminance = async (selector: string) =>
        page.locator(selector).first().evaluate((element) => {
          const [r, g, b] = getComputedStyle(element).backgroundColor.match(/\d+/g)!.map(Number);
          return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
        });
      for (const view of ["usage", "logs", "clients"] as const) {
        await visit(page, view);
        expect(await luminance("body"), view).toBeLessThan(0.15);
        expect(await luminance(".table-wrap"), view).toBeLessThan(0.2);
        await page.screenshot({ path: join(SCREENSHOT_FOLDER, `en-US-1440-dark-${view}.png`), fullPage: true });
      }
    } finally {
      await context.close();
    }
  });

  it("switches the language from the top bar and remembers it", async () => {
    const { context, page } = await openDashboard({ locale: "en-US", width: 1440 });
    try {
      await page.selectOption("#language", "zh-CN");
      await expect.poll(() => page.locator("#nav a").first().textContent()).toBe("用量");
      expect(await page.evaluate(() => localStorage.getItem("modelgate.locale"))).toBe("zh-CN");
      await page.reload();
      await page.waitForSelector("#nav a.active");
      expect(await page.locator("#logout").textContent()).toBe("退出登录");
      // Numbers and dates follow the language too.
      await visit(page, "logs");
      const time = await page.locator('#log-table td[data-col="time"]').first().textContent();
      expect(time).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);
      await page.click("#logout");
      await page.waitForSelector("#login-form");
      expect(await page.locator("#login-form button[type=submit]").textContent()).toBe("登录");
      await page.screenshot({ path: join(SCREENSHOT_FOLDER, "zh-CN-1440-login.png") });
    } finally {
      await context.close();
    }
  });
});
