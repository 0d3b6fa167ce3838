import { performance } from "node:perf_hooks";
import { startGatewayFixture } from "./test/gateway/gateway-fixtures";

const KEY = "sk-bench-upstream-key-00000001";
const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello there, how are you?" }] });
const streamBody = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello there" }], stream: true });

function pct(values: number[], p: number) { const s = [...values].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; }

async function load(url: string, token: string, concurrency: number, total: number, payload = body) {
  const latencies: number[] = []; const overheads: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      next++;
      const t0 = performance.now();
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: payload });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`status ${response.status}`);
      latencies.push(performance.now() - t0);
      const overhead = response.headers.get("x-gateway-overhead-ms");
      if (overhead) overheads.push(Number(overhead));
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  return { rps: total / seconds, p50: pct(latencies, 0.5), p99: pct(latencies, 0.99), overheadP50: overheads.length ? pct(overheads, 0.5) : NaN, overheadP99: overheads.length ? pct(overheads, 0.99) : NaN };
}

async function ttfb(url: string, token: string, count: number) {
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: streamBody });
    const reader = response.body!.getReader();
    await reader.read();
    values.push(performance.now() - t0);
    while (!(await reader.read()).done) {}
  }
  return { p50: pct(values, 0.5), p99: pct(values, 0.99) };
}

const g = await startGatewayFixture();
await g.addKey("openai", KEY);
const client = await g.addClient({ rateLimitRpm: 1_000_000 });
const base = await g.listen();
const direct = `${g.upstream.url}/v1/chat/completions`;
const gateway = `${base}/chat/completions`;
await load(direct, KEY, 10, 500); await load(gateway, client, 10, 500);
for (const concurrency of [10, 50]) {
  const d = await load(direct, KEY, concurrency, 3000);
  const gw = await load(gateway, client, concurrency, 3000);
  console.log(JSON.stringify({ concurrency, direct: d, gateway: gw, ratio: gw.rps / d.rps, addedP50: gw.p50 - d.p50, addedP99: gw.p99 - d.p99 }));
}
const dt = await ttfb(direct, KEY, 300); const gt = await ttfb(gateway, client, 300);
console.log(JSON.stringify({ ttfb: { direct: dt, gateway: gt, addedP50: gt.p50 - dt.p50 } }));

// Log write cost alone (SQLite file, WAL).
const gatewayWriter = (await import("./lib/gateway/api-log-writer")).ApiLogWriter;
const writer = new gatewayWriter({ db: g.database.handle.db, logger: g.deps.logger });
const row = (await g.logRows())[0];
const { id: _id, ...rest } = row;
const t0 = performance.now();
for (let i = 0; i < 2000; i++) await writer.write({ ...rest, request_id: `bench-${i}` });
console.log(JSON.stringify({ logWriteMsAvg: (performance.now() - t0) / 2000, rows: (await g.logRows()).length }));
await g.close();
