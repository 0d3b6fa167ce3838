import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadOrCreateLocalSecret, LocalSecretFileError } from "../../lib/crypto/local-secret-file";

let root: string;
let warnings: string[];
const logger = { warn: (message: string) => warnings.push(message) };

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "modelgate-secret-"));
  warnings = [];
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("loadOrCreateLocalSecret", () => {
  it("creates the directory and a 0600 base64 file once, then reuses it", async () => {
    const dataDir = join(root, "nested", "data");
    const secret = await loadOrCreateLocalSecret(dataDir, "jwt.secret", 48, logger);
    expect(secret).toHaveLength(48);
    const file = join(dataDir, "jwt.secret");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(dataDir)).mode & 0o077).toBe(0);
    expect((await readFile(file, "utf8")).trim()).toBe(secret.toString("base64"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain(secret.toString("base64"));

    const again = await loadOrCreateLocalSecret(dataDir, "jwt.secret", 48, logger);
    expect(again.equals(secret)).toBe(true);
    expect(warnings).toHaveLength(1);
  });

  it("gives every concurrent caller the same secret and leaves no temp files", async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => loadOrCreateLocalSecret(root, "master.key", 32, logger)));
    for (const result of results) expect(result.equals(results[0])).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(await readdir(root)).toEqual(["master.key"]);
  });

  it("refuses a file of the wrong length or content, naming the file but not its content", async () => {
    const file = join(root, "master.key");
    for (const content of ["c2hvcnQ=\n", "not base64 at all, really not\n"]) {
      await writeFile(file, content, { mode: 0o600 });
      const error = await loadOrCreateLocalSecret(root, "master.key", 32, logger).catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(LocalSecretFileError);
      expect((error as Error).message).toContain(file);
      expect((error as Error).message).not.toContain(content.trim());
    }
    // Never silently replaced: data encrypted with it would become unreadable.
    expect(await readFile(file, "utf8")).toBe("not base64 at all, really not\n");
  });

  it("rejects a file name that is a path", async () => {
    await expect(loadOrCreateLocalSecret(root, "../escape.key", 32, logger)).rejects.toBeInstanceOf(LocalSecretFileError);
  });
});
