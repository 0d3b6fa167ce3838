import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { KeyCipher } from "../../lib/crypto/key-cipher";
import { clearKeyringCache, loadKeyring, MasterKeyError, parseKeyringText, type LoadKeyringOptions } from "../../lib/crypto/master-key-source";
import { startSecretsManagerServer, type SecretsManagerServer } from "../support/secrets-manager-server";

const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:modelgate/master-key-AbCdEf";
const keyOne = randomBytes(32);
const keyTwo = randomBytes(32);
const keyringJson = JSON.stringify({ current: 2, keys: { "1": keyOne.toString("base64"), "2": keyTwo.toString("base64") } });

let server: SecretsManagerServer;

function awsOptions(overrides: Partial<LoadKeyringOptions> = {}): LoadKeyringOptions {
  return {
    secretArn: SECRET_ARN,
    secretsManager: { endpoint: server.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 },
    ...overrides,
  };
}

async function caught(promise: Promise<unknown>): Promise<MasterKeyError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(MasterKeyError);
  return error as MasterKeyError;
}

beforeAll(async () => {
  server = await startSecretsManagerServer({ secrets: { [SECRET_ARN]: keyringJson } });
});
afterAll(() => server.close());
beforeEach(() => {
  clearKeyringCache();
  server.calls.length = 0;
  server.setSecret(SECRET_ARN, keyringJson);
});

describe("loadKeyring from AWS Secrets Manager (real SDK, local awsJson1_1 server)", () => {
  it("fetches once per cold start, even with concurrent callers", async () => {
    const loads = await Promise.all(Array.from({ length: 8 }, () => loadKeyring(awsOptions())));
    const again = await loadKeyring(awsOptions());
    expect(server.calls).toEqual([{ operation: "GetSecretValue", secretId: SECRET_ARN }]);
    for (const keyring of [...loads, again]) {
      expect(keyring.source).toBe("secrets-manager");
      expect(keyring.current).toBe(2);
      expect(keyring.keys.get(1)!.equals(keyOne)).toBe(true);
      expect(keyring.keys.get(2)!.equals(keyTwo)).toBe(true);
    }
    // A new cold start (cache cleared) fetches again.
    clearKeyringCache();
    await loadKeyring(awsOptions());
    expect(server.calls).toHaveLength(2);
  });

  it("does not remember a failed fetch", async () => {
    server.deleteSecret(SECRET_ARN);
    const error = await caught(loadKeyring(awsOptions()));
    expect(error.setting).toBe("KEY_ENCRYPTION_SECRET_ARN");
    expect(error.message).toMatch(/^KEY_ENCRYPTION_SECRET_ARN: could not read secret .*ResourceNotFoundException/);
    server.setSecret(SECRET_ARN, keyringJson);
    const keyring = await loadKeyring(awsOptions());
    expect(keyring.current).toBe(2);
    expect(server.calls).toHaveLength(2);
  });

  it("accepts a bare base64 key (version 1) and a 32-byte binary secret", async () => {
    server.setSecret(SECRET_ARN, keyOne.toString("base64"));
    const fromText = await loadKeyring(awsOptions());
    expect(fromText.current).toBe(1);
    expect(fromText.keys.get(1)!.equals(keyOne)).toBe(true);

    clearKeyringCache();
    server.setSecret(SECRET_ARN, new Uint8Array(keyTwo));
    const fromBinary = await loadKeyring(awsOptions());
    expect(fromBinary.keys.get(1)!.equals(keyTwo)).toBe(true);
  });

  it.each([
    ["not a keyring", "hunter2-this-is-not-a-key"],
    ["invalid JSON", '{"current": 1, "keys": {"1": "hunter2-this-is-not-a-key"'],
    ["a short key", randomBytes(16).toString("base64")],
    ["a JSON keyring without its current key", JSON.stringify({ current: 3, keys: { "1": keyOne.toString("base64") } })],
  ])("names KEY_ENCRYPTION_SECRET_ARN for %s, without the value", async (_label, value) => {
    server.setSecret(SECRET_ARN, value);
    const error = await caught(loadKeyring(awsOptions()));
    expect(error.setting).toBe("KEY_ENCRYPTION_SECRET_ARN");
    expect(error.message).toContain("KEY_ENCRYPTION_SECRET_ARN");
    expect(error.message).toContain(SECRET_ARN);
    expect(error.message).not.toContain("hunter2");
    expect(error.message).not.toContain(value);
    expect(error.message).not.toContain(keyOne.toString("base64"));
  });

  it("wins over KEY_ENCRYPTION_KEY when both are given", async () => {
    const keyring = await loadKeyring(awsOptions({ encryptionKey: randomBytes(32).toString("base64") }));
    expect(keyring.source).toBe("secrets-manager");
  });

  describe("with only the SDK's environment settings", () => {
    beforeEach(() => {
      vi.stubEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER", server.url);
      vi.stubEnv("AWS_REGION", "us-east-1");
      vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
      vi.stubEnv("AWS_PROFILE", "");
    });
    afterEach(() => vi.unstubAllEnvs());

    it("reaches the endpoint from AWS_ENDPOINT_URL_SECRETS_MANAGER", async () => {
      const keyring = await loadKeyring({ secretArn: SECRET_ARN });
      expect(keyring.current).toBe(2);
      expect(server.calls).toHaveLength(1);
    });
  });
});

