/**
 * The benchmark's load generator, run as its own process (forked by gateway-bench.ts with an IPC
 * channel). For each {@link LoadJob} it keeps `concurrency` requests in flight for `durationMs`
 * over exactly `concurrency` keep-alive connections (`node:http` Agent, one socket per worker)
 * and answers with a {@link LoadResult}. Per request it allocates little: the request options and
 * the body buffer are built once per job; timings go into preallocated typed arrays.
 */
import { Agent, request as httpRequest, type IncomingMessage } from "node:http";
import { performance } from "node:perf_hooks";

/** One measurement: what to send, how hard, for how long. */
export interface LoadJob {
  url: string;
  headers: Record<string, string>;
  body: string;
  concurrency: number;
  durationMs: number;
  /** "full": latency to the end of the body; "first-byte": latency to the first body byte. */
  measure: "full" | "first-byte";
}

/** What one job measured. */
export interface LoadResult {
  requests: number;
  errors: number;
  /** First error text seen, if any. */
  firstError?: string;
  elapsedMs: number;
  /** Latency percentiles in ms (full or first byte, as asked). */
  latency: Percentiles;
  /** Percentiles of the `x-gateway-overhead-ms` response header, when present. */
  overhead: Percentiles | null;
}

/** p50/p90/p99 and the mean, in ms. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

/** Most samples kept per job; beyond that the job still counts requests but stops recording. */
const MAXIMUM_SAMPLES = 2_000_000;

/** Percentiles of the first `count` values (sorted in place). */
function percentiles(values: Float64Array, count: number): Percentiles {
  const sorted = values.subarray(0, count).sort();
  const at = (fraction: number) => (count === 0 ? Number.NaN : sorted[Math.min(count - 1, Math.floor(fraction * count))]);
  let sum = 0;
  for (let index = 0; index < count; index++) sum += sorted[index];
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), mean: count === 0 ? Number.NaN : sum / count };
}

async function runJob(job: LoadJob): Promise<LoadResult> {
  const target = new URL(job.url);
  const body = Buffer.from(job.body);
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency, maxFreeSockets: job.concurrency, scheduling: "lifo" });
  const options = {
    agent,
    host: target.hostname,
    port: Number(target.port),
    path: target.pathname,
    method: "POST",
    headers: { ...job.headers, "content-type": "application/json", "content-length": String(body.length) },
  };
  const latencies = new Float64Array(MAXIMUM_SAMPLES);
  const overheads = new Float64Array(MAXIMUM_SAMPLES);
  let samples = 0;
  let overheadSamples = 0;
  let requests = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + job.durationMs;

  const once = () =>
    new Promise<void>((resolve) => {
      const sentAt = performance.now();
      let firstByteAt = 0;
      const fail = (message: string) => {
        errors += 1;
        firstError ??= message;
        resolve();
      };
      const outgoing = httpRequest(options, (response: IncomingMessage) => {
        if (response.statusCode !== 200) {
          response.resume();
          return fail(`HTTP ${response.statusCode}`);
        }
        const overhead = response.headers["x-gateway-overhead-ms"];
        response.on("data", () => {
          if (firstByteAt === 0) firstByteAt = performance.now();
        });
        response.on("end", () => {
          const endedAt = performance.now();
          requests += 1;
          if (samples < MAXIMUM_SAMPLES) latencies[samples++] = (job.measure === "first-byte" ? firstByteAt || endedAt : endedAt) - sentAt;
          if (typeof overhead === "string" && overheadSamples < MAXIMUM_SAMPLES) overheads[overheadSamples++] = Number(overhead);
          resolve();
        });
        response.on("error", (error) => fail(error.message));
      });
      outgoing.on("error", (error) => fail(error.message));
      outgoing.end(body);
    });

  const worker = async () => {
    while (performance.now() < deadline) await once();
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  const elapsedMs = performance.now() - started;
  agent.destroy();
  return {
    requests,
    errors,
    ...(firstError ? { firstError } : {}),
    elapsedMs,
    latency: percentiles(latencies, samples),
    overhead: overheadSamples > 0 ? percentiles(overheads, overheadSamples) : null,
  };
}

process.on("message", (job: LoadJob) => {
  runJob(job).then(
    (result) => process.send?.(result),
    (error: unknown) => process.send?.({ failed: error instanceof Error ? error.message : String(error) }),
  );
});
process.on("disconnect", () => process.exit(0));
