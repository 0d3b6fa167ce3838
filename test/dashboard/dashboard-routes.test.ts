import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Script } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chartLibraryCandidates, chartLibraryLoader, DASHBOARD_ASSET_COPY, matchesEtag } from "../../lib/dashboard/dashboard-assets";
import { dashboardRoutes } from "../../lib/dashboard/dashboard-routes";
import { dashboardScriptLoader, dashboardScriptSources, DASHBOARD_SCRIPT_COPY } from "../../lib/dashboard/dashboard-script";
import { createLogger } from "../../lib/logging/logger";
import { createTestApp, type TestApp } from "../support/test-app";

describe("dashboard routes", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("redirects /admin to admin/ with a relative Location, so a stage prefix survives", async () => {
    const response = await t.app.request("/admin");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("admin/");
  });

  it("serves the shell with a strict CSP and no inline script or style", async () => {
    const response = await t.app.request("/admin/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    const page = await response.text();
    // Every script has a src; no <style> element or style attribute; every URL is relative.
    expect(page.match(/<script\b[^>]*>/g)?.every((tag) => /\ssrc="assets\//.test(tag))).toBe(true);
    expect(page).not.toMatch(/<style|\sstyle=/);
    expect(page).not.toMatch(/(src|href)="\//);
  });

  it("answers 404 for paths under /admin that are not the page or an asset", async () => {
    const response = await t.app.request("/admin/unknown/");
    expect(response.status).toBe(404);
  });

  it("serves app.js, app.css and the charting library with content-hash ETags and 304 on revalidation", async () => {
    const page = await (await t.app.request("/admin/")).text();
    for (const name of ["app.js", "app.css", "chart.umd.js"]) {
      const versioned = new RegExp(`assets/${name.replace(".", "\\.")}\\?v=([0-9a-f]{12})`).exec(page);
      expect(versioned, name).not.toBeNull();
      const response = await t.app.request(`/admin/assets/${name}?v=${versioned![1]}`);
      expect(response.status, name).toBe(200);
      expect(response.headers.get("cache-control")).toContain("immutable");
      const etag = response.headers.get("etag")!;
      expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
      const unversioned = await t.app.request(`/admin/assets/${name}`, { headers: { "if-none-match": etag } });
      expect(unversioned.status).toBe(304);
      expect(unversioned.headers.get("cache-control")).toBe("no-cache");
    }
    const chart = await t.app.request("/admin/assets/chart.umd.js");
    expect(chart.headers.get("content-type")).toMatch(/javascript/);
    expect(await chart.text()).toContain("Chart");
  });

  it("builds the browser modules into one script that parses and never writes markup from strings", async () => {
    const script = await (await t.app.request("/admin/assets/app.js")).text();
    expect(() => new Script(script)).not.toThrow();
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    // Relative API URLs only: an absolute "/api/" would drop API Gateway's stage prefix.
    expect(script).toContain('"../api/"');
    expect(script).not.toMatch(/["'`]\/api\//);
    // Both dictionaries are in it, as written (not escaped).
    expect(script).toContain("供应商与密钥");
    expect(script).toContain("Providers & keys");
  });

  it("hands the registry's provider formats to the page as data, escaped", async () => {
    const page = await (await t.app.request("/admin/")).text();
    const attribute = /<body data-provider-formats="([^"]*)"/.exec(page);
    expect(attribute).not.toBeNull();
    const formats = JSON.parse(attribute![1].replace(/&quot;/g, '"').replace(/&amp;/g, "&").replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">")) as Array<{ format: string }>;
    expect(formats.map((entry) => entry.format)).toContain("openai-compatible");
  });
});

describe("dashboard script", () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "mg-dashboard-script-"));
  });
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it("looks for the sources, then for the copy the stack ships beside a Lambda bundle", () => {
    const bundleEntry = join(directory, "functions", "api.mjs");
    const sources = dashboardScriptSources(`file://${bundleEntry}`, "/task");
    expect(sources.sourceEntries).toContain("/task/lib/dashboard/browser/main.ts");
    expect(sources.builtFiles).toEqual([
      join(directory, "functions", DASHBOARD_SCRIPT_COPY.to),
      join(directory, DASHBOARD_SCRIPT_COPY.to),
      join("/task", DASHBOARD_SCRIPT_COPY.to),
    ]);
  });

  it("serves the built copy where there are no sources (a Lambda), and 503 where there is neither", async () => {
    const copy = join(directory, "app.js");
    writeFileSync(copy, "console.log('built at deploy time');");
    const fromCopy = dashboardRoutes({ logger: createLogger({ level: "error", write: () => undefined }) }, { appScript: dashboardScriptLoader({ sourceEntries: [join(directory, "none.ts")], builtFiles: [join(directory, "absent.js"), copy] }) });
    const response = await fromCopy.request("/assets/app.js");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("console.log('built at deploy time');");

    const logLines: string[] = [];
    const nowhere = dashboardRoutes({ logger: createLogger({ level: "debug", write: (line) => logLines.push(line) }) }, { appScript: dashboardScriptLoader({ sourceEntries: [], builtFiles: [join(directory, "absent.js")] }) });
    expect((await nowhere.request("/assets/app.js")).status).toBe(503);
    expect(logLines.join("\n")).toContain("dashboard script unavailable");
    expect((await nowhere.request("/x/")).status).toBe(200);
  });

  it("builds from the sources when they are there, ahead of a stale copy", async () => {
    const entry = join(directory, "main.ts");
    writeFileSync(entry, "const greeting: string = 'fresh from source';\ndocument.title = greeting;\n");
    const stale = join(directory, "stale.js");
    writeFileSync(stale, "stale");
    const asset = await dashboardScriptLoader({ sourceEntries: [entry], builtFiles: [stale] })();
    expect(asset.body).toContain("fresh from source");
    expect(asset.body).not.toContain(": string");
  });
});

