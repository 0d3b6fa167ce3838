/**
 * Settings: parsed once from the environment with zod into a frozen, typed object.
 * A wrong or missing value stops the start with a message naming the setting.
 * Only `functions/` passes `process.env` in; everything else receives `Settings`.
 */
import * as z from "zod";
import type { DatabaseTarget } from "../../db/connection";
import { MIN_ADMIN_PASSWORD_LENGTH } from "../auth/password-hash";
import { parseKeyringText } from "../crypto/master-key-source";
import { urlRefusal, type DestinationPolicy } from "../network/destination-policy";

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** An on/off setting: `true`/`false` (or `1`/`0`), off when unset. */
const flag = z
  .enum(["true", "false", "1", "0", ""], { message: "must be true or false" })
  .optional()
  .transform((value) => value === "true" || value === "1");

const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: optionalText.pipe(
    z.string().regex(/^mysql:\/\//, "must be a mysql:// URL (leave unset for the embedded SQLite file)").optional(),
  ),
  DATABASE_HOST: optionalText,
  DATABASE_USERNAME: optionalText,
  DATABASE_PASSWORD: optionalText,
  UPSTASH_REDIS_REST_URL: optionalText.pipe(z.string().regex(/^https?:\/\//, "must be an http(s) URL").optional()),
  UPSTASH_REDIS_REST_TOKEN: optionalText,
  KEY_ENCRYPTION_KEY: optionalText,
  KEY_ENCRYPTION_SECRET_ARN: optionalText,
  JWT_SECRET: optionalText.pipe(z.string().min(32, "must be at least 32 characters").optional()),
  JWT_EXPIRES_IN_SECONDS: positiveInt(8 * 3600),
  ADMIN_USERNAME: optionalText.pipe(z.string().regex(/^[A-Za-z0-9_.@-]{3,64}$/, "must be 3-64 letters, digits or _.@-").optional()),
  ADMIN_PASSWORD: optionalText.pipe(z.string().min(MIN_ADMIN_PASSWORD_LENGTH, `must be at least ${MIN_ADMIN_PASSWORD_LENGTH} characters`).optional()),
  LOG_RETENTION_DAYS: positiveInt(90),
  ALERT_WEBHOOK_URL: optionalText.pipe(z.string().url("must be a URL").optional()),
  RATE_LIMIT_WINDOW_MS: positiveInt(15 * 60 * 1000),
  RATE_LIMIT_MAX: positiveInt(100),
  ADMIN_RATE_LIMIT_WINDOW_MS: positiveInt(15 * 60 * 1000),
  ADMIN_RATE_LIMIT_MAX: positiveInt(3000),
  ALERT_SUCCESS_RATE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.95),
  ALERT_MIN_REQUESTS: positiveInt(20),
  ALERT_ON_REJECTIONS: flag,
  MAX_BODY_BYTES: positiveInt(4 * 1024 * 1024),
  STREAM_FIRST_TOKEN_TIMEOUT_MS: positiveInt(60_000),
  STREAM_IDLE_TIMEOUT_MS: positiveInt(30_000),
  LIMIT_STORE_TIMEOUT_MS: positiveInt(500),
  ALLOW_PRIVATE_UPSTREAMS: flag,
  ALLOW_LOOPBACK_UPSTREAMS: flag,
});

/** Where the provider-key master key comes from. */
export type KeyEncryptionSource =
  | { kind: "env"; base64Key: string }
  | { kind: "secrets-manager"; secretArn: string }
  | { kind: "local-file" };

