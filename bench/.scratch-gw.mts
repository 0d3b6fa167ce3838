// In-process gateway like functions/local.ts, printing heap after forced GC every 5 s.
import { serve } from "@hono/node-server";
import { createApp } from "/work/main/lib/app.ts";
import { parseSettings } from "/work/main/lib/config/settings.ts";
import { createRuntime } from "/work/main/lib/runtime/create-runtime.ts";
const settings = parseSettings(process.env);
const runtime = await createRuntime(settings);
const app = createApp(runtime.deps);
serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => console.log(JSON.stringify({ message: "modelgate listening", url: `http://127.0.0.1:${info.port}` })));
import { writeHeapSnapshot } from "node:v8";
let tick = 0;
setInterval(() => { tick++; if (process.env.SNAP && (tick === 2 || tick === 6)) writeHeapSnapshot(`/tmp/scratch/snap-${tick}.heapsnapshot`); (globalThis as any).gc?.(); const m = process.memoryUsage(); process.stderr.write(`heap ${(m.heapUsed/1e6).toFixed(1)} MB rss ${(m.rss/1e6).toFixed(1)} ext ${(m.external/1e6).toFixed(1)} ab ${(m.arrayBuffers/1e6).toFixed(1)}\n`); }, 5000).unref();
process.once("SIGTERM", () => process.exit(0));
