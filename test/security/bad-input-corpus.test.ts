/**
 * The bad-input corpus: hundreds of hostile requests, generated from the route tables, against
 * every route and door of the real app. Each answer must be a 4xx (413 for oversize bodies) in the
 * path's error shape whose message names what is wrong, without a stack trace, a file path or a
 * secret, within a bounded time; and the stored data is the same afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/test-app";
import { TEST_DATABASE_KINDS, testDatabaseAvailable } from "../support/test-databases";
import { BODY_ROUTES, type BodyRoute } from "./bad-input-routes";
import { buildCorpus, type Probe, type ProbeFixture } from "./bad-input-probes";

const MAX_BODY_BYTES = 262_144;
const PROBE_TIMEOUT_MS = 10_000;
const PARALLEL = 8;
const PROVIDER_KEY = "sk-corpus-provider-key-000000000001";
const STACK_OR_PATH = /\bat [\w$.<>]+ \(|\n\s+at |node_modules|\/work\/|\.ts:\d+|file:\/\//;

/** Everything an attacker could hope to change, as comparable JSON. */
async function dump(t: TestApp) {
  const { db } = t.database.handle;
  const tables = ["t_ai_providers", "t_ai_api_keys", "t_ai_models", "t_client_keys", "t_admin_users", "t_alert_webhooks", "t_alert_history", "t_sys_job_state", "t_ai_usage_stats", "t_admin_audit_log"] as const;
  const result: Record<string, unknown> = {};
  for (const table of tables) result[table] = (await db.selectFrom(table).selectAll().execute()).map((row) => JSON.stringify(row)).sort();
  const logs = await db.selectFrom("t_ai_api_logs").selectAll().orderBy("id").execute();
  return { tables: JSON.stringify(result), logs };
}

/** Every string in a JSON answer: messages, field names, params. */
function textsOf(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(textsOf);
  if (value && typeof value === "object") return Object.values(value).flatMap(textsOf);
  return [];
}

/** Why a probe's answer is wrong, or null. */
function problemOf(probe: Probe, status: number, text: string, secrets: string[]): string | null {
  const accepted = probe.statuses ?? ((code: number) => code >= 400 && code < 500);
  if (!accepted(status)) return `status ${status}`;
  if (STACK_OR_PATH.test(text)) return "stack trace or file path in the answer";
  const secret = secrets.find((value) => text.includes(value));
  if (secret) return `a secret in the answer (${secret.slice(0, 6)}…)`;
  let parsed: any;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `not JSON: ${text.slice(0, 80)}`;
  }
  const message = probe.path.startsWith("/v1/") ? parsed?.error?.message : parsed?.message;
  if (typeof message !== "string" || message.length === 0) return `no message in the ${probe.path.startsWith("/v1/") ? "OpenAI/Anthropic" : "envelope"} shape: ${text.slice(0, 120)}`;
  if (!probe.mention.test(textsOf(parsed).join(" | "))) return `message does not name the problem (${probe.mention}): ${message.slice(0, 160)}`;
  return null;
}

