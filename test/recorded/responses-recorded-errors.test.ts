/**
 * Recorded OpenAI Responses failures through the Responses door: an in-band failure before any
 * content (`error`, then `response.failed`) and a 429 `insufficient_quota` body both fail over to
 * the next key, whose recording then reaches the client byte for byte; with no other key the
 * gateway's pool is unavailable.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadRecording } from "../support/recorded-fixtures";
import { recordedProviderKeys, startRecordedGateway, type RecordedGateway } from "../support/recorded-upstream-gateway";

const BACKUP_KEY = "sk-recorded-openai-backup-000009";
const MODEL = "gpt-5-mini";

describe("recorded Responses failures through the Responses door", () => {
  let r: RecordedGateway;
  beforeEach(async () => {
    r = await startRecordedGateway();
  });
  afterEach(async () => {
    await r?.close();
  });

  const respond = (stream: boolean) => r.post("/v1/responses", { model: MODEL, input: "Replay the recording", store: false, ...(stream ? { stream: true } : {}) });

  it.each([
    ["an in-band failure before content", "responses/responses-error-failed.chunks.txt", "responses/responses-text.chunks.txt"],
    ["a 429 insufficient_quota body", "responses/responses-error-quota.json", "responses/responses-text.json"],
  ])("%s fails over to the next key, whose recording reaches the client unchanged", async (_name, failure, success) => {
    await r.gateway.addKey("openai", BACKUP_KEY, { priority: -1 });
    r.replay("openai", failure);
    const recording = loadRecording(success);
    r.upstream.serve(BACKUP_KEY, recording);

    const response = await respond(recording.stream);
    expect(await response.text()).toBe(recording.body);
    expect(response.status).toBe(200);
    expect(r.upstream.requests.map((request) => request.servedFile)).toEqual([failure, success]);
    const [row] = await r.gateway.logRows();
    expect(row).toMatchObject({ status: "success", attempts: 2, prompt_tokens: 11, completion_tokens: 11 });
  });

  // The key pool is the gateway's: when its only key is out of quota the gateway is unavailable
  // (503 with a Retry-After), the same answer every door gives for an exhausted pool.
  it.each([false, true])("with no other key, the recorded quota failure leaves the pool unavailable (stream: %s)", async (stream) => {
    r.replay("openai", stream ? "responses/responses-error-failed.chunks.txt" : "responses/responses-error-quota.json");
    const response = await respond(stream);
    const body = await response.text();
    expect(response.status, body).toBe(503);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(JSON.parse(body).error).toMatchObject({ type: "service_unavailable", message: expect.stringContaining("out of quota") });
    expect(body).not.toContain(recordedProviderKeys.openai);
    const [row] = await r.gateway.logRows();
    expect(row).toMatchObject({ status: "error", http_status: 503, attempts: 1 });
  });
});
