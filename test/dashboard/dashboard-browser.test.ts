/**
 * The admin dashboard in headless Chromium against a running gateway with real data: log in,
 * manage providers, keys, models, client keys and webhooks, send traffic, and read it back in
 * the charts and the log viewer. The steps build on each other and run in order.
 */
import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reply, startFakeUpstream, type FakeUpstream } from "../support/fake-upstream";
import { createTestApp, TEST_ADMIN, type TestApp } from "../support/test-app";
import { chromiumAvailable, launchChromium, serveOnLoopback, watchPage, type PageProblems } from "./browser-harness";
import { makeTraffic, TRAFFIC_MODEL, UNKNOWN_MODEL, type CreatedClient, type TrafficSummary } from "./dashboard-traffic";

const PROVIDER_KEY = "sk-dashboard-SECRET-provider-key-0123456789wxyz";
const WEBHOOK_TOKEN = "hooktoken-SECRET-5f3a9c";
const SCREENSHOT = "/tmp/modelgate-dashboard.png";
/** Set to a folder to keep a screenshot of every view for a look by eye. */
const SCREENSHOT_FOLDER = process.env.DASHBOARD_SCREENSHOTS;

const available = chromiumAvailable("dashboard in Chromium");

describe.skipIf(!available)("dashboard in Chromium", () => {
  let t: TestApp;
  let upstream: FakeUpstream;
  let gateway: { baseUrl: string; close(): Promise<void> };
  let webhookSink: { baseUrl: string; close(): Promise<void> };
  let webhookCalls = 0;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;
  let traffic: TrafficSummary;
  let providerKeyId: number;

  const rowsOf = (selector: string) => page.locator(`${selector} tbody tr:not(.empty):not(.details)`);
  const noticeText = () => page.locator("#notice span").textContent();
  const snap = async (name: string) => {
    if (SCREENSHOT_FOLDER) await page.screenshot({ path: `${SCREENSHOT_FOLDER}/${name}.png`, fullPage: true });
  };

  beforeAll(async () => {
    // The browser computes time ranges from its own clock, so the gateway's clock starts at real time.
    t = await createTestApp({ env: { RATE_LIMIT_MAX: "1000000" } });
    t.clock.current = Date.now();
    upstream = await startFakeUpstream();
    gateway = await serveOnLoopback(t.app.fetch);
    webhookSink = await serveOnLoopback(() => {
      webhookCalls++;
      return new Response("ok");
    });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    page = await context.newPage();
    problems = await watchPage(page);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await gateway?.close();
    await webhookSink?.close();
    await upstream?.close();
    await t?.close();
  });

  it("redirects /admin to the login form and rejects a wrong password", async () => {
    await page.goto(`${gateway.baseUrl}/admin`);
    expect(page.url()).toBe(`${gateway.baseUrl}/admin/`);
    await page.fill("input[name=username]", TEST_ADMIN.username);
    await page.fill("input[name=password]", "wrong password");
    await page.click("#login-form button[type=submit]");
    await expect.poll(() => page.locator("#login-message").textContent()).toContain("Invalid username or password");
  });

  it("logs in and keeps the token in sessionStorage only", async () => {
    await page.fill("input[name=password]", TEST_ADMIN.password);
    await page.click("#login-form button[type=submit]");
    await page.waitForSelector("#nav a.active");
    expect(await page.locator("#who").textContent()).toBe(TEST_ADMIN.username);
    const storage = await page.evaluate(() => ({ session: sessionStorage.getItem("modelgate.token"), local: localStorage.length }));
    expect(storage.session?.split(".")).toHaveLength(3);
    expect(storage.local).toBe(0);
    expect(await page.locator("#nav a").allTextContents()).toEqual(["Usage", "Logs", "Providers & keys", "Models", "Aliases", "Client keys", "Jobs", "Users", "Audit", "Alerts"]);
  });

  it("edits a provider: points OpenAI at the fake upstream", async () => {
    await page.goto(`${gateway.baseUrl}/admin/#/providers`);
    const openai = page.locator('#provider-table tr[data-provider-id="1"]');
    await openai.getByRole("button", { name: "Edit" }).click();
    await page.fill("form input[name=baseUrl]", upstream.baseUrlFor("openai"));
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => openai.locator("td").nth(1).textContent()).toBe(upstream.baseUrlFor("openai"));
    expect(await noticeText()).toContain("Provider OpenAI saved");
  });

  it("adds a key with limits; afterwards the key is nowhere in the page, only its hint", async () => {
    await page.click("#add-key");
    await page.fill("#key-form input[name=keyName]", "primary");
    await page.fill("#key-form input[name=apiKey]", PROVIDER_KEY);
    await page.fill("#key-form input[name=priority]", "10");
    await page.fill("#key-form input[name=rateLimitRpm]", "600");
    await page.fill("#key-form input[name=rateLimitTpm]", "90000");
    await page.click("#key-form button[type=submit]");
    const row = page.locator("#key-table tbody tr", { hasText: "primary" });
    await row.waitFor();
    providerKeyId = Number(await row.getAttribute("data-key-id"));
    expect(await row.locator('[data-col="keyHint"]').textContent()).toMatch(/wxyz$/);
    expect(await row.textContent()).toContain("600 / 90,000 / ∞");
    expect(await row.locator('[data-col="status"]').textContent()).toBe("normal");

    const html = await page.content();
    const inputValues = await page.evaluate(() => Array.from(document.querySelectorAll("input")).map((input) => input.value).join("\n"));
    const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
    for (const text of [html, inputValues, stored]) expect(text).not.toContain("SECRET-provider");

    // The key field is write-only: editing starts empty and leaving it empty keeps the key.
    await row.getByRole("button", { name: "Edit" }).click();
    expect(await page.inputValue("#key-form input[name=apiKey]")).toBe("");
    await page.fill("#key-form input[name=priority]", "20");
    await page.click("#key-form button[type=submit]");
    await expect.poll(() => row.locator("td").nth(2).textContent()).toBe("20");
    const keys = (await (await t.request("GET", "/api/admin/ai-providers/1/keys", undefined, await t.adminToken())).json()) as { data: Array<{ keyHint: string }> };
    expect(keys.data[0].keyHint).toMatch(/wxyz$/);
    await row.getByRole("button", { name: "Edit" }).click();
    await snap("providers");
    await page.getByRole("button", { name: "Cancel" }).click();
  });

  it("disables and re-enables a key", async () => {
    const row = page.locator(`#key-table tr[data-key-id="${providerKeyId}"]`);
    await row.getByRole("button", { name: "Disable" }).click();
    await expect.poll(() => row.locator('[data-col="active"]').textContent()).toBe("disabled");
    await row.getByRole("button", { name: "Enable" }).click();
    await expect.poll(() => row.locator('[data-col="active"]').textContent()).toBe("active");
  });

  it("validates a key: valid, then invalid with its reason, then back to normal", async () => {
    const row = page.locator(`#key-table tr[data-key-id="${providerKeyId}"]`);
    await row.getByRole("button", { name: "Validate" }).click();
    await expect.poll(() => noticeText()).toMatch(/^Key primary is valid/);
    await expect.poll(() => row.locator('[data-col="lastValidated"]').textContent()).not.toBe("—");

    upstream.script(PROVIDER_KEY, reply.invalidKey());
    await row.getByRole("button", { name: "Validate" }).click();
    await expect.poll(() => noticeText()).toMatch(/^Key primary failed validation/);
    await expect.poll(() => row.locator('[data-col="status"]').textContent()).toBe("invalid");
    expect(await row.locator('[data-col="statusReason"]').textContent()).not.toBe("—");
    expect(await page.content()).not.toContain("SECRET-provider");

    await row.getByRole("button", { name: "Reset status" }).click();
    await expect.poll(() => row.locator('[data-col="status"]').textContent()).toBe("normal");
    expect(await row.locator('[data-col="statusReason"]').textContent()).toBe("—");
  });

  it("sends traffic and shows it in the usage charts and totals, rejections apart from the success rate", async () => {
    const createClient = async (name: string) =>
      ((await (await t.request("POST", "/api/admin/clients", { name }, await t.adminToken())).json()) as { data: CreatedClient }).data;
    const chartClient = await createClient("chart-app");
    const batchClient = await createClient("batch-app");
    traffic = await makeTraffic({ t, baseUrl: gateway.baseUrl, upstream, chartClient, batchClient, providerApiKey: PROVIDER_KEY }, await t.adminToken());
    expect(traffic).toMatchObject({ total: traffic.chartClientRows + traffic.batchClientRows, failed: 2, rejected: 3 });

    await page.goto(`${gateway.baseUrl}/admin/#/usage`);
    await page.locator('[data-range="24h"]').click();
    await expect.poll(() => page.locator("#total-requests .value").textContent()).toBe(traffic.total.toLocaleString("en-US"));
    expect(await page.locator("#total-errors .value").textContent()).toBe(String(traffic.failed));
    expect(await page.locator("#total-rejected .value").textContent()).toBe(String(traffic.rejected));
    // Served over served + failed: the requests refused before routing do not lower it.
    const expectedRate = ((traffic.served / (traffic.served + traffic.failed)) * 100).toFixed(1) + "%";
    expect(await page.locator("#total-success .value").textContent()).toBe(expectedRate);
    expect(await page.locator("#total-latency .hint").textContent()).toBe("p50 / p95");
    expect(await page.locator("#total-latency .value").textContent()).toMatch(/^\d+ \/ \d+ ms$/);

    const requests = await chartData("chart-requests");
    expect(requests.labels).toHaveLength(24);
    expect(requests.datasets.map((dataset) => dataset.label)).toContain("OpenAI");
    expect(sum(requests.datasets.flatMap((dataset) => dataset.data))).toBe(traffic.total);
    const openAi = requests.datasets.find((dataset) => dataset.label === "OpenAI")!;
    // Three hours ago (rolled up) and the current hour (read from logs) both have traffic.
    expect(openAi.data.filter((value) => Number(value) > 0).length).toBeGreaterThanOrEqual(2);
    const success = await chartData("chart-success");
    expect(success.datasets.find((dataset) => dataset.label === "OpenAI")!.data.some((value) => value !== null && Number(value) < 100)).toBe(true);
    const tokens = await chartData("chart-tokens");
    expect(sum(tokens.datasets.flatMap((dataset) => dataset.data))).toBeGreaterThan(0);
    const cost = await chartData("chart-cost");
    expect(sum(cost.datasets.flatMap((dataset) => dataset.data))).toBeGreaterThan(0);
    expect(await rowsOf("#top-errors-table").count()).toBeGreaterThanOrEqual(1);
    // Top errors name the client (and the key where one was used).
    const upstreamError = page.locator("#top-errors-table tbody tr", { has: page.locator('[data-col="errorCode"]', { hasText: "bad_request" }) });
    expect(await upstreamError.locator('[data-col="client"]').textContent()).toBe("chart-app");
    expect(await upstreamError.locator('[data-col="key"]').textContent()).toBe("primary");
    const canvasSize = await page.evaluate(() => {
      const canvas = document.getElementById("chart-requests") as HTMLCanvasElement;
      return { width: canvas.width, height: canvas.height };
    });
    expect(canvasSize.width).toBeGreaterThan(300);
    expect(canvasSize.height).toBeGreaterThan(100);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it("shows usage by client, model and key, with rejections in their own column", async () => {
    const rowOf = (group: string) => page.locator("#usage-table tbody tr", { has: page.locator('[data-col="group"]', { hasText: new RegExp(`^${group}$`) }) });
    const cell = (group: string, column: string) => rowOf(group).locator(`[data-col="${column}"]`).textContent();
    await page.click('[data-group="client"]');
    await expect.poll(() => cell("chart-app", "requests")).toBe(String(traffic.chartClientRows));
    expect(await cell("chart-app", "rejected")).toBe(String(traffic.rejected));
    expect(await cell("chart-app", "failed")).toBe(String(traffic.failed));
    expect(await cell("batch-app", "requests")).toBe(String(traffic.batchClientRows));
    expect(await cell("batch-app", "successRate")).toBe("100.0%");
    expect(await cell("batch-app", "p50")).toMatch(/^\d+ ms$/);
    expect((await chartData("chart-requests")).datasets.map((dataset) => dataset.label).sort()).toEqual(["batch-app", "chart-app"]);
    expect(page.url()).toContain("groupBy=client");

    await page.click('[data-group="model"]');
    await expect.poll(() => cell(TRAFFIC_MODEL, "requests")).toBe(String(traffic.total - traffic.rejected));
    expect(await cell(UNKNOWN_MODEL, "rejected")).toBe(String(traffic.rejected));

    await page.click('[data-group="key"]');
    await expect.poll(() => cell("primary", "requests")).toBe(String(traffic.served + traffic.failed));
    await snap("usage-by-key");
    await page.click('[data-group="provider"]');
    await expect.poll(() => cell("OpenAI", "requests")).toBe(String(traffic.served + traffic.failed));
  });

  it("switches the range to 7 days (hourly) and 30 days (daily)", async () => {
    await page.locator('[data-range="7d"]').click();
    await expect.poll(async () => (await chartData("chart-requests")).labels.length).toBe(168);
    expect(sum((await chartData("chart-requests")).datasets.flatMap((dataset) => dataset.data))).toBe(traffic.total);
    await page.locator('[data-range="30d"]').click();
    await expect.poll(async () => (await chartData("chart-requests")).labels.length).toBe(30);
    expect(sum((await chartData("chart-requests")).datasets.flatMap((dataset) => dataset.data))).toBe(traffic.total);
    expect(await page.locator("#total-requests .value").textContent()).toBe(traffic.total.toLocaleString("en-US"));
  });

  it("lists the traffic in the log viewer with model and status, and filters it", async () => {
    await page.goto(`${gateway.baseUrl}/admin/#/logs`);
    await page.selectOption("#log-filters select[name=clientId]", { label: "chart-app" });
    await page.click("#log-filters button[type=submit]");
    const clientRows = traffic.chartClientRows;
    await expect.poll(() => rowsOf("#log-table").count()).toBe(clientRows);
    expect(new Set(await page.locator('#log-table td[data-col="model"]').allTextContents())).toEqual(new Set([TRAFFIC_MODEL, UNKNOWN_MODEL]));
    expect(new Set(await page.locator('#log-table td[data-col="client"]').allTextContents())).toEqual(new Set(["chart-app"]));

    await page.selectOption("#log-filters select[name=status]", "error");
    await page.click("#log-filters button[type=submit]");
    await expect.poll(() => rowsOf("#log-table").count()).toBe(traffic.errors);
    expect(new Set(await page.locator('#log-table td[data-col="status"]').allTextContents())).toEqual(new Set(["error"]));
    // A row opens to show its error message.
    await rowsOf("#log-table").first().click();
    await expect.poll(() => page.locator("#log-table tr.details").textContent()).toContain("Request id");

    await page.selectOption("#log-filters select[name=status]", "success");
    await page.click("#log-filters button[type=submit]");
    await expect.poll(() => rowsOf("#log-table").count()).toBe(clientRows - traffic.errors);
  });

  it("keeps the log filters in the URL and exports exactly the filtered rows as CSV", async () => {
    await page.selectOption("#log-filters select[name=status]", "");
    await page.selectOption("#log-filters select[name=outcome]", "rejected");
    await page.click("#log-filters button[type=submit]");
    await expect.poll(() => rowsOf("#log-table").count()).toBe(traffic.rejected);
    expect(page.url()).toMatch(/#\/logs\?.*clientId=\d+.*outcome=rejected/);
    const shownIds = (await page.locator("#log-table tr.log-row").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-log-id")))) as string[];

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#log-export")]);
    expect(download.suggestedFilename()).toMatch(/^ai-logs-.*\.csv$/);
    const lines = readFileSync((await download.path())!, "utf8").trim().split(/\r?\n/);
    const header = lines[0].split(",");
    const rows = lines.slice(1).map((line) => line.split(","));
    expect(rows.map((row) => row[header.indexOf("id")])).toEqual(shownIds);
    expect(new Set(rows.map((row) => row[header.indexOf("outcome")]))).toEqual(new Set(["rejected"]));
    expect(lines.join("\n")).not.toContain("SECRET-provider");

    // Reloading (or sharing) the URL restores the same filters and rows.
    await page.reload();
    await expect.poll(() => rowsOf("#log-table").count()).toBe(traffic.rejected);
    expect(await page.inputValue("#log-filters select[name=outcome]")).toBe("rejected");
    await page.click("#log-reset");
    await expect.poll(() => page.url()).not.toContain("outcome=");
  });

  it("pages through the log with keyset 'load more'", async () => {
    await page.click("#log-filters button.secondary"); // Reset
    await page.selectOption("#log-filters select[name=clientId]", { label: "batch-app" });
    await page.click("#log-filters button[type=submit]");
    await expect.poll(() => rowsOf("#log-table").count()).toBe(50);
    expect(await page.locator("#load-more").isVisible()).toBe(true);
    await snap("logs");
    await page.click("#load-more");
    await expect.poll(() => rowsOf("#log-table").count()).toBe(traffic.batchClientRows);
    expect(await page.locator("#load-more").isVisible()).toBe(false);
    const ids = (await page.locator("#log-table tr.log-row").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-log-id")))) as string[];
    expect(new Set(ids).size).toBe(traffic.batchClientRows);
    expect(await page.locator("#log-summary").textContent()).toBe(`${traffic.batchClientRows} requests shown`);
  });

  it("creates a client key, shows it once in a dismissable panel, and revokes it", async () => {
    await page.goto(`${gateway.baseUrl}/admin/#/clients`);
    await page.fill("#client-form input[name=name]", "billing-service");
    await page.fill("#client-form input[name=rateLimitRpm]", "120");
    await page.click("#client-form button[type=submit]");
    const secret = await page.locator("#new-client-key-value").inputValue();
    await snap("clients-new-key");
    expect(secret.length).toBeGreaterThan(20);
    const row = page.locator("#client-table tbody tr", { hasText: "billing-service" });
    await row.waitFor();
    expect(secret.endsWith((await row.locator('[data-col="keyHint"]').textContent())!.replace(/^.*…/, ""))).toBe(true);

    await page.click("#dismiss-client-key");
    expect(await page.locator("#new-client-key-value").count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
    await page.goto(`${gateway.baseUrl}/admin/#/models`);
    await page.goto(`${gateway.baseUrl}/admin/#/clients`);
    await row.waitFor();
    expect(await page.content()).not.toContain(secret);

    await row.getByRole("button", { name: "Revoke" }).click();
    await row.getByRole("button", { name: "Confirm revoke" }).click();
    await expect.poll(() => row.locator('[data-col="state"]').textContent()).toBe("revoked");
    const response = await fetch(`${gateway.baseUrl}/v1/models`, { headers: { authorization: `Bearer ${secret}` } });
    expect(response.status).toBe(401);
  });

  it("edits a model's prices", async () => {
    await page.goto(`${gateway.baseUrl}/admin/#/models`);
    const row = page.locator("#model-table tbody tr", { has: page.locator('[data-col="modelCode"]', { hasText: /^gpt-4o-mini$/ }) });
    await row.getByRole("button", { name: "Edit" }).click();
    await page.fill("#model-form input[name=inputPricePerM]", "0.175");
    await page.fill("#model-form input[name=outputPricePerM]", "0.7");
    await page.click("#model-form button[type=submit]");
    await expect.poll(() => row.locator('[data-col="inputPrice"]').textContent()).toBe("$0.175");
    expect(await row.locator('[data-col="outputPrice"]').textContent()).toBe("$0.7");
    await snap("models");
  });

  it("adds a webhook (URL write-only), sends a test alert and shows it in the history", async () => {
    await page.goto(`${gateway.baseUrl}/admin/#/alerts`);
    await expect.poll(() => page.locator("#alert-config").textContent()).toContain("success rate");
    await page.click("#add-webhook");
    await page.fill("#webhook-form input[name=name]", "ops channel");
    await page.fill("#webhook-form input[name=url]", `${webhookSink.baseUrl}/hooks/${WEBHOOK_TOKEN}`);
    await page.selectOption("#webhook-form select[name=format]", "slack");
    await page.click("#webhook-form button[type=submit]");
    const row = page.locator("#webhook-table tbody tr", { hasText: "ops channel" });
    await row.waitFor();
    expect(await page.content()).not.toContain(WEBHOOK_TOKEN);
    await row.getByRole("button", { name: "Send test" }).click();
    await expect.poll(() => noticeText()).toContain("Test alert delivered to ops channel");
    expect(webhookCalls).toBe(1);
    await expect.poll(() => page.locator("#alert-history tbody").textContent()).toContain("modelgate test alert");
    expect(await row.locator('[data-col="format"]').textContent()).toBe("slack");
    await row.getByRole("button", { name: "Disable" }).click();
    await expect.poll(() => row.textContent()).toContain("disabled");
    expect(await row.locator('[data-col="format"]').textContent()).toBe("slack");
    await snap("alerts");
  });

  it("lists an audit entry for every change this tour made, by whom, without a secret", async () => {
    await page.goto(`${gateway.baseUrl}/admin/#/audit`);
    await page.waitForSelector("#audit-table tbody tr");
    while (await page.locator("#audit-more").isVisible()) {
      const before = await page.locator("#audit-table tbody tr").count();
      await page.click("#audit-more");
      await expect.poll(() => page.locator("#audit-table tbody tr").count()).toBeGreaterThan(before);
    }
    const actions = (await page.locator("#audit-table tbody tr").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-action")))) as string[];
    for (const action of ["provider.update", "key.create", "key.update", "key.validate", "client.create", "client.delete", "model.update", "webhook.create", "webhook.test", "webhook.update", "job.run"]) {
      expect(actions, action).toContain(action);
    }
    expect(new Set(await page.locator('#audit-table td[data-col="admin"]').allTextContents())).toEqual(new Set([TEST_ADMIN.username]));
    const text = await page.locator("#audit-table").textContent();
    expect(text).not.toContain("SECRET-provider");
    expect(text).not.toContain(WEBHOOK_TOKEN);
    await snap("audit");
  });

  it("goes back to the login form when the API answers 401, and logs out", async () => {
    await page.evaluate(() => sessionStorage.setItem("modelgate.token", "not-a-valid-token"));
    await page.goto(`${gateway.baseUrl}/admin/#/models`);
    await page.waitForSelector("#login-form");
    expect(await page.locator("#login-message").textContent()).toContain("session has ended");
    await snap("login");
    await page.fill("input[name=username]", TEST_ADMIN.username);
    await page.fill("input[name=password]", TEST_ADMIN.password);
    await page.click("#login-form button[type=submit]");
    await page.waitForSelector("#view-models");
    const token = await page.evaluate(() => sessionStorage.getItem("modelgate.token"));
    expect((await t.request("GET", "/api/admin/clients", undefined, token)).status).toBe(200);
    await page.click("#logout");
    await page.waitForSelector("#login-form");
    expect(await page.evaluate(() => sessionStorage.getItem("modelgate.token"))).toBeNull();
    // The server ended the session too: the token is refused even where it was copied.
    expect((await t.request("GET", "/api/admin/clients", undefined, token)).status).toBe(401);
  });

  it("works behind a stage prefix, as API Gateway's REST API serves it (/prod/admin)", async () => {
    // Like API Gateway: the stage is the first path segment for the browser, but not in the path the app sees.
    const stage = await serveOnLoopback(async (request) => {
      const url = new URL(request.url);
      if (!url.pathname.startsWith("/prod/")) return Response.json({ message: "Missing Authentication Token" }, { status: 403 });
      url.pathname = url.pathname.slice("/prod".length);
      const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
      return t.app.fetch(new Request(url, { method: request.method, headers: request.headers, body }));
    });
    const staged = await context.newPage();
    const stagedProblems = await watchPage(staged);
    try {
      await staged.goto(`${stage.baseUrl}/prod/admin`);
      expect(staged.url()).toBe(`${stage.baseUrl}/prod/admin/`);
      await staged.fill("input[name=username]", TEST_ADMIN.username);
      await staged.fill("input[name=password]", TEST_ADMIN.password);
      await staged.click("#login-form button[type=submit]");
      await expect.poll(() => staged.locator("#total-requests .value").textContent()).toBe(traffic.total.toLocaleString("en-US"));
      expect(await staged.evaluate(() => typeof (window as unknown as { Chart?: unknown }).Chart)).toBe("function");
      expect(stagedProblems).toEqual({ errors: [], failedResponses: [] });
    } finally {
      await staged.close();
      await stage.close();
    }
  });

  it("reported no script errors, no CSP violations and no failed requests but the expected 401s", () => {
    expect(problems.errors).toEqual([]);
    expect(problems.failedResponses).toEqual(["401 POST /api/auth/login", "401 GET /api/admin/ai-models"]);
  });

  async function chartData(id: string): Promise<{ labels: string[]; datasets: Array<{ label: string; data: Array<number | null> }> }> {
    return page.evaluate((canvasId) => {
      const chartLibrary = (window as unknown as { Chart: { getChart(canvas: Element): { data: { labels: string[]; datasets: Array<{ label: string; data: Array<number | null> }> } } | undefined } }).Chart;
      const chart = chartLibrary.getChart(document.getElementById(canvasId)!);
      if (!chart) return { labels: [], datasets: [] };
      return { labels: [...chart.data.labels], datasets: chart.data.datasets.map((dataset) => ({ label: dataset.label, data: [...dataset.data] })) };
    }, id);
  }
});

function sum(values: Array<number | null>): number {
  return values.reduce<number>((total, value) => total + Number(value ?? 0), 0);
}
