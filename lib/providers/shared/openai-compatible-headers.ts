/**
 * Request headers of a forwarded call to an OpenAI-compatible upstream: the key as a bearer token
 * and a JSON body. Client headers are not forwarded: the gateway's own credentials and routing
 * replace them, and nothing a client sends (its gateway key included) reaches the provider.
 */

/** Headers for an OpenAI-compatible upstream. */
export function bearerHeaders(apiKey: string, _clientHeaders: Headers): Record<string, string> {
  return { authorization: `Bearer ${apiKey}`, "content-type": "application/json", accept: "application/json, text/event-stream" };
}
