import { performance } from "node:perf_hooks";
const [upstreamUrl, base, client] = process.argv.slice(2);
const KEY = "sk-bench-upstream-key-00000001";
const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello there, how are you?" }] });
const streamBody = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello there" }], stream: true });
function pct(values: number[], p: number) { const s = [...values].sort((a, b) => a - b); return +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2); }
async function load(url: string, token: string, concurrency: number, total: number) {
  const latencies: number[] = []; const overheads: number[] = []; let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) { next++;
      const t0 = performance.now();
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`status ${response.status}`);
      latencies.push(performance.now() - t0);
      const overhead = response.headers.get("x-gateway-overhead-ms"); if (overhead) overheads.push(Number(overhead));
    }
  }));
  return { rps: +(total / ((performance.now() - start) / 1000)).toFixed(0), p50: pct(latencies, 0.5), p99: pct(latencies, 0.99), ...(overheads.length ? { overheadP50: pct(overheads, 0.5), overheadP99: pct(overheads, 0.99) } : {}) };
}
async function ttfb(url: string, token: string, count: number) {
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: streamBody });
    const reader = response.body!.getReader(); await reader.read(); values.push(performance.now() - t0);
    while (!(await reader.read()).done) {}
  }
  return { p50: pct(values, 0.5), p99: pct(values, 0.99) };
}
const direct = `${upstreamUrl}/v1/chat/completions`, gateway = `${base}/chat/completions`;
await load(direct, KEY, 10, 1000); await load(gateway, client, 10, 1000);
for (const c of [10, 50]) {
  const d = await load(direct, KEY, c, 4000); const g = await load(gateway, client, c, 4000);
  console.log(JSON.stringify({ concurrency: c, direct: d, gateway: g, ratio: +(g.rps / d.rps).toFixed(2), addedP50: +(g.p50 - d.p50).toFixed(2), addedP99: +(g.p99 - d.p99).toFixed(2) }));
}
const dt = await ttfb(direct, KEY, 500), gt = await ttfb(gateway, client, 500);
console.log(JSON.stringify({ ttfb: { direct: dt, gateway: gt, addedP50: +(gt.p50 - dt.p50).toFixed(2) } }));
