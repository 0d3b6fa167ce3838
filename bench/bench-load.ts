/**
 * The benchmark's load generator, run as its own process (forked by gateway-bench.ts with an IPC
 * channel). For each {@link LoadJob} it keeps `concurrency` requests in flight for `durationMs`
 * over exactly `concurrency` keep-alive connections (`node:http` Agent, one socket per worker),
 * or with `ratePerSecond` starts requests at that rate over those connections, and answers with
 * a {@link LoadResult}. Per request it allocates little: the request options and the body buffer
 * are built once per job; timings go into preallocated typed arrays. For streams
 * it can count the content chunks of each stream on the wire (occurrences of a marker, across
 * read boundaries) and time the first one; it reports its own CPU share, so a saturated load
 * generator shows in the results instead of passing for a slow gateway.
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
  /** Streams: text that starts each content chunk; counted per stream, the first one timed. */
  chunkMarker?: string;
  /** Streams: content chunks each stream must deliver; fewer counts as lost. */
  expectedChunks?: number;
  /**
   * Workers start spread over this many ms instead of all at once, so long streams run out of
   * phase as independent clients' would.
   */
  rampMs?: number;
  /**
   * Open loop: requests start at this many per second in all (the next free connection takes
   * the next due start) instead of each connection sending again as soon as it is answered, so
   * sides of different speeds are measured at the same load.
   */
  ratePerSecond?: number;
}

/** Content chunks counted over a job's streams. */
export interface ChunkCount {
  expectedPerStream: number;
  /** Chunks received over all completed streams. */
  received: number;
  /** Chunks missing against `expectedPerStream` over all completed streams. */
  lost: number;
  /** Streams that delivered fewer chunks than expected. */
  shortStreams: number;
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
  /** Time to the first content chunk, when a chunk marker was given. */
  firstChunk: Percentiles | null;
  chunks: ChunkCount | null;
  /** CPU time of the load generator during the job over its elapsed time (1 = one core busy). */
  cpuShare: number;
}

/** p50/p90/p99 and the mean, in ms. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

/** Most samples kept per job; beyond that the job still counts requests but stops recording. */
const MAXIMUM_SAMPLES = 500_000;

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
  const firstChunks = job.chunkMarker ? new Float64Array(MAXIMUM_SAMPLES) : null;
  const marker = job.chunkMarker ?? "";
  const expectedChunks = job.expectedChunks ?? 0;
  let firstChunkSamples = 0;
  let chunksReceived = 0;
  let chunksLost = 0;
  let shortStreams = 0;
  let samples = 0;
  let overheadSamples = 0;
  let requests = 0;
  let errors = 0;
  let firstError: string | undefined;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + job.durationMs;

  const once = () =>
    new Promise<void>((resolve) => {
      const sentAt = performance.now();
      let firstByteAt = 0;
      let firstChunkAt = 0;
      let chunks = 0;
      let carry = "";
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
        response.on("data", (part: Buffer) => {
          if (firstByteAt === 0) firstByteAt = performance.now();
          if (!firstChunks) return;
          // The carried tail is shorter than the marker, so a marker split over two reads counts once.
          const text = carry + part.toString("latin1");
          for (let at = text.indexOf(marker); at !== -1; at = text.indexOf(marker, at + marker.length)) {
            if (chunks === 0) firstChunkAt = performance.now();
            chunks += 1;
          }
          carry = text.slice(-(marker.length - 1));
        });
        response.on("end", () => {
          const endedAt = performance.now();
          requests += 1;
          if (samples < MAXIMUM_SAMPLES) latencies[samples++] = (job.measure === "first-byte" ? firstByteAt || endedAt : endedAt) - sentAt;
          if (typeof overhead === "string" && overheadSamples < MAXIMUM_SAMPLES) overheads[overheadSamples++] = Number(overhead);
          if (firstChunks) {
            chunksReceived += chunks;
            if (chunks < expectedChunks) {
              chunksLost += expectedChunks - chunks;
              shortStreams += 1;
            }
            if (firstChunkAt > 0 && firstChunkSamples < MAXIMUM_SAMPLES) firstChunks[firstChunkSamples++] = firstChunkAt - sentAt;
          }
          resolve();
        });
        response.on("error", (error) => fail(error.message));
      });
      outgoing.on("error", (error) => fail(error.message));
      outgoing.end(body);
    });

  const startInterval = job.ratePerSecond ? 1000 / job.ratePerSecond : 0;
  let nextStart = 0;
  const worker = async (_: unknown, index: number) => {
    if (job.rampMs) await new Promise((resolve) => setTimeout(resolve, (index * job.rampMs!) / job.concurrency));
    while (performance.now() < deadline) {
      if (startInterval > 0) {
        const due = started + nextStart++ * startInterval;
        if (due >= deadline) break;
        // Timers fire on whole milliseconds: a start due sooner than that goes now.
        const wait = due - performance.now();
        if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      await once();
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  return {
    requests,
    errors,
    ...(firstError ? { firstError } : {}),
    elapsedMs,
    latency: percentiles(latencies, samples),
    overhead: overheadSamples > 0 ? percentiles(overheads, overheadSamples) : null,
    firstChunk: firstChunks ? percentiles(firstChunks, firstChunkSamples) : null,
    chunks: firstChunks ? { expectedPerStream: expectedChunks, received: chunksReceived, lost: chunksLost, shortStreams } : null,
    cpuShare: (cpu.user + cpu.system) / 1000 / elapsedMs,
  };
}

process.on("message", (job: LoadJob) => {
  runJob(job).then(
    (result) => process.send?.(result),
    (error: unknown) => process.send?.({ failed: error instanceof Error ? error.message : String(error) }),
  );
});
process.on("disconnect", () => process.exit(0));
