/**
 * Managing the gateway from the dashboard in headless Chromium: editing a client key (name,
 * allowed models picked from the catalogue, requests per minute, active) and changing one's own
 * password, with the server's refusals shown in the page's language. Its own app, because a
 * password change signs every older token out.
 */
import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, TEST_ADMIN, type TestApp } from "../support/test-app";
import { chromiumAvailable, launchChromium, serveOnLoopback, watchPage, type PageProblems } from "./browser-harness";

const NEW_PASSWORD = "a brand new passphrase 42";
const available = chromiumAvailable("dashboard management in Chromium");

interface ClientView {
  id: number;
  name: string;
  allowedModels: string[] | null;
  rateLimitRpm: number | null;
  isActive: boolean;
}

describe.skipIf(!available)("dashboard management in Chromium", () => {
  let t: TestApp;
  let gateway: { baseUrl: string; close(): Promise<void> };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;

  /** A fresh token for checks through the API (the app's cached one dies with the password change). */
  const login = async (password: string) => t.request("POST", "/api/auth/login", { username: TEST_ADMIN.username, password });
  const tokenFor = async (password: string) => ((await (await login(password)).json()) as { data: { token: string } }).data.token;
  const noticeText = () => page.locator("#notice span").textContent();

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_MAX: "1000000" } });
    t.clock.current = Date.now();
    gateway = await serveOnLoopback(t.app.fetch);
    browser = await launchChromium();
    context = await browser.newContext({ locale: "en-US", viewport: { width: 1440, height: 1000 } });
    page = await context.newPage();
    problems = await watchPage(page);
    await page.goto(`${gateway.baseUrl}/admin/`);
    await page.fill("input[name=username]", TEST_ADMIN.username);
    await page.fill("input[name=password]", TEST_ADMIN.password);
    await page.click("#login-form button[type=submit]");
    await page.waitForSelector("#nav a.active");
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await gateway?.close();
    await t?.close();
  });

  it("edits a client key: name, allowed models from the catalogue, requests per minute, active", async () => {
    await page.goto(`${gateway.baseUrl}/admin/#/clients`);
    await page.fill("#client-form input[name=name]", "reports");
    await page.click("#client-form button[type=submit]");
    await page.click("#dismiss-client-key");
    const row = page.locator("#client-table tbody tr", { hasText: "reports" });
    await row.waitFor();
    const id = Number(await row.getAttribute("data-client-id"));
    expect(await row.locator('[data-col="allowedModels"]').textContent()).toBe("all");

    await row.getByRole("button", { name: "Edit" }).click();
    const form = page.locator("#client-edit-form");
    // The choices are the catalogue's models, as provider/model.
    const choices = await form.locator('[data-field="allowedModels"] input[type=checkbox]').evaluateAll((boxes) => boxes.map((box) => (box as HTMLInputElement).value));
    expect(choices).toContain("openai/gpt-4o-mini");
    expect(choices.every((choice) => /^[a-z0-9-]+\/\S+$/.test(choice))).toBe(true);
    await form.locator("input[name=name]").fill("reports-nightly");
    await form.locator(".choice-filter").fill("gpt-4o-mini");
    expect(await form.locator(".choice:not([hidden])").count()).toBe(1);
    await form.locator('input[value="openai/gpt-4o-mini"]').check();
    await form.locator(".choice-filter").fill("deepseek-chat");
    await form.locator('input[value="deepseek/deepseek-chat"]').check();
    await form.locator("input[name=rateLimitRpm]").fill("90");
    await form.locator("input[name=isActive]").uncheck();
    await form.locator("button[type=submit]").click();
    await expect.poll(() => noticeText()).toBe("Client key reports-nightly saved.");

    const edited = page.locator(`#client-table tr[data-client-id="${id}"]`);
    // The list reloads after the notice: wait for the new row, then read the rest of it.
    await expect.poll(() => edited.locator('[data-col="name"]').textContent()).toBe("reports-nightly");
    expect(await edited.locator('[data-col="allowedModels"]').textContent()).toBe("openai/gpt-4o-mini, deepseek/deepseek-chat");
    expect(await edited.locator('[data-col="rpm"]').textContent()).toBe("90");
    expect(await edited.locator('[data-col="state"]').textContent()).toBe("disabled");
    const stored = ((await (await t.request("GET", `/api/admin/clients/${id}`, undefined, await tokenFor(TEST_ADMIN.password))).json()) as { data: ClientView }).data;
    expect(stored).toMatchObject({ name: "reports-nightly", allowedModels: ["openai/gpt-4o-mini", "deepseek/deepseek-chat"], rateLimitRpm: 90, isActive: false });

    // Untick everything: every model is allowed again (null, not an empty list).
    await edited.getByRole("button", { name: "Edit" }).click();
    expect(await form.locator('input[value="openai/gpt-4o-mini"]').isChecked()).toBe(true);
    await form.locator('input[value="openai/gpt-4o-mini"]').uncheck();
    await form.locator(".choice-filter").fill("deepseek-chat");
    await form.locator('input[value="deepseek/deepseek-chat"]').uncheck();
    await form.locator("input[name=isActive]").check();
    await form.locator("button[type=submit]").click();
    await expect.poll(() => edited.locator('[data-col="allowedModels"]').textContent()).toBe("all");
    expect(await edited.locator('[data-col="state"]').textContent()).toBe("active");
  });

  it("shows the server's refusal of a bad edit beside the form, naming the field", async () => {
    const row = page.locator("#client-table tbody tr", { hasText: "reports-nightly" });
    await row.getByRole("button", { name: "Edit" }).click();
    const form = page.locator("#client-edit-form");
    await form.locator("input[name=rateLimitRpm]").fill("0");
    // The browser's own check would stop 0 (min=1); the server must refuse it as well.
    await form.evaluate((element) => ((element as HTMLFormElement).noValidate = true));
    await form.locator("button[type=submit]").click();
    await expect.poll(() => form.locator("p.error").textContent()).toContain("rateLimitRpm");
    await form.getByRole("button", { name: "Cancel" }).click();
  });

  it("changes the password from the account page; wrong and mismatched inputs are refused in the page's language", async () => {
    await page.click("#who");
    await page.waitForSelector("#password-form");
    expect(await page.locator("#account-who").textContent()).toBe("Signed in as admin (admin).");
    const form = page.locator("#password-form");
    await form.locator("input[name=currentPassword]").fill("not my password at all");
    await form.locator("input[name=newPassword]").fill(NEW_PASSWORD);
    await form.locator("input[name=confirmPassword]").fill(NEW_PASSWORD);
    await form.locator("button[type=submit]").click();
    await expect.poll(() => form.locator("p.error").textContent()).toBe("The current password is wrong.");
    // A wrong current password does not end the session.
    expect(await page.locator("#logout").isVisible()).toBe(true);

    await form.locator("input[name=currentPassword]").fill(TEST_ADMIN.password);
    await form.locator("input[name=confirmPassword]").fill("something else entirely");
    await form.locator("button[type=submit]").click();
    await expect.poll(() => form.locator("p.error").textContent()).toBe("The two new passwords differ.");

    await form.locator("input[name=confirmPassword]").fill(NEW_PASSWORD);
    await form.locator("button[type=submit]").click();
    await expect.poll(() => noticeText()).toContain("Password changed");
    expect((await login(TEST_ADMIN.password)).status).toBe(401);
    expect((await login(NEW_PASSWORD)).status).toBe(200);
    // The page holds the new token: it keeps working.
    await page.click('#nav a[data-view="models"]');
    await page.waitForSelector("#model-table");

    await page.click("#logout");
    await page.waitForSelector("#login-form");
    await page.selectOption("#language", "zh-CN");
    await page.fill("input[name=username]", TEST_ADMIN.username);
    await page.fill("input[name=password]", TEST_ADMIN.password);
    await page.click("#login-form button[type=submit]");
    await expect.poll(() => page.locator("#login-message").textContent()).toBe("用户名或密码错误。");
    await page.fill("input[name=password]", NEW_PASSWORD);
    await page.click("#login-form button[type=submit]");
    await page.waitForSelector("#nav a.active");
    expect(await page.locator("#logout").textContent()).toBe("退出登录");
  });

  it("lists an audit entry for each change, filters them in the URL and exports the same rows, never a secret", async () => {
    await page.click('#nav a[data-view="audit"]');
    await page.waitForSelector("#audit-table tbody tr");
    const actions = await page.locator("#audit-table tbody tr").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-action")));
    // Newest first: the password change, the two edits, the create (the refused edit left none).
    expect(actions).toEqual(["user.password_change", "client.update", "client.update", "client.create"]);
    const passwordRow = page.locator('#audit-table tr[data-action="user.password_change"]');
    expect(await passwordRow.locator('[data-col="admin"]').textContent()).toBe(TEST_ADMIN.username);
    const edit = page.locator('#audit-table tr[data-action="client.update"]').last();
    expect(await edit.locator('[data-col="summary"]').textContent()).toContain("reports-nightly");
    expect(await page.content()).not.toContain(NEW_PASSWORD);

    await page.fill("#audit-filters input[name=action]", "client.update");
    await page.click("#audit-filters button[type=submit]");
    await expect.poll(() => page.locator("#audit-table tbody tr").count()).toBe(2);
    expect(page.url()).toContain("#/audit?action=client.update");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#audit-export")]);
    const csv = readFileSync((await download.path())!, "utf8").trim().split(/\r?\n/);
    expect(csv[0]).toContain("action");
    expect(csv.slice(1)).toHaveLength(2);
    expect(csv.slice(1).every((line) => line.includes("client.update"))).toBe(true);
    // Reloading the page keeps the filter.
    await page.reload();
    await page.waitForSelector("#audit-table tbody tr");
    expect(await page.locator("#audit-table tbody tr").count()).toBe(2);
    expect(await page.inputValue("#audit-filters input[name=action]")).toBe("client.update");
  });

  it("adds a viewer from the Users page; the viewer reads but is told changes need an admin", async () => {
    await page.click('#nav a[data-view="users"]');
    await page.click("#add-user");
    await page.fill("#user-form input[name=username]", "watcher");
    await page.fill("#user-form input[name=password]", "watcher password 123");
    await page.selectOption("#user-form select[name=role]", "viewer");
    await page.click("#user-form button[type=submit]");
    const row = page.locator("#user-table tbody tr", { hasText: "watcher" });
    await row.waitFor();
    // The page is still in Chinese, as chosen at the last login.
    expect(await row.locator('[data-col="role"]').textContent()).toBe("查看者");

    const viewerContext = await browser.newContext({ locale: "zh-CN", viewport: { width: 390, height: 844 } });
    const viewer = await viewerContext.newPage();
    try {
      await viewer.goto(`${gateway.baseUrl}/admin/#/clients`);
      await viewer.fill("input[name=username]", "watcher");
      await viewer.fill("input[name=password]", "watcher password 123");
      await viewer.click("#login-form button[type=submit]");
      const client = viewer.locator("#client-table tbody tr", { hasText: "reports-nightly" });
      await client.getByRole("button", { name: "停用" }).click();
      await expect.poll(() => viewer.locator("#notice span").textContent()).toContain("你的角色无权执行此操作");
    } finally {
      await viewerContext.close();
    }
  });

  it("says which limit refused a login and when it lifts", async () => {
    const other = await browser.newPage();
    try {
      await other.goto(`${gateway.baseUrl}/admin/`);
      for (let attempt = 0; attempt < 6; attempt++) {
        await other.fill("input[name=username]", "ghost");
        await other.fill("input[name=password]", `wrong ${attempt}`);
        await other.click("#login-form button[type=submit]");
        await expect.poll(() => other.locator("#login-form button[type=submit]").isEnabled()).toBe(true);
      }
      const message = (await other.locator("#login-message").textContent())!;
      expect(message).toMatch(/^Too many failed sign-ins for this user from this address; try again at .+ \(in \d+ s\)\.$/);
      const seconds = Number(/in (\d+) s/.exec(message)![1]);
      expect(seconds).toBeGreaterThan(60);
      expect(seconds).toBeLessThanOrEqual(15 * 60);
    } finally {
      await other.close();
    }
  });

  it("reported no script errors and no failed requests but the refusals it provoked", () => {
    expect(problems.errors).toEqual([]);
    expect(problems.failedResponses.map((line) => line.replace(/\/\d+$/, "/:id"))).toEqual(["400 PUT /api/admin/clients/:id", "401 POST /api/auth/password", "401 POST /api/auth/login"]);
  });
});

