/**
 * A provider whose only key was written under a master-key version this process lacks (the app
 * started without the new key after a rotation): callers are told that, naming the setting,
 * instead of "No API keys are configured", and so is an admin validating such a key. A provider
 * with no key at all still says no keys are configured.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyCipher } from "../../lib/crypto/key-cipher";
import { createTestApp, type TestApp } from "../support/test-app";

describe("provider keys under an unknown master-key version", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    const rotated = new KeyCipher({ current: 7, keys: new Map([[7, randomBytes(32)]]) });
    const now = t.clock.now();
    await t.database.handle.db
      .insertInto("t_ai_api_keys")
      .values([1, 2].map((index) => ({ provider_id: 1, key_name: `k${index}`, api_key: rotated.encrypt(`sk-unknown-version-${index}-0123456789`), key_hint: "sk-…6789", created_at: now, updated_at: now })))
      .execute();
  });
  afterAll(() => t?.close());

  it("names the version and the setting to the caller", async () => {
    const response = await t.request("POST", "/v1/chat/completions", { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }, await t.adminToken());
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toBe(
      "No usable API key for provider 'openai': 2 provider API keys were encrypted under master key version 7, which this process does not have; " +
        'set KEY_ENCRYPTION_KEY (or the secret KEY_ENCRYPTION_SECRET_ARN names) to a keyring that includes version 7 (e.g. KEY_ENCRYPTION_KEY="7:<that key>,<the current value>")',
    );
    expect(JSON.stringify(body)).not.toContain("sk-unknown-version");
  });

  it("names them when an admin validates such a key", async () => {
    const response = await t.request("POST", "/api/admin/ai-providers/keys/1/validate", undefined, await t.adminToken());
    expect(response.status).toBe(503);
    expect(((await response.json()) as { message: string }).message).toBe(
      "Key 1 cannot be decrypted: 1 provider API key was encrypted under master key version 7, which this process does not have; " +
        'set KEY_ENCRYPTION_KEY (or the secret KEY_ENCRYPTION_SECRET_ARN names) to a keyring that includes version 7 (e.g. KEY_ENCRYPTION_KEY="7:<that key>,<the current value>")',
    );
  });

  it("still says no keys are configured for a provider without any", async () => {
    const response = await t.request("POST", "/v1/chat/completions", { model: "deepseek-chat", messages: [{ role: "user", content: "Hi" }] }, await t.adminToken());
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe("No API keys are configured for provider 'deepseek'");
  });
});
