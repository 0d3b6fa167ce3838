/**
 * Helpers for the adapter suites: call contexts pointing at a fake upstream, and stream
 * collection.
 */
import type { ChatCompletionChunk, ProviderCallContext, ProviderFormat } from "../../lib/providers/provider-spec";
import { createUpstreamFetch } from "../../lib/providers/shared/upstream-fetch";
import type { FakeUpstream, FakeUpstreamDialect } from "../support/fake-upstream";

let nextKeyId = 1000;

/** The keep-alive upstream fetch, allowed to reach the fake upstreams on 127.0.0.1. */
export const loopbackUpstreamFetch = createUpstreamFetch({ destinations: { allowPrivate: false, allowLoopback: true } });

/**
 * A call context for `format` against the fake upstream.
 *
 * @param apiKey the key the fake upstream scripts by
 */
export function contextFor(
  upstream: FakeUpstream,
  format: ProviderFormat,
  apiKey: string,
  overrides: Partial<ProviderCallContext> = {},
): ProviderCallContext {
  return { keyId: nextKeyId++, apiKey, baseUrl: upstream.baseUrlFor(dialectOf(format)), timeoutMs: 5000, fetch: loopbackUpstreamFetch, ...overrides };
}

/** The fake upstream dialect a format's adapter talks to (an OpenAI-compatible server speaks OpenAI's). */
export function dialectOf(format: ProviderFormat): FakeUpstreamDialect {
  return format === "openai-compatible" ? "openai" : format;
}

/** Every chunk of a stream. */
export async function collectChunks(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

/** The chunks read before the stream threw, and what it threw. */
export async function collectUntilError(stream: AsyncIterable<ChatCompletionChunk>): Promise<{ chunks: ChatCompletionChunk[]; error: unknown }> {
  const chunks: ChatCompletionChunk[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk);
  } catch (error) {
    return { chunks, error };
  }
  return { chunks, error: undefined };
}

/** Concatenated `delta.content` of a chunk list. */
export function streamedText(chunks: ChatCompletionChunk[]): string {
  return chunks.map((chunk) => chunk.choices.map((choice) => choice.delta.content ?? "").join("")).join("");
}
