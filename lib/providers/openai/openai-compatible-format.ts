/**
 * The `openai-compatible` format: a server that speaks OpenAI's Chat Completions wire format at
 * another base URL (Ollama `http://127.0.0.1:11434/v1`, vLLM, OpenRouter, Qwen's DashScope
 * compatible mode, Moonshot, Zhipu…). Unlike `openai` it is not assumed to speak Responses, so
 * the Responses door translates to Chat for it. Errors are read as OpenAI's.
 */
import { joinUrl, type ProviderFormatEntry, type UpstreamEndpoint } from "../provider-format";
import { bearerHeaders } from "../shared/openai-compatible-headers";
import { openAICompatibleAdapter } from "./openai-adapter";
import { classifyOpenAIError } from "./openai-error-classify";

const paths: Partial<Record<UpstreamEndpoint, string>> = {
  chat: "chat/completions",
  embeddings: "embeddings",
};

/** Registry entry of the `openai-compatible` format. */
export const openAICompatibleFormat: ProviderFormatEntry = {
  format: "openai-compatible",
  label: "OpenAI-compatible (Chat Completions)",
  exampleBaseUrl: "http://127.0.0.1:11434/v1",
  protocols: ["chat"],
  endpoints: ["embeddings"],
  adapter: openAICompatibleAdapter,
  passThrough: {
    url: (endpoint, baseUrl) => joinUrl(baseUrl, paths[endpoint] ?? endpoint),
    headers: bearerHeaders,
  },
  errorRule: classifyOpenAIError,
};
