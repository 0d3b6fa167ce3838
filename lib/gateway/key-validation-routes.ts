/**
 * `POST /api/admin/ai-providers/keys/:keyId/validate`: one cheap authenticated upstream call
 * with that key (the adapter's `validateKey`, a model list), and the key's status updated from
 * the answer. The only way back into rotation for an `invalid` key besides an admin edit.
 *
 * - valid: status `normal`, failures and cooldown cleared, `last_validated_at` set;
 * - invalid key: status `invalid`;
 * - quota or balance exhausted: status `quota_exceeded` with the router's long cooldown;
 * - rate limited: the key works (`valid: true`) but cools down until the upstream's retry-after;
 * - anything else (upstream down, timeout): `valid: false` with the error, status unchanged.
 */
import { Hono } from "hono";
import * as z from "zod";
import type { KeyStatus } from "../../db/schema";
import { catalogueChanged } from "../catalogue/catalogue-version";
import { KeyCipherError, keyVersionOf } from "../crypto/key-cipher";
import { missingKeyVersionMessage } from "../crypto/missing-key-versions";
import type { AppDeps } from "../deps";
import { NotFoundError, UnavailableError } from "../errors";
import type { AppEnv } from "../http/app-env";
import { integerTextSchema, validate } from "../http/validation";
import type { ProviderError } from "../providers/provider-error";
import { providerFormatOf } from "../providers/provider-registry";
import type { ProviderAdapter, ProviderFormat } from "../providers/provider-spec";
import type { CatalogueCache } from "../router/catalogue-cache";
import { keySubject } from "../router/key-health";
import { asProviderError, noAdapter } from "../router/router-errors";

const keyIdParamSchema = z.object({ keyId: integerTextSchema(1) });

/** What the validate route needs besides the app's dependencies. */
export interface KeyValidationOptions {
  cache: CatalogueCache;
  adapterFor(format: ProviderFormat): ProviderAdapter | undefined;
  /** `fetch` for the validation call; the provider clients' keep-alive fetch when absent. */
  upstreamFetch?: typeof fetch;
  /** Upper bound of the validation call, in ms (the provider's own timeout when shorter). */
  timeoutMs: number;
  /** The router's cooldowns (ms) for a key found rate limited without a retry-after, or out of quota. */
  cooldownMs: { rateLimit: number; quota: number };
}

/** Routes mounted at `/api/admin/ai-providers` (behind the admin guard). */
export function keyValidationRoutes(deps: AppDeps, options: KeyValidationOptions) {
  const { db } = deps.database;
  const app = new Hono<AppEnv>();

  app.post("/keys/:keyId/validate", validate("param", keyIdParamSchema), async (c) => {
    const { keyId } = c.req.valid("param");
    const key = await db.selectFrom("t_ai_api_keys").selectAll().where("id", "=", keyId).executeTakeFirst();
    if (!key) throw new NotFoundError(`Key ${keyId} not found`);
    const provider = await db.selectFrom("t_ai_providers").selectAll().where("id", "=", key.provider_id).executeTakeFirstOrThrow();
    const format = providerFormatOf(provider.api_format);
    const adapter = format ? options.adapterFor(format) : undefined;
    if (!adapter) throw noAdapter(provider);

    let apiKey: string;
    try {
      apiKey = deps.cipher.decrypt(key.api_key);
    } catch (error) {
      const version = keyVersionOf(key.api_key);
      if (error instanceof KeyCipherError && error.code === "unknown_key_version" && version !== undefined) {
        throw new UnavailableError(`Key ${keyId} cannot be decrypted: ${missingKeyVersionMessage(1, [version])}`);
      }
      throw new UnavailableError(`Key ${keyId} cannot be decrypted with the current master key`);
    }
    const startedAt = performance.now();
    let failure: ProviderError | undefined;
    try {
      await adapter.validateKey({
        keyId,
        apiKey,
        baseUrl: provider.base_url,
        timeoutMs: Math.min(Number(provider.timeout_ms), options.timeoutMs),
        ...(options.upstreamFetch ? { fetch: options.upstreamFetch } : {}),
      });
    } catch (error) {
      failure = asProviderError(error);
    }
    const latencyMs = Math.round(performance.now() - startedAt);
    const now = deps.clock.now();
    const subject = keySubject(keyId);

    let change: { status: KeyStatus; reason: string | null; cooldownUntil: number | null } | undefined;
    if (!failure) change = { status: "normal", reason: null, cooldownUntil: null };
    else if (failure.kind === "invalid_key") change = { status: "invalid", reason: `${failure.code}: ${failure.message}`, cooldownUntil: null };
    else if (failure.kind === "quota_exceeded") change = { status: "quota_exceeded", reason: `${failure.code}: ${failure.message}`, cooldownUntil: now + options.cooldownMs.quota };
    else if (failure.kind === "rate_limited") {
      change = { status: "rate_limited", reason: `${failure.code}: ${failure.message}`, cooldownUntil: now + (failure.retryAfterMs ?? options.cooldownMs.rateLimit) };
    }

    if (change) {
      if (change.cooldownUntil === null) await deps.limits.clearCooldown(subject);
      else await deps.limits.setCooldown(subject, change.cooldownUntil, now);
      await db
        .updateTable("t_ai_api_keys")
        .set({
          status: change.status,
          status_reason: change.reason?.slice(0, 255) ?? null,
          status_changed_at: now,
          cooldown_until: change.cooldownUntil,
          last_validated_at: now,
          ...(change.status === "normal" ? { consecutive_failures: 0 } : { last_error_at: now }),
        })
        .where("id", "=", keyId)
        .execute();
      await catalogueChanged(deps);
      options.cache.invalidate();
    }
    const valid = !failure || failure.kind === "rate_limited";
    return c.json({
      code: 200,
      data: {
        valid,
        latencyMs,
        status: change?.status ?? key.status,
        ...(failure ? { error: failure.message, errorCode: failure.code } : {}),
      },
    });
  });

  return app;
}
