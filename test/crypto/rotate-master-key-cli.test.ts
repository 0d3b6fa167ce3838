import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import { KeyCipher, keyVersionOf } from "../../lib/crypto/key-cipher";
import { clearKeyringCache } from "../../lib/crypto/master-key-source";
import { rotateMasterKey } from "../../scripts/rotate-master-key";
import { startSecretsManagerServer, type SecretsManagerServer } from "../support/secrets-manager-server";

const oldKey = randomBytes(32);
const newKey = randomBytes(32);
const plainKeys = ["sk-cli-one-0123456789abcdef", "sk-ant-cli-two-0123456789abcdef"];
const secretFragments = [oldKey.toString("base64"), newKey.toString("base64"), ...plainKeys];

let dataDir: string;
let lines: string[];
const output = { info: (line: string) => lines.push(line), error: (line: string) => lines.push(line) };

async function seedRows(): Promise<void> {
  const handle = await createDatabase({ kind: "sqlite", file: join(dataDir, "modelgate.sqlite") });
  await migrateToLatest(handle);
  const cipher = new KeyCipher({ current: 1, keys: new Map([[1, oldKey]]) });
  const now = Date.now();
  await handle.db
    .insertInto("t_ai_api_keys")
    .values(plainKeys.map((plain, index) => ({ provider_id: 1, key_name: `k${index}`, api_key: cipher.encrypt(plain), key_hint: "…", created_at: now, updated_at: now })))
    .execute();
  await handle.close();
}

async function storedVersions(): Promise<(number | undefined)[]> {
  const handle = await createDatabase({ kind: "sqlite", file: join(dataDir, "modelgate.sqlite") });
  const rows = await handle.db.selectFrom("t_ai_api_keys").select("api_key").orderBy("id").execute();
  await handle.close();
  return rows.map((row) => keyVersionOf(row.api_key));
}

function expectNoSecrets(text: string): void {
  for (const fragment of secretFragments) expect(text).not.toContain(fragment);
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "modelgate-rotate-"));
  lines = [];
  clearKeyringCache();
  await seedRows();
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

describe("scripts/rotate-master-key", () => {
  it("rotates from KEY_ENCRYPTION_KEY to NEW_KEY_ENCRYPTION_KEY, then finds nothing left with the new keyring", async () => {
    const environment = { DATA_DIR: dataDir, KEY_ENCRYPTION_KEY: oldKey.toString("base64"), NEW_KEY_ENCRYPTION_KEY: newKey.toString("base64") };
    expect(await rotateMasterKey(environment, ["--batch-size", "1"], output)).toBe(0);
    expect(lines.join("\n")).toContain("scanned 2, rotated 2, already current 0, changed concurrently 0, failed 0");
    expect(await storedVersions()).toEqual([2, 2]);

    lines = [];
    const after = { DATA_DIR: dataDir, KEY_ENCRYPTION_KEY: `2:${newKey.toString("base64")},1:${oldKey.toString("base64")}` };
    expect(await rotateMasterKey(after, [], output)).toBe(0);
    expect(lines.join("\n")).toContain("scanned 2, rotated 0, already current 2");
    expectNoSecrets(lines.join("\n"));
  });

  it("counts without writing on --dry-run", async () => {
    const environment = { DATA_DIR: dataDir, KEY_ENCRYPTION_KEY: oldKey.toString("base64"), NEW_KEY_ENCRYPTION_KEY: `5:${newKey.toString("base64")}` };
    expect(await rotateMasterKey(environment, ["--dry-run"], output)).toBe(0);
    expect(lines.join("\n")).toMatch(/key version 5[\s\S]*to rotate 2/);
    expect(await storedVersions()).toEqual([1, 1]);
  });

  it("fails with exit code 1 and row ids when the old key is wrong, without printing keys", async () => {
    const environment = { DATA_DIR: dataDir, KEY_ENCRYPTION_KEY: randomBytes(32).toString("base64"), NEW_KEY_ENCRYPTION_KEY: newKey.toString("base64") };
    expect(await rotateMasterKey(environment, [], output)).toBe(1);
    expect(lines.join("\n")).toMatch(/Could not decrypt rows with id 1, 2/);
    expect(await storedVersions()).toEqual([1, 1]);
    expectNoSecrets(lines.join("\n"));
  });

  it("refuses a bad NEW_KEY_ENCRYPTION_KEY by name, and a new key that reuses the old one", async () => {
    const base = { DATA_DIR: dataDir, KEY_ENCRYPTION_KEY: oldKey.toString("base64") };
    expect(await rotateMasterKey({ ...base, NEW_KEY_ENCRYPTION_KEY: "c2hvcnQ=" }, [], output)).toBe(2);
    expect(lines.at(-1)).toMatch(/NEW_KEY_ENCRYPTION_KEY/);
    expect(await rotateMasterKey({ ...base, NEW_KEY_ENCRYPTION_KEY: oldKey.toString("base64") }, [], output)).toBe(2);
    expect(lines.at(-1)).toMatch(/NEW_KEY_ENCRYPTION_KEY: is already in the keyring/);
    expectNoSecrets(lines.join("\n"));
  });

  describe("with the keyring in Secrets Manager", () => {
    const arn = "modelgate/master-key";
    let server: SecretsManagerServer;
    beforeAll(async () => {
      const keyring = { current: 2, keys: { "1": oldKey.toString("base64"), "2": newKey.toString("base64") } };
      server = await startSecretsManagerServer({ secrets: { [arn]: JSON.stringify(keyring) } });
    });
    afterAll(() => server.close());

    it("moves every row to the secret's current version", async () => {
      const secretsManager = { endpoint: server.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
      expect(await rotateMasterKey({ DATA_DIR: dataDir, KEY_ENCRYPTION_SECRET_ARN: arn }, [], output, { secretsManager })).toBe(0);
      expect(await storedVersions()).toEqual([2, 2]);
      expect(server.calls).toHaveLength(1);
    });
  });

  it("runs as a command (tsx) and exits non-zero on failure", async () => {
    const run = promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/rotate-master-key.ts", "--dry-run"], {
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, KEY_ENCRYPTION_KEY: oldKey.toString("base64"), NEW_KEY_ENCRYPTION_KEY: newKey.toString("base64") },
    });
    const { stdout } = await run;
    expect(stdout).toContain("scanned 2, to rotate 2");
    const failing = promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/rotate-master-key.ts"], {
      env: { PATH: process.env.PATH, DATA_DIR: join(dataDir, "missing") },
    });
    await expect(failing).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/no master key configured/) });
  });
});