for (const kind of TEST_DATABASE_KINDS) {
  const available = await testDatabaseAvailable(kind, "bad-input corpus");
  describe.skipIf(!available)(`bad-input corpus on ${kind}`, () => {
    let t: TestApp;
    let adminToken = "";
    let clientKey = "";
    let fixture: ProbeFixture;
    let enabled: BodyRoute[] = [];
    let before: Awaited<ReturnType<typeof dump>>;

    beforeAll(async () => {
      // The default destination policy: loopback and private upstreams refused.
      t = await createTestApp({ kind, env: { MAX_BODY_BYTES: String(MAX_BODY_BYTES), RATE_LIMIT_MAX: "1000000", ALLOW_LOOPBACK_UPSTREAMS: "false" } });
      adminToken = await t.adminToken();
      const json = async (response: Response) => ((await response.json()) as { data: Record<string, any> }).data;
      const client = await json(await t.request("POST", "/api/admin/clients", { name: "corpus client" }, adminToken));
      clientKey = client.apiKey as string;
      expect(clientKey).toMatch(/^mg-/);
      const key = await json(await t.request("POST", "/api/admin/ai-providers/1/keys", { keyName: "corpus", apiKey: PROVIDER_KEY }, adminToken));
      const hook = await json(await t.request("POST", "/api/admin/alerts/webhooks", { name: "corpus hook", url: "https://hooks.example.com/corpus" }, adminToken));
      const user = await json(await t.request("POST", "/api/admin/users", { username: "corpus-viewer", password: "a corpus viewer password", role: "viewer" }, adminToken));
      fixture = { keyId: key.id, clientId: client.id, webhookId: hook.id, userId: user.id, maxBodyBytes: MAX_BODY_BYTES };
      // A request that wrongly passed validation must never reach a real provider: every provider
      // points at a loopback port, which the destination policy refuses to connect to.
      await t.database.handle.db.updateTable("t_ai_providers").set({ base_url: "http://127.0.0.1:9/v1" }).execute();
      // Doors still being built answer 404 "No route": they join the corpus once they exist.
      for (const route of BODY_ROUTES) {
        const probe = await t.request(route.method, route.path.replace(/\{\w+\}/, "1"), "{", route.caller === "client" ? clientKey : adminToken);
        const text = await probe.text();
        if (!(probe.status === 404 && text.includes("No route"))) enabled.push(route);
      }
      before = await dump(t);
    }, 60_000);
    afterAll(() => t?.close());

    it("answers every hostile request with a 4xx that names the problem, and changes nothing", async () => {
      const corpus = buildCorpus(fixture, (route) => enabled.includes(route));
      expect(corpus.length).toBeGreaterThanOrEqual(300);
      const failures: string[] = [];
      const slowest = { ms: 0, label: "" };
      const secrets = [adminToken, clientKey, PROVIDER_KEY, t.deps.jwtSecret];

      const runProbe = async (probe: Probe) => {
        const headers: Record<string, string> = {};
        if (probe.contentType) headers["content-type"] = probe.contentType;
        const credential = probe.caller === "admin" ? `Bearer ${adminToken}` : probe.caller === "client" ? `Bearer ${clientKey}` : null;
        const authorization = probe.authorization === undefined ? credential : probe.authorization;
        if (authorization) headers.authorization = authorization;
        const body = typeof probe.body === "function" ? probe.body() : probe.body;
        const started = performance.now();
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("no answer in time")), PROBE_TIMEOUT_MS)));
        try {
          const response = await Promise.race([
            Promise.resolve(t.app.request(probe.path, { method: probe.method, headers, body, ...(typeof probe.body === "function" ? { duplex: "half" } : {}) } as RequestInit)),
            timeout,
          ]);
          const text = await Promise.race([response.text(), timeout]);
          const elapsed = performance.now() - started;
          if (elapsed > slowest.ms) Object.assign(slowest, { ms: elapsed, label: `${probe.route} / ${probe.label}` });
          const problem = problemOf(probe, response.status, text, secrets);
          if (problem) failures.push(`${probe.method} ${probe.path.slice(0, 80)} [${probe.category}: ${probe.label}] -> ${problem}`);
        } catch (error) {
          failures.push(`${probe.method} ${probe.path.slice(0, 80)} [${probe.category}: ${probe.label}] -> ${(error as Error).message}`);
        } finally {
          clearTimeout(timer);
        }
      };
      const queue = [...corpus];
      await Promise.all(Array.from({ length: PARALLEL }, async () => {
        for (let probe = queue.shift(); probe; probe = queue.shift()) await runProbe(probe);
      }));

      const count = (key: (probe: Probe) => string) => {
        const counts = new Map<string, number>();
        for (const probe of corpus) counts.set(key(probe), (counts.get(key(probe)) ?? 0) + 1);
        return [...counts].map(([name, total]) => `${name}: ${total}`);
      };
      console.log(`[corpus] ${corpus.length} probes; slowest ${Math.round(slowest.ms)} ms (${slowest.label})`);
      console.log(`[corpus] by category: ${count((probe) => probe.category).join(", ")}`);
      console.log(`[corpus] by route: ${count((probe) => probe.route).join(", ")}`);
      console.log(`[corpus] doors not mounted yet: ${BODY_ROUTES.filter((route) => !enabled.includes(route)).map((route) => route.path).join(", ") || "none"}`);
      expect(failures).toEqual([]);

      const after = await dump(t);
      expect(after.tables).toEqual(before.tables);
      // Rejected chat requests are logged by design; the rows that were there stay as they were,
      // and no new row records a success.
      expect(after.logs.slice(0, before.logs.length)).toEqual(before.logs);
      expect(after.logs.slice(before.logs.length).filter((row) => row.status === "success")).toEqual([]);
      console.log(`[corpus] log rows written for rejected requests: ${after.logs.length - before.logs.length}`);
    }, 300_000);
  });
}
