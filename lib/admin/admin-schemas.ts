/**
 * zod schemas for the admin API's bodies and path parameters.
 */
import * as z from "zod";
import { PROVIDER_TIMEOUT_MAX_MS } from "../config/deploy-bounds";
import { integerTextSchema } from "../http/validation";
import { providerFormats, type ProviderFormat } from "../providers/provider-registry";

/** `:id` path parameter (a positive integer). */
export const idParamSchema = z.object({ id: integerTextSchema(1) });
/** `:keyId` path parameter of the provider-key routes. */
export const keyIdParamSchema = z.object({ keyId: integerTextSchema(1) });

/** C0 and C1 control characters (CR, LF, NUL, ESC, DEL, …): never part of a name, key or URL. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_MESSAGE = "must not contain control characters (CR, LF, NUL, …)";

/**
 * Text an admin types: trimmed, then refused when a control character is left inside (a CR/LF in
 * a key would split the upstream's header; the URL parser silently drops tabs and newlines, so a
 * URL would be stored other than it is used).
 */
export function plainTextSchema(maxLength: number, minLength = 1) {
  return z
    .string()
    .trim()
    .refine((value) => !CONTROL_CHARACTERS.test(value), CONTROL_MESSAGE)
    .pipe(z.string().min(minLength).max(maxLength));
}

/** An http(s) URL an admin types, control characters refused before the URL parser sees them. */
export function httpUrlSchema(maxLength = 1000) {
  return z
    .string()
    .trim()
    .refine((value) => !CONTROL_CHARACTERS.test(value), CONTROL_MESSAGE)
    .pipe(z.string().max(maxLength).url());
}

const httpUrl = httpUrlSchema()
  .refine((value) => /^https?:\/\//.test(value), "must start with http:// or https://")
  .transform((value) => value.replace(/\/+$/, ""));

/** A provider's per-attempt timeout in ms, bounded by what the deployment lets a request take. */
const providerTimeout = z.number().int().min(1000).max(PROVIDER_TIMEOUT_MAX_MS, `must be at most ${PROVIDER_TIMEOUT_MAX_MS} ms (the longest a request may take)`);

/** Per-key limits: a positive integer, or null for no limit. */
const limitValue = z.number().int().positive().max(1_000_000_000).nullable();

/** `POST /api/admin/ai-providers` body. */
export const providerCreateSchema = z.object({
  code: z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{1,31}$/, "must be 2-32 lowercase letters, digits, _ or -"),
  name: plainTextSchema(100),
  baseUrl: httpUrl,
  // The registry is the one list of formats: a format gets accepted here by being registered.
  apiFormat: z.enum(providerFormats as readonly [ProviderFormat, ...ProviderFormat[]]),
  isActive: z.boolean().default(true),
  timeout: providerTimeout.default(60_000),
});
/** A validated provider-create body. */
export type ProviderCreate = z.infer<typeof providerCreateSchema>;

/** `PUT /api/admin/ai-providers/:id` body: any of name, baseUrl, isActive, timeout. */
export const providerUpdateSchema = z
  .object({
    name: plainTextSchema(100),
    baseUrl: httpUrl,
    isActive: z.boolean(),
    timeout: providerTimeout,
  })
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, "at least one of name, baseUrl, isActive, timeout is required");
/** A validated provider-update body. */
export type ProviderUpdate = z.infer<typeof providerUpdateSchema>;

/** `POST /api/admin/ai-providers/:id/keys` body. */
export const keyCreateSchema = z.object({
  keyName: plainTextSchema(100),
  apiKey: plainTextSchema(512).pipe(z.string().min(8, "must be at least 8 characters")),
  priority: z.number().int().min(-1000).max(1000).default(0),
  weight: z.number().int().min(1).max(1000).default(1),
  rateLimitRpm: limitValue.default(null),
  rateLimitTpm: limitValue.default(null),
  rateLimitRpd: limitValue.default(null),
  maxConcurrency: limitValue.default(null),
  isActive: z.boolean().default(true),
});
/** A validated key-create body. */
export type KeyCreate = z.infer<typeof keyCreateSchema>;

/** `PUT /api/admin/ai-providers/keys/:keyId` body: any key field, at least one. */
export const keyUpdateSchema = z
  .object({
    keyName: plainTextSchema(100),
    apiKey: plainTextSchema(512).pipe(z.string().min(8, "must be at least 8 characters")),
    priority: z.number().int().min(-1000).max(1000),
    weight: z.number().int().min(1).max(1000),
    rateLimitRpm: limitValue,
    rateLimitTpm: limitValue,
    rateLimitRpd: limitValue,
    maxConcurrency: limitValue,
    isActive: z.boolean(),
    /** Only `normal` may be set by hand: it puts a key back in rotation. */
    status: z.literal("normal"),
  })
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, "at least one field is required");
/** A validated key-update body. */
export type KeyUpdate = z.infer<typeof keyUpdateSchema>;

const price = z.number().min(0).max(100_000);

/** Model fields without defaults: an update must only touch what it names (zod keeps defaults in `.partial()`). */
const modelFields = {
  providerId: z.number().int().positive(),
  modelCode: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/, "must be 1-100 letters, digits or ._:/-"),
  displayName: plainTextSchema(100),
  contextWindow: z.number().int().positive().max(100_000_000),
  maxOutputTokens: z.number().int().positive().max(10_000_000),
  inputPricePerM: price,
  outputPricePerM: price,
  supportsStreaming: z.boolean(),
  supportsTools: z.boolean(),
  supportsVision: z.boolean(),
  isActive: z.boolean(),
};

/** `POST /api/admin/ai-models` body. */
export const modelCreateSchema = z.object({
  ...modelFields,
  supportsStreaming: modelFields.supportsStreaming.default(true),
  supportsTools: modelFields.supportsTools.default(false),
  supportsVision: modelFields.supportsVision.default(false),
  isActive: modelFields.isActive.default(true),
});
/** A validated model-create body. */
export type ModelCreate = z.infer<typeof modelCreateSchema>;

/** `PUT /api/admin/ai-models/:id` body: any model field but the provider, at least one. */
export const modelUpdateSchema = z
  .object(modelFields)
  .omit({ providerId: true })
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, "at least one field is required");
/** A validated model-update body. */
export type ModelUpdate = z.infer<typeof modelUpdateSchema>;

/** `GET /api/admin/ai-models` query: optional `providerId` and `active` filters. */
export const modelListQuerySchema = z.object({
  providerId: integerTextSchema(1).optional(),
  active: z.enum(["true", "false"]).optional(),
});