describe("loadKeyring from KEY_ENCRYPTION_KEY", () => {
  it("takes a base64 key as version 1", async () => {
    const keyring = await loadKeyring({ encryptionKey: keyOne.toString("base64") });
    expect(keyring).toMatchObject({ source: "environment", current: 1 });
    expect(keyring.keys.get(1)!.equals(keyOne)).toBe(true);
  });

  it("takes versioned entries (first is current) and JSON keyrings", async () => {
    const versioned = await loadKeyring({ encryptionKey: `2:${keyTwo.toString("base64")}, 1:${keyOne.toString("base64url")}` });
    expect(versioned.current).toBe(2);
    expect([...versioned.keys.keys()]).toEqual([2, 1]);
    expect(versioned.keys.get(1)!.equals(keyOne)).toBe(true);
    const json = await loadKeyring({ encryptionKey: keyringJson });
    expect(json.current).toBe(2);
    // Either form feeds a working cipher.
    expect(new KeyCipher(json).decrypt(new KeyCipher(versioned).encrypt("sk-test"))).toBe("sk-test");
  });

  it.each([
    ["too short", randomBytes(31).toString("base64")],
    ["too long", randomBytes(33).toString("base64")],
    ["not base64", "this is not base64 at all!"],
    ["a repeated version", `1:${keyOne.toString("base64")},1:${keyTwo.toString("base64")}`],
  ])("rejects a key that is %s with an error naming KEY_ENCRYPTION_KEY", async (_label, value) => {
    const error = await caught(loadKeyring({ encryptionKey: value }));
    expect(error.setting).toBe("KEY_ENCRYPTION_KEY");
    expect(error.message).toMatch(/^KEY_ENCRYPTION_KEY: /);
    expect(error.message).not.toContain(value);
  });

  it("parseKeyringText validates the same way for the settings parser", () => {
    expect(() => parseKeyringText("AAAA", "KEY_ENCRYPTION_KEY")).toThrow(/KEY_ENCRYPTION_KEY: value entry 1 must be base64 of exactly 32 bytes/);
  });
});

describe("loadKeyring local default", () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = join(await mkdtemp(join(tmpdir(), "modelgate-master-")), "data");
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it("generates <dataDir>/master.key once (0600, warning without the key) and reuses it", async () => {
    const warnings: string[] = [];
    const logger = { warn: (message: string) => warnings.push(message) };
    const first = await loadKeyring({ dataDir, logger });
    expect(first).toMatchObject({ source: "local-file", current: 1 });
    const file = join(dataDir, "master.key");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(file);
    const stored = (await readFile(file, "utf8")).trim();
    expect(warnings[0]).not.toContain(stored);

    const second = await loadKeyring({ dataDir, logger });
    expect(second.keys.get(1)!.equals(first.keys.get(1)!)).toBe(true);
    expect(warnings).toHaveLength(1);
  });

  it("refuses to generate a key when local keys are not allowed (deployed)", async () => {
    const error = await caught(loadKeyring({ dataDir, allowLocalKey: false }));
    expect(error.message).toMatch(/KEY_ENCRYPTION_SECRET_ARN or KEY_ENCRYPTION_KEY/);
  });
});
