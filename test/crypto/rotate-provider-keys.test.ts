import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest } from "../../db/migrate";
import { KeyCipher, keyVersionOf, type Keyring } from "../../lib/crypto/key-cipher";
import { rotateProviderKeys } from "../../lib/crypto/rotate-provider-keys";
import { openTestDatabase, testDatabaseAvailable, TEST_DATABASE_KINDS, type TestDatabase } from "../support/test-databases";

const versionOne: Keyring = { current: 1, keys: new Map([[1, randomBytes(32)]]) };
const versionTwo: Keyring = { current: 2, keys: new Map([...versionOne.keys, [2, randomBytes(32)]]) };
const versionThreeOnly: Keyring = { current: 3, keys: new Map([[3, randomBytes(32)]]) };
const plainKeys = Array.from({ length: 7 }, (_, index) => `sk-test-${index}-${randomBytes(12).toString("hex")}`);

for (const kind of TEST_DATABASE_KINDS) {
  describe(`rotateProviderKeys on ${kind}`, async () => {
    const available = await testDatabaseAvailable(kind, "rotateProviderKeys");
    let testDatabase: TestDatabase;

    beforeAll(async () => {
      if (!available) return;
      testDatabase = await openTestDatabase(kind);
      await migrateToLatest(testDatabase.handle);
    });
    afterAll(async () => {
      if (testDatabase) await testDatabase.drop();
    });

    async function resetRows(values: string[]): Promise<void> {
      const { db } = testDatabase.handle;
      await db.deleteFrom("t_ai_api_keys").execute();
      const now = Date.now();
      await db
        .insertInto("t_ai_api_keys")
        .values(values.map((apiKey, index) => ({ provider_id: 1, key_name: `key ${index}`, api_key: apiKey, key_hint: "…", created_at: now, updated_at: now })))
        .execute();
    }

    async function storedKeys(): Promise<string[]> {
      const rows = await testDatabase.handle.db.selectFrom("t_ai_api_keys").select("api_key").orderBy("id").execute();
      return rows.map((row) => row.api_key);
    }

    it.skipIf(!available)("re-encrypts every row under the new version in small batches, and is idempotent", async () => {
      const oldCipher = new KeyCipher(versionOne);
      const newCipher = new KeyCipher(versionTwo);
      await resetRows(plainKeys.map((plain) => oldCipher.encrypt(plain)));

      const first = await rotateProviderKeys(testDatabase.handle.db, oldCipher, newCipher, { batchSize: 3 });
      expect(first).toEqual({ scanned: 7, rotated: 7, alreadyCurrent: 0, changedConcurrently: 0, failedIds: [] });
      const rotated = await storedKeys();
      expect(rotated.map(keyVersionOf)).toEqual(Array(7).fill(2));
      expect(rotated.map((stored) => newCipher.decrypt(stored))).toEqual(plainKeys);
      // Only version 2 is needed from now on.
      const onlyNew = new KeyCipher({ current: 2, keys: new Map([[2, versionTwo.keys.get(2)!]]) });
      expect(onlyNew.decrypt(rotated[0])).toBe(plainKeys[0]);

      const second = await rotateProviderKeys(testDatabase.handle.db, oldCipher, newCipher, { batchSize: 3 });
      expect(second).toEqual({ scanned: 7, rotated: 0, alreadyCurrent: 7, changedConcurrently: 0, failedIds: [] });
      expect(await storedKeys()).toEqual(rotated);
    });

    it.skipIf(!available)("finishes a half-done rotation and reports rows no keyring can open, by id only", async () => {
      const oldCipher = new KeyCipher(versionOne);
      const newCipher = new KeyCipher(versionTwo);
      const foreign = new KeyCipher(versionThreeOnly).encrypt("sk-foreign-0000");
      await resetRows([oldCipher.encrypt(plainKeys[0]), newCipher.encrypt(plainKeys[1]), foreign, "mg1:1:garbage"]);
      const ids = (await testDatabase.handle.db.selectFrom("t_ai_api_keys").select("id").orderBy("id").execute()).map((row) => Number(row.id));

      const result = await rotateProviderKeys(testDatabase.handle.db, oldCipher, newCipher, { batchSize: 2 });
      expect(result).toEqual({ scanned: 4, rotated: 1, alreadyCurrent: 1, changedConcurrently: 0, failedIds: [ids[2], ids[3]] });
      const stored = await storedKeys();
      expect(newCipher.decrypt(stored[0])).toBe(plainKeys[0]);
      expect(stored.slice(2)).toEqual([foreign, "mg1:1:garbage"]);
    });

    it.skipIf(!available)("changes nothing in a dry run", async () => {
      const oldCipher = new KeyCipher(versionOne);
      await resetRows(plainKeys.slice(0, 3).map((plain) => oldCipher.encrypt(plain)));
      const before = await storedKeys();
      const result = await rotateProviderKeys(testDatabase.handle.db, oldCipher, new KeyCipher(versionTwo), { dryRun: true });
      expect(result.rotated).toBe(3);
      expect(await storedKeys()).toEqual(before);
    });
  });
}

describe("rotateProviderKeys options", () => {
  it("rejects a batch size that is not a positive integer", async () => {
    const cipher = new KeyCipher(versionOne);
    await expect(rotateProviderKeys({} as never, cipher, cipher, { batchSize: 0 })).rejects.toThrow(RangeError);
  });
});
