import OpenAI from "openai";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { request as httpRequest, Agent } from "node:http";
const up = spawn(process.execPath, ["--import", "tsx", "bench/bench-upstream.ts"], { stdio: ["ignore", "pipe", "inherit"] });
const [line] = await once(up.stdout!, "data");
const base = `http://127.0.0.1:${JSON.parse(String(line)).port}/v1`;
const body = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "Hello, how are you today?" }], max_tokens: 64 };
async function time(name: string, n: number, fn: () => Promise<unknown>) {
  for (let i = 0; i < 300; i++) await fn();
  const t0 = performance.now(); const lat: number[] = [];
  for (let i = 0; i < n; i++) { const s = performance.now(); await fn(); lat.push(performance.now() - s); }
  const total = performance.now() - t0; lat.sort((a, b) => a - b);
  console.log(name.padEnd(30), "mean", (total / n).toFixed(3), "ms  p50", lat[n >> 1].toFixed(3), "cpu/op µs", "");
}
const client = new OpenAI({ apiKey: "sk-x", baseURL: base, maxRetries: 0, timeout: 30000, organization: null, project: null });
await time("openai sdk", 2000, () => client.chat.completions.create(body));
await time("fetch", 2000, async () => { const r = await fetch(`${base}/chat/completions`, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer sk-x" }, body: JSON.stringify(body) }); return r.json(); });
const agent = new Agent({ keepAlive: true });
await time("node:http", 2000, () => new Promise((res, rej) => { const b = JSON.stringify(body); const q = httpRequest(`${base}/chat/completions`, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(b) } }, (r) => { const parts: Buffer[] = []; r.on("data", (d) => parts.push(d)); r.on("end", () => res(JSON.parse(Buffer.concat(parts).toString()))); }); q.on("error", rej); q.end(b); }));
up.kill();
