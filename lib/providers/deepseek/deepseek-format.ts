/**
 * The `deepseek` format: DeepSeek's OpenAI-compatible Chat Completions API (base URL
 * `https://api.deepseek.com`). It has no Responses API and no embeddings.
 */
import { joinUrl, type ProviderFormatEntry } from "../provider-format";
import { bearerHeaders } from "../shared/openai-compatible-headers";
import { deepSeekAdapter } from "./deepseek-adapter";
import { classifyDeepSeekError } from "./deepseek-error-classify";

/** Registry entry of the `deepseek` format. */
export const deepSeekFormat: ProviderFormatEntry = {
  format: "deepseek",
  label: "DeepSeek",
  exampleBaseUrl: "https://api.deepseek.com",
  protocols: ["chat"],
  endpoints: [],
  adapter: deepSeekAdapter,
  passThrough: {
    url: (endpoint, baseUrl) => joinUrl(baseUrl, endpoint === "chat" ? "chat/completions" : endpoint),
    headers: bearerHeaders,
  },
  errorRule: classifyDeepSeekError,
};