describe.skipIf(!available)("dashboard when an admin limit is reached", () => {
  let t: TestApp;
  let gateway: { baseUrl: string; close(): Promise<void> };
  let browser: Browser;

  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_RATE_LIMIT_MAX: "4" } });
    t.clock.current = Date.now();
    gateway = await serveOnLoopback(t.app.fetch);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await t?.close();
  });

  it("names the setting and says when the limit lifts, in either language", async () => {
    for (const [locale, expected] of [
      ["en-US", /Limit ADMIN_RATE_LIMIT_MAX reached; it lifts at .+ \(in \d+ s\)\./],
      ["zh-CN", /已达到限制 ADMIN_RATE_LIMIT_MAX；将于 .+ 解除（\d+ 秒后）。/],
    ] as const) {
      const context = await browser.newContext({ locale });
      const page = await context.newPage();
      try {
        await page.goto(`${gateway.baseUrl}/admin/`);
        await page.fill("input[name=username]", TEST_ADMIN.username);
        await page.fill("input[name=password]", TEST_ADMIN.password);
        await page.click("#login-form button[type=submit]");
        // The usage view alone asks more than four times.
        await expect.poll(() => page.locator("#main").textContent()).toMatch(expected);
      } finally {
        await context.close();
      }
    }
  });
});
