/**
 * The provider layer's public surface: what the router and the gateway routes import.
 */
export { getAdapter, isProviderFormat } from "./provider-registry";
export { isProviderError, ProviderError } from "./provider-error";
export type { ProviderErrorKind, ProviderErrorOptions } from "./provider-error";
export { chunkHasContent, isUsageChunk, providerFormats } from "./provider-spec";
export type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionChunkDelta,
  ChatRequest,
  ChatResult,
  ChatStream,
  NormalizedUsage,
  ProviderAdapter,
  ProviderCallContext,
  ProviderFormat,
} from "./provider-spec";
export { emptyUsage, normalizeCompletionUsage } from "./shared/usage-normalize";
export { parseServerSentEvents } from "./shared/sse-parser";
export type { ServerSentEvent } from "./shared/sse-parser";
export { parseRetryAfterMs } from "./shared/retry-after";
export { redactSecrets } from "./shared/secret-redaction";