/** The typed, validated settings every part of the app receives. */
export interface Settings {
  /** True on AWS Lambda: secrets must be configured, nothing is generated locally. */
  deployed: boolean;
  port: number;
  /** Interface the local server binds to. */
  host: string;
  dataDir: string;
  database: DatabaseTarget;
  upstash: { url: string; token: string } | null;
  keyEncryption: KeyEncryptionSource;
  /** Undefined on the local default: generated once into `dataDir`. */
  jwtSecret: string | undefined;
  jwtExpiresInSeconds: number;
  bootstrapAdmin: { username: string; password: string } | null;
  logRetentionDays: number;
  alertWebhookUrl: string | null;
  /** The per-IP limit on /api/auth/* (login, logout, password change). */
  rateLimit: { windowMs: number; max: number };
  /**
   * The per-admin-user limit on authenticated /api/admin/* calls: far above what a dashboard kept
   * open all day needs, and apart from the login limit, so using the dashboard never locks anyone out of logging in.
   */
  adminRateLimit: { windowMs: number; max: number };
  /**
   * Error-rate alerts: the success rate (served / (served + failed)) below `successRateThreshold`
   * with at least `minRequests`; with `onRejections`, also a share of requests refused before
   * routing above 1 − `successRateThreshold`.
   */
  alerts: { successRateThreshold: number; minRequests: number; onRejections: boolean };
  maxBodyBytes: number;
  /** Bounds on a streamed answer: wait for the first content, and the longest gap between chunks. */
  streaming: { firstTokenTimeoutMs: number; idleTimeoutMs: number };
  /** Longest wait for one call to the shared limit store (Upstash), in ms; then its failure policy applies. */
  limitStoreTimeoutMs: number;
  /**
   * Where provider calls and webhooks may go beyond public addresses: private ranges
   * (`ALLOW_PRIVATE_UPSTREAMS`) and the local machine (`ALLOW_LOOPBACK_UPSTREAMS`). Link-local
   * and cloud metadata addresses are always refused.
   */
  destinations: DestinationPolicy;
}

/** Thrown when a setting is missing or wrong; the message names it and never echoes secret values. */
export class SettingsError extends Error {
  override name = "SettingsError";
}

/**
 * Parses and validates settings from an environment map.
 * @param environment usually `process.env`
 * @param options.deployed true on Lambda: a real database is required, nothing is generated locally
 * @param options.requireSecrets `JWT_SECRET` and a key-encryption source are required; scheduled jobs
 *   never touch either, so their functions are not given them. @default options.deployed
 */
