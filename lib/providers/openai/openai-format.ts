/**
 * The `openai` format: OpenAI's own API (base URL `https://api.openai.com/v1`), which speaks both
 * Chat Completions and Responses, and serves embeddings.
 */
import { joinUrl, type ProviderFormatEntry, type UpstreamEndpoint } from "../provider-format";
import { openAIAdapter } from "./openai-adapter";
import { classifyOpenAIError } from "./openai-error-classify";
import { bearerHeaders } from "../shared/openai-compatible-headers";

const paths: Partial<Record<UpstreamEndpoint, string>> = {
  chat: "chat/completions",
  responses: "responses",
  embeddings: "embeddings",
};

/** Registry entry of the `openai` format. */
export const openAIFormat: ProviderFormatEntry = {
  format: "openai",
  label: "OpenAI",
  exampleBaseUrl: "https://api.openai.com/v1",
  protocols: ["chat", "responses"],
  endpoints: ["embeddings"],
  adapter: openAIAdapter,
  passThrough: {
    url: (endpoint, baseUrl) => joinUrl(baseUrl, paths[endpoint] ?? endpoint),
    headers: bearerHeaders,
  },
  errorRule: classifyOpenAIError,
};
