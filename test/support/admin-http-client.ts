/**
 * Calls a running gateway's admin API over HTTP and returns the envelope's `data`; used where
 * gateways run as separate processes (the cluster test, the benchmark).
 */

/** One admin call; throws with the status and body on a non-2xx answer. */
export async function adminCall(origin: string, token: string | null, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (JSON.parse(text) as { data: unknown }).data;
}
