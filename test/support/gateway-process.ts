/**
 * The gateway as a real process (`functions/local.ts`, as `npm start` runs it), for suites that
 * need several instances or a client that must reach it over a real port: started on a free
 * port in a fresh data directory, ready once it logs that it listens, stopped with SIGTERM (its
 * log queue flushed) and its data directory removed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const projectRoot = new URL("../..", import.meta.url).pathname;

/** Children still running; killed synchronously if the test process exits first. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** One running gateway process. */
export interface GatewayProcess {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Everything it printed so far. */
  output: string[];
  stop(): Promise<void>;
}

/** Options of {@link spawnGatewayProcess}. */
export interface GatewayProcessOptions {
  /** Settings besides PATH, HOME, PORT, HOST and DATA_DIR. */
  env: Record<string, string>;
  /** Prefix of the temporary data directory. */
  dataDirPrefix: string;
  /** @default 30_000 */
  timeoutMs?: number;
}

/** Starts one gateway process and waits until it listens. */
export async function spawnGatewayProcess({ env, dataDirPrefix, timeoutMs = 30_000 }: GatewayProcessOptions): Promise<GatewayProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), dataDirPrefix));
  const child = spawn(process.execPath, ["--import", "tsx", "functions/local.ts"], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  const output: string[] = [];
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start within ${timeoutMs} ms:\n${output.join("\n")}`)), timeoutMs);
    child.once("exit", (code) => reject(new Error(`gateway exited with ${code}:\n${output.join("\n")}`)));
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on("line", (line) => {
        output.push(line);
        const url = /"message":"modelgate listening".*?"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(line)?.[1];
        if (url) {
          clearTimeout(timer);
          resolve(url);
        }
      });
    }
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { origin, output, stop };
}