export function parseSettings(
  environment: Record<string, string | undefined>,
  options: { deployed?: boolean; requireSecrets?: boolean } = {},
): Readonly<Settings> {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`);
    throw new SettingsError(`Invalid settings: ${problems.join("; ")}`);
  }
  const env = parsed.data;
  const deployed = options.deployed ?? false;

  const planetScaleParts = [env.DATABASE_HOST, env.DATABASE_USERNAME, env.DATABASE_PASSWORD];
  const planetScaleCount = planetScaleParts.filter(Boolean).length;
  if (planetScaleCount > 0 && planetScaleCount < 3) {
    throw new SettingsError("Invalid settings: DATABASE_HOST, DATABASE_USERNAME and DATABASE_PASSWORD must be set together");
  }
  if (planetScaleCount === 3 && env.DATABASE_URL) {
    throw new SettingsError("Invalid settings: set either DATABASE_URL or DATABASE_HOST/USERNAME/PASSWORD, not both");
  }
  const database: DatabaseTarget = env.DATABASE_URL
    ? { kind: "mysql", url: env.DATABASE_URL }
    : planetScaleCount === 3
      ? { kind: "planetscale", host: env.DATABASE_HOST!, username: env.DATABASE_USERNAME!, password: env.DATABASE_PASSWORD! }
      : { kind: "sqlite", file: `${env.DATA_DIR.replace(/\/$/, "")}/modelgate.sqlite` };

  if (Boolean(env.UPSTASH_REDIS_REST_URL) !== Boolean(env.UPSTASH_REDIS_REST_TOKEN)) {
    throw new SettingsError("Invalid settings: UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN must be set together");
  }
  if (env.KEY_ENCRYPTION_KEY && env.KEY_ENCRYPTION_SECRET_ARN) {
    throw new SettingsError("Invalid settings: set either KEY_ENCRYPTION_KEY or KEY_ENCRYPTION_SECRET_ARN, not both");
  }
  if (env.KEY_ENCRYPTION_KEY) {
    try {
      parseKeyringText(env.KEY_ENCRYPTION_KEY, "KEY_ENCRYPTION_KEY");
    } catch {
      throw new SettingsError("Invalid settings: KEY_ENCRYPTION_KEY must be base64 of exactly 32 bytes (or a keyring JSON)");
    }
  }
  const keyEncryption: KeyEncryptionSource = env.KEY_ENCRYPTION_KEY
    ? { kind: "env", base64Key: env.KEY_ENCRYPTION_KEY }
    : env.KEY_ENCRYPTION_SECRET_ARN
      ? { kind: "secrets-manager", secretArn: env.KEY_ENCRYPTION_SECRET_ARN }
      : { kind: "local-file" };

  if (options.requireSecrets ?? deployed) {
    if (!env.JWT_SECRET) throw new SettingsError("Invalid settings: JWT_SECRET is required when deployed");
    if (keyEncryption.kind === "local-file") {
      throw new SettingsError("Invalid settings: KEY_ENCRYPTION_SECRET_ARN (or KEY_ENCRYPTION_KEY) is required when deployed");
    }
  }
  if (deployed) {
    if (database.kind === "sqlite") {
      throw new SettingsError("Invalid settings: DATABASE_HOST/USERNAME/PASSWORD (or DATABASE_URL) is required when deployed");
    }
  }
  const destinations: DestinationPolicy = Object.freeze({ allowPrivate: env.ALLOW_PRIVATE_UPSTREAMS, allowLoopback: env.ALLOW_LOOPBACK_UPSTREAMS });
  const webhookRefusal = env.ALERT_WEBHOOK_URL ? urlRefusal(env.ALERT_WEBHOOK_URL, destinations) : null;
  if (webhookRefusal) throw new SettingsError(`Invalid settings: ALERT_WEBHOOK_URL ${webhookRefusal}`);
  if (Boolean(env.ADMIN_USERNAME) !== Boolean(env.ADMIN_PASSWORD)) {
    throw new SettingsError("Invalid settings: ADMIN_USERNAME and ADMIN_PASSWORD must be set together");
  }

  return Object.freeze({
    deployed,
    port: env.PORT,
    host: env.HOST,
    dataDir: env.DATA_DIR,
    database,
    upstash: env.UPSTASH_REDIS_REST_URL ? { url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN! } : null,
    keyEncryption,
    jwtSecret: env.JWT_SECRET,
    jwtExpiresInSeconds: env.JWT_EXPIRES_IN_SECONDS,
    bootstrapAdmin: env.ADMIN_USERNAME ? { username: env.ADMIN_USERNAME, password: env.ADMIN_PASSWORD! } : null,
    logRetentionDays: env.LOG_RETENTION_DAYS,
    alertWebhookUrl: env.ALERT_WEBHOOK_URL ?? null,
    rateLimit: { windowMs: env.RATE_LIMIT_WINDOW_MS, max: env.RATE_LIMIT_MAX },
    adminRateLimit: { windowMs: env.ADMIN_RATE_LIMIT_WINDOW_MS, max: env.ADMIN_RATE_LIMIT_MAX },
    alerts: { successRateThreshold: env.ALERT_SUCCESS_RATE_THRESHOLD, minRequests: env.ALERT_MIN_REQUESTS, onRejections: env.ALERT_ON_REJECTIONS },
    maxBodyBytes: env.MAX_BODY_BYTES,
    streaming: { firstTokenTimeoutMs: env.STREAM_FIRST_TOKEN_TIMEOUT_MS, idleTimeoutMs: env.STREAM_IDLE_TIMEOUT_MS },
    limitStoreTimeoutMs: env.LIMIT_STORE_TIMEOUT_MS,
    destinations,
  });
}