describe("charting library lookup", () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "mg-dashboard-"));
  });
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it("tries node_modules first, then the copied file beside the bundle and under the working directory", () => {
    const candidates = chartLibraryCandidates();
    expect(candidates[0]).toMatch(/node_modules\/chart\.js\/dist\/chart\.umd\.js$/);
    expect(candidates.slice(1).every((path) => path.endsWith(DASHBOARD_ASSET_COPY.to))).toBe(true);
    expect(DASHBOARD_ASSET_COPY).toEqual({ from: "node_modules/chart.js/dist/chart.umd.js", to: "dashboard-assets/chart.umd.js" });
  });

  it("finds the copied file where a Lambda bundle keeps it, without node_modules", () => {
    const bundleEntry = join(directory, "functions", "api.mjs");
    const candidates = chartLibraryCandidates(`file://${bundleEntry}`, "/nonexistent");
    // No node_modules above the temporary folder: only the bundle-relative candidates remain.
    expect(candidates).toEqual([
      join(directory, "functions", DASHBOARD_ASSET_COPY.to),
      join(directory, DASHBOARD_ASSET_COPY.to),
      join("/nonexistent", DASHBOARD_ASSET_COPY.to),
    ]);
  });

  it("serves 503 when the library is nowhere, and the page still loads", async () => {
    const logLines: string[] = [];
    const routes = dashboardRoutes({ logger: createLogger({ level: "debug", write: (line) => logLines.push(line) }) }, { chartLibraryPaths: [join(directory, "missing.js")] });
    expect((await routes.request("/assets/chart.umd.js")).status).toBe(503);
    expect(logLines.join("\n")).toContain("charting library unavailable");
    const page = await routes.request("/x/");
    expect(page.status).toBe(200);
  });

  it("reads the first readable candidate once and keeps it in memory", async () => {
    const copied = join(directory, "chart.umd.js");
    const load = chartLibraryLoader([join(directory, "absent.js"), copied]);
    await expect(load()).rejects.toThrow(/not found/);
    writeFileSync(copied, "window.Chart = function () {};");
    const asset = await load();
    expect(asset.body).toBe("window.Chart = function () {};");
    rmSync(copied);
    expect(await load()).toBe(asset);
    expect(matchesEtag(`W/${asset.etag}, "other"`, asset.etag)).toBe(true);
    expect(matchesEtag('"other"', asset.etag)).toBe(false);
  });
});
