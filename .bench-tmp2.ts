import { performance } from "node:perf_hooks";
import { startFakeUpstream } from "./test/support/fake-upstream";
import { openAIAdapter } from "./lib/providers/openai/openai-adapter";

const up = await startFakeUpstream();
const KEY = "sk-bench-upstream-key-00000001";
const request = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "Hello there" }] };
const ctx = { keyId: 1, apiKey: KEY, baseUrl: up.baseUrlFor("openai"), timeoutMs: 10000 };
async function time(label: string, fn: () => Promise<unknown>, n = 1000) {
  for (let i = 0; i < 100; i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  console.log(label, ((performance.now() - t0) / n).toFixed(3), "ms/op sequential");
  const t1 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 10 }, async () => { while (next++ < n) await fn(); }));
  console.log(label, (n / ((performance.now() - t1) / 1000)).toFixed(0), "rps at c=10");
}
await time("fetch", async () => { const r = await fetch(`${up.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" }, body: JSON.stringify(request) }); await r.json(); });
await time("adapter.chat+signal0", () => openAIAdapter.chat(request, { ...ctx, signal: new AbortController().signal }));
await time("adapter.chat", () => openAIAdapter.chat(request, ctx));
await time("adapter.chat+signal", () => openAIAdapter.chat(request, { ...ctx, signal: new AbortController().signal }));
await up.close();
