/**
 * The gateway as a user runs it for the coding-agent suites: `functions/local.ts` in its own
 * process (what `npm start` runs) on a free port, SQLite and in-memory limits under a temporary
 * DATA_DIR, loopback upstreams allowed, set up only through its admin API: the three seeded providers pointed at one fake
 * upstream, one key each, and a client key per CLI run.
 */
import { randomBytes } from "node:crypto";
import { adminCall } from "../support/admin-http-client";
import { spawnGatewayProcess } from "../support/gateway-process";
import type { FakeUpstream, FakeUpstreamDialect } from "../support/fake-upstream";


/** The seeded providers (ids fixed by the seed) and the provider key each gets. */
export const agentProviders = [
  { id: 1, format: "openai", apiKey: "sk-agent-openai-0000" },
  { id: 2, format: "anthropic", apiKey: "sk-ant-agent-anthropic-0000" },
  { id: 3, format: "deepseek", apiKey: "sk-agent-deepseek-0000" },
] as const satisfies readonly { id: number; format: FakeUpstreamDialect; apiKey: string }[];

/** A running, configured gateway process. */
export interface AgentGateway {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Admin JWT. */
  token: string;
  /** Everything the process printed. */
  output: string[];
  /** A new client key; returns its id (log rows carry it) and the secret. */
  createClient(name: string): Promise<{ id: number; apiKey: string }>;
  /** The log rows of a client, newest first (waits for the write-behind queue to land). */
  logRowsOf(clientId: number, atLeast: number): Promise<any[]>;
  stop(): Promise<void>;
}

/** Starts the gateway process, waits until it listens, and points every provider at the fake upstream. */
export async function startAgentGateway(upstream: FakeUpstream, timeoutMs = 30_000): Promise<AgentGateway> {
  const admin = { username: "agentadmin", password: randomBytes(12).toString("hex") };
  const { origin, output, stop } = await spawnGatewayProcess({
    dataDirPrefix: "modelgate-agents-",
    timeoutMs,
    env: {
      ADMIN_USERNAME: admin.username,
      ADMIN_PASSWORD: admin.password,
      // The fake provider listens on 127.0.0.1, which the gateway refuses by default.
      ALLOW_LOOPBACK_UPSTREAMS: "true",
    },
  });

  try {
    const { token } = (await adminCall(origin, null, "POST", "/api/auth/login", admin)) as { token: string };
    for (const provider of agentProviders) {
      await adminCall(origin, token, "PUT", `/api/admin/ai-providers/${provider.id}`, { baseUrl: upstream.baseUrlFor(provider.format), timeout: 30_000 });
      await adminCall(origin, token, "POST", `/api/admin/ai-providers/${provider.id}/keys`, { keyName: "agents", apiKey: provider.apiKey, priority: 1 });
    }
    return {
      origin,
      token,
      output,
      async createClient(name) {
        const created = (await adminCall(origin, token, "POST", "/api/admin/clients", { name })) as { id: number; apiKey: string };
        return { id: created.id, apiKey: created.apiKey };
      },
      async logRowsOf(clientId, atLeast) {
        const deadline = Date.now() + 5000;
        for (;;) {
          const { items } = (await adminCall(origin, token, "GET", `/api/admin/ai-logs?clientId=${clientId}&limit=200`)) as { items: any[] };
          if (items.length >= atLeast || Date.now() > deadline) return items;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
