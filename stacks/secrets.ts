/**
 * Secrets, the KMS key, and the Secrets Manager secret that holds the provider-key master key.
 *
 * Values are set per stage with `npx sst secret set <Name> <value>` (stored encrypted in the
 * account's SST state bucket). They reach the functions as environment variables with the names
 * lib/config/settings.ts reads, so `functions/` parses one environment the same way locally and on
 * Lambda. The master key is the exception: functions get only its ARN and fetch the value from
 * Secrets Manager, which needs the IAM grants in {@link keyEncryptionAccess}.
 */

/** `JWT_SECRET`: signs admin tokens; at least 32 characters. */
export const jwtSecret = new sst.Secret("JwtSecret");
/** `DATABASE_HOST`: PlanetScale host, e.g. `aws.connect.psdb.cloud`. */
export const databaseHost = new sst.Secret("DatabaseHost");
/** `DATABASE_USERNAME`: the username of a PlanetScale password. */
export const databaseUsername = new sst.Secret("DatabaseUsername");
/** `DATABASE_PASSWORD`: PlanetScale password. */
export const databasePassword = new sst.Secret("DatabasePassword");
/** `UPSTASH_REDIS_REST_URL`: the Upstash database's REST URL. */
export const upstashRedisRestUrl = new sst.Secret("UpstashRedisRestUrl");
/** `UPSTASH_REDIS_REST_TOKEN`: the Upstash database's REST token. */
export const upstashRedisRestToken = new sst.Secret("UpstashRedisRestToken");
/** `ALERT_WEBHOOK_URL`: optional (empty means unset); a Slack-style URL is itself a credential. */
export const alertWebhookUrl = new sst.Secret("AlertWebhookUrl", "");
/** The master keyring: base64 of 32 random bytes, or `2:<new>,1:<old>` during a rotation. */
export const keyEncryptionMaster = new sst.Secret("KeyEncryptionMaster");

// Losing the KMS key or the secret loses every stored provider key, so keep them unless the
// stage is explicitly disposable ("remove"); SST's "retain" alone does not cover these types.
const keepOnRemoval = { retainOnDelete: $app.removal !== "remove" };

/** Customer-managed KMS key that encrypts the master-key secret; AWS rotates its material yearly. */
export const keyEncryptionKmsKey = new aws.kms.Key(
  "KeyEncryptionKmsKey",
  {
    description: $interpolate`${$app.name} ${$app.stage}: encrypts the provider-key master key secret`,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
  },
  keepOnRemoval,
);

new aws.kms.Alias("KeyEncryptionKmsAlias", {
  name: $interpolate`alias/${$app.name}-${$app.stage}-key-encryption`,
  targetKeyId: keyEncryptionKmsKey.keyId,
});

/** The Secrets Manager secret whose ARN becomes `KEY_ENCRYPTION_SECRET_ARN`. */
export const keyEncryptionSecret = new aws.secretsmanager.Secret(
  "KeyEncryptionSecret",
  {
    description: $interpolate`${$app.name} ${$app.stage}: master keyring for provider API key encryption`,
    kmsKeyId: keyEncryptionKmsKey.arn,
    // A disposable stage deletes at once so its name can be reused; others get the 30-day window.
    recoveryWindowInDays: $app.removal === "remove" ? 0 : 30,
  },
  keepOnRemoval,
);

new aws.secretsmanager.SecretVersion("KeyEncryptionSecretVersion", {
  secretId: keyEncryptionSecret.id,
  secretString: keyEncryptionMaster.value,
});

const region = aws.getRegionOutput().region;

/**
 * Linked to the functions that decrypt provider keys: read that one secret, and decrypt with that
 * one key only on behalf of Secrets Manager (`kms:ViaService`), never directly.
 */
export const keyEncryptionAccess = new sst.Linkable("KeyEncryptionAccess", {
  properties: { secretArn: keyEncryptionSecret.arn },
  include: [
    sst.aws.permission({
      actions: ["secretsmanager:GetSecretValue"],
      resources: [keyEncryptionSecret.arn],
    }),
    sst.aws.permission({
      actions: ["kms:Decrypt"],
      resources: [keyEncryptionKmsKey.arn],
      conditions: [
        {
          test: "StringEquals",
          variable: "kms:ViaService",
          values: [$interpolate`secretsmanager.${region}.amazonaws.com`],
        },
      ],
    }),
  ],
});

/** PlanetScale credentials (`DATABASE_*`): every function. */
export const databaseEnvironment = {
  DATABASE_HOST: databaseHost.value,
  DATABASE_USERNAME: databaseUsername.value,
  DATABASE_PASSWORD: databasePassword.value,
};

/** Upstash credentials: the API (limits, cooldowns) and every job (run locks, alert deduplication). */
export const upstashEnvironment = {
  UPSTASH_REDIS_REST_URL: upstashRedisRestUrl.value,
  UPSTASH_REDIS_REST_TOKEN: upstashRedisRestToken.value,
};

/**
 * Admin tokens and provider-key decryption: the API functions only. (The first admin is created
 * by `npm run db:init`, not by a deployed function, so no admin password lives in Lambda.)
 */
export const adminEnvironment = {
  JWT_SECRET: jwtSecret.value,
  KEY_ENCRYPTION_SECRET_ARN: keyEncryptionSecret.arn,
};

/** Where alerts go: the alert checks, and the API (which runs them on demand). */
export const alertEnvironment = {
  ALERT_WEBHOOK_URL: alertWebhookUrl.value,
};
