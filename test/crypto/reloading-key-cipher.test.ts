import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyCipher, KeyCipherError } from "../../lib/crypto/key-cipher";
import { clearKeyringCache, loadKeyring } from "../../lib/crypto/master-key-source";
import { ReloadingKeyCipher } from "../../lib/crypto/reloading-key-cipher";
import { startSecretsManagerServer, type SecretsManagerServer } from "../support/secrets-manager-server";

const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:modelgate/rotating-AbCdEf";
const keyOne = randomBytes(32).toString("base64");
const keyTwo = randomBytes(32).toString("base64");

describe("a warm instance after a master-key rotation", () => {
  let server: SecretsManagerServer;
  beforeAll(async () => {
    server = await startSecretsManagerServer({ secrets: { [SECRET_ARN]: JSON.stringify({ current: 1, keys: { "1": keyOne } }) } });
  });
  afterAll(() => server.close());

  it("reloads the keyring from Secrets Manager once on an unknown version, then decrypts", async () => {
    clearKeyringCache();
    const load = async () =>
      new KeyCipher(
        await loadKeyring({
          secretArn: SECRET_ARN,
          secretsManager: { endpoint: server.url, region: "us-east-1", credentials: { accessKeyId: "t", secretAccessKey: "t" }, maxAttempts: 1 },
        }),
      );
    let now = 1_000_000;
    const cipher = new ReloadingKeyCipher(await load(), {
      reload: () => {
        clearKeyringCache();
        return load();
      },
      now: () => now,
    });
    const written = cipher.encrypt("sk-old-version-key");

    // Another instance rotates: version 2 becomes current and re-encrypts.
    server.setSecret(SECRET_ARN, JSON.stringify({ current: 2, keys: { "1": keyOne, "2": keyTwo } }));
    const rotated = new KeyCipher({ current: 2, keys: new Map([[1, Buffer.from(keyOne, "base64")], [2, Buffer.from(keyTwo, "base64")]]) });
    const stored = rotated.encrypt("sk-new-version-key");
    const fetchesBefore = server.calls.length;

    expect(() => cipher.decrypt(stored)).toThrow(KeyCipherError);
    expect(() => cipher.decrypt(stored)).toThrow(KeyCipherError);
    await cipher.settled();
    expect(server.calls.length - fetchesBefore).toBe(1);
    expect(cipher.decrypt(stored)).toBe("sk-new-version-key");
    expect(cipher.decrypt(written)).toBe("sk-old-version-key");
    expect(cipher.encrypt("x").startsWith("mg1:2:")).toBe(true);

    // A version nobody has does not hammer Secrets Manager: at most one reload per interval.
    const unknown = new KeyCipher({ current: 9, keys: new Map([[9, randomBytes(32)]]) }).encrypt("y");
    now += 1000;
    expect(() => cipher.decrypt(unknown)).toThrow(KeyCipherError);
    await cipher.settled();
    const afterFirst = server.calls.length;
    expect(() => cipher.decrypt(unknown)).toThrow(KeyCipherError);
    await cipher.settled();
    expect(server.calls.length).toBe(afterFirst);
  });
});
