/**
 * The whole gateway with its three providers pointed at a replay server, one key per provider,
 * for tests that compare what a client receives with a recorded provider response.
 *
 * ```ts
 * const r = await startRecordedGateway();
 * r.replay("anthropic", "messages/anthropic-text.chunks.txt");
 * const response = await r.gateway.chat({ model: "claude-haiku-4-5", messages, stream: true });
 * await r.close();
 * ```
 */
import { catalogueChanged } from "../../lib/catalogue/catalogue-version";
import { startGatewayFixture, type GatewayFixture } from "../gateway/gateway-fixtures";
import { loadRecording, type Recording } from "./recorded-fixtures";
import { startRecordedUpstream, type RecordedUpstream, type ServeOptions } from "./recorded-upstream";

/** Provider codes of the seeded catalogue. */
export type RecordedProviderCode = "openai" | "anthropic" | "deepseek";

/** The provider key each provider's requests carry to the replay server. */
export const recordedProviderKeys: Readonly<Record<RecordedProviderCode, string>> = {
  openai: "sk-recorded-openai-000000000001",
  anthropic: "sk-ant-recorded-000000000000002",
  deepseek: "sk-recorded-deepseek-0000000003",
};

/** A running gateway over a replay server. */
export interface RecordedGateway {
  gateway: GatewayFixture;
  upstream: RecordedUpstream;
  /** Queues a recording (by manifest file) for the provider's key and returns it. */
  replay(provider: RecordedProviderCode, file: string, options?: ServeOptions): Recording;
  /** POSTs a JSON body to a gateway path as the admin (no client key needed). */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/** Starts the gateway and a replay server, and points every seeded provider at it. */
export async function startRecordedGateway(): Promise<RecordedGateway> {
  const gateway = await startGatewayFixture();
  const upstream = await startRecordedUpstream();
  const { db } = gateway.database.handle;
  for (const code of Object.keys(recordedProviderKeys) as RecordedProviderCode[]) {
    await db.updateTable("t_ai_providers").set({ base_url: upstream.baseUrlFor(code) }).where("code", "=", code).execute();
    await gateway.addKey(code, recordedProviderKeys[code]);
  }
  await catalogueChanged(gateway.deps);
  return {
    gateway,
    upstream,
    replay(provider, file, options) {
      const recording = loadRecording(file);
      upstream.serve(recordedProviderKeys[provider], recording, options);
      return recording;
    },
    post: (path, body, headers) => gateway.chat(body, { path, ...(headers ? { headers } : {}) }),
    async close() {
      await upstream.close();
      await gateway.close();
    },
  };
}
