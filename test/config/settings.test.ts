import { describe, expect, it } from "vitest";
import { parseSettings, SettingsError } from "../../lib/config/settings";

const KEY = Buffer.alloc(32, 7).toString("base64");

describe("settings", () => {
  it("defaults to the embedded SQLite file, in-memory limits and a generated local key", () => {
    const settings = parseSettings({});
    expect(settings).toMatchObject({
      port: 3000,
      host: "127.0.0.1",
      database: { kind: "sqlite", file: "./data/modelgate.sqlite" },
      upstash: null,
      keyEncryption: { kind: "local-file" },
      jwtSecret: undefined,
      logRetentionDays: 90,
      rateLimit: { windowMs: 900_000, max: 100 },
      adminRateLimit: { windowMs: 900_000, max: 3000 },
      streaming: { firstTokenTimeoutMs: 60_000, idleTimeoutMs: 30_000 },
      destinations: { allowPrivate: false, allowLoopback: false },
    });
    expect(Object.isFrozen(settings)).toBe(true);
  });

  it("allows private and loopback destinations only when told to", () => {
    expect(parseSettings({ ALLOW_PRIVATE_UPSTREAMS: "true" }).destinations).toEqual({ allowPrivate: true, allowLoopback: false });
    expect(parseSettings({ ALLOW_LOOPBACK_UPSTREAMS: "1", ALLOW_PRIVATE_UPSTREAMS: "false" }).destinations).toEqual({ allowPrivate: false, allowLoopback: true });
    expect(parseSettings({ ALLOW_LOOPBACK_UPSTREAMS: "true", ALERT_WEBHOOK_URL: "http://127.0.0.1:9000/hook" }).alertWebhookUrl).toBe("http://127.0.0.1:9000/hook");
  });

  it("chooses MySQL for DATABASE_URL and PlanetScale for the three DATABASE_* settings", () => {
    expect(parseSettings({ DATABASE_URL: "mysql://root@127.0.0.1:3306/gw" }).database).toEqual({ kind: "mysql", url: "mysql://root@127.0.0.1:3306/gw" });
    expect(parseSettings({ DATABASE_HOST: "aws.connect.psdb.cloud", DATABASE_USERNAME: "u", DATABASE_PASSWORD: "p" }).database).toMatchObject({ kind: "planetscale", host: "aws.connect.psdb.cloud" });
  });

  it.each([
    [{ PORT: "eighty" }, "PORT"],
    [{ DATABASE_URL: "postgres://x" }, "DATABASE_URL"],
    [{ DATABASE_HOST: "h" }, "DATABASE_HOST"],
    [{ UPSTASH_REDIS_REST_URL: "https://x.upstash.io" }, "UPSTASH_REDIS_REST_TOKEN"],
    [{ KEY_ENCRYPTION_KEY: "c2hvcnQ=" }, "KEY_ENCRYPTION_KEY"],
    [{ KEY_ENCRYPTION_KEY: KEY, KEY_ENCRYPTION_SECRET_ARN: "arn:aws:secretsmanager:x" }, "KEY_ENCRYPTION_SECRET_ARN"],
    [{ JWT_SECRET: "too-short" }, "JWT_SECRET"],
    [{ ADMIN_USERNAME: "root" }, "ADMIN_PASSWORD"],
    [{ ADMIN_USERNAME: "root", ADMIN_PASSWORD: "short" }, "ADMIN_PASSWORD"],
    [{ LOG_RETENTION_DAYS: "0" }, "LOG_RETENTION_DAYS"],
    [{ ALERT_WEBHOOK_URL: "not a url" }, "ALERT_WEBHOOK_URL"],
    [{ ALERT_WEBHOOK_URL: "http://169.254.169.254/hook" }, "ALERT_WEBHOOK_URL"],
    [{ ALERT_WEBHOOK_URL: "http://127.0.0.1:9000/hook" }, "ALERT_WEBHOOK_URL"],
    [{ ALLOW_PRIVATE_UPSTREAMS: "yes" }, "ALLOW_PRIVATE_UPSTREAMS"],
    [{ ALLOW_LOOPBACK_UPSTREAMS: "on" }, "ALLOW_LOOPBACK_UPSTREAMS"],
    [{ LIMIT_STORE_TIMEOUT_MS: "0" }, "LIMIT_STORE_TIMEOUT_MS"],
    [{ ADMIN_RATE_LIMIT_MAX: "lots" }, "ADMIN_RATE_LIMIT_MAX"],
    [{ ADMIN_RATE_LIMIT_WINDOW_MS: "-1" }, "ADMIN_RATE_LIMIT_WINDOW_MS"],
  ])("stops on %j with a message naming %s, never echoing a secret value", (environment, setting) => {
    expect(() => parseSettings(environment)).toThrow(SettingsError);
    expect(() => parseSettings(environment)).toThrow(setting);
    try {
      parseSettings(environment);
    } catch (error) {
      expect((error as Error).message).not.toContain(KEY);
      expect((error as Error).message).not.toContain("too-short");
    }
  });

  it("when deployed requires a real database, JWT_SECRET and a master-key source, but jobs need no secrets", () => {
    const database = { DATABASE_HOST: "h", DATABASE_USERNAME: "u", DATABASE_PASSWORD: "p" };
    expect(() => parseSettings({}, { deployed: true })).toThrow("JWT_SECRET");
    expect(() => parseSettings({ ...database, JWT_SECRET: "x".repeat(32) }, { deployed: true })).toThrow("KEY_ENCRYPTION_SECRET_ARN");
    expect(() => parseSettings({ JWT_SECRET: "x".repeat(32), KEY_ENCRYPTION_KEY: KEY }, { deployed: true })).toThrow("DATABASE_HOST");
    expect(parseSettings({ ...database, JWT_SECRET: "x".repeat(32), KEY_ENCRYPTION_SECRET_ARN: "arn:x" }, { deployed: true }).deployed).toBe(true);
    expect(parseSettings(database, { deployed: true, requireSecrets: false }).database.kind).toBe("planetscale");
  });
});
