/**
 * Static assets of the admin dashboard: the charting library's browser build (read from disk
 * once, then served from memory) and the app's own script and stylesheet (strings built at
 * module load). Every asset carries a content-hash ETag so browsers revalidate cheaply.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * What a deploy must copy next to the Lambda bundle, where node_modules is absent
 * (SST `copyFiles` entry: `from` relative to the repository root, `to` relative to the bundle).
 */
export const DASHBOARD_ASSET_COPY = { from: "node_modules/chart.js/dist/chart.umd.js", to: "dashboard-assets/chart.umd.js" } as const;

/** A file served from memory with its validators. */
export interface StaticAsset {
  body: string;
  contentType: string;
  /** Strong ETag over the body, quoted. */
  etag: string;
  /** First 12 hex digits of the body's SHA-256, used to version asset URLs. */
  version: string;
}

/** Builds a {@link StaticAsset} from its text. */
export function staticAsset(body: string, contentType: string): StaticAsset {
  const digest = createHash("sha256").update(body).digest("hex");
  return { body, contentType, etag: `"${digest.slice(0, 32)}"`, version: digest.slice(0, 12) };
}

/**
 * Where the charting library's UMD build may be, in the order tried: node_modules resolution
 * (local server, tests), then beside the running module and one folder up (a Lambda bundle
 * keeps `functions/api.mjs` one level under its root), then under the working directory
 * (Lambda runs in its task root).
 */
export function chartLibraryCandidates(moduleUrl: string = import.meta.url, workingDirectory: string = process.cwd()): string[] {
  const candidates: string[] = [];
  try {
    // chart.js's `exports` map hides `dist/*.umd.js`, so resolve the package entry and look beside it.
    const entry = createRequire(moduleUrl).resolve("chart.js");
    candidates.push(join(dirname(entry), "chart.umd.js"));
  } catch {
    // Not installed here (a Lambda bundle): the copied file below is the one to use.
  }
  if (moduleUrl.startsWith("file:")) {
    const moduleDirectory = dirname(fileURLToPath(moduleUrl));
    candidates.push(join(moduleDirectory, DASHBOARD_ASSET_COPY.to), join(moduleDirectory, "..", DASHBOARD_ASSET_COPY.to));
  }
  candidates.push(join(workingDirectory, DASHBOARD_ASSET_COPY.to));
  return [...new Set(candidates)];
}

/**
 * Returns a loader of the charting library as a {@link StaticAsset}: the first call reads the first
 * readable candidate, later calls get the same in-memory copy. A failed read is not kept, so a
 * later call tries again.
 */
export function chartLibraryLoader(candidates: string[] = chartLibraryCandidates()): () => Promise<StaticAsset> {
  let cached: Promise<StaticAsset> | undefined;
  return function loadChartLibrary() {
    cached ??= readFirst(candidates).catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
}

async function readFirst(candidates: string[]): Promise<StaticAsset> {
  for (const path of candidates) {
    try {
      return staticAsset(await readFile(path, "utf8"), "text/javascript; charset=utf-8");
    } catch {
      // Try the next place.
    }
  }
  throw new Error(`Charting library not found; looked in: ${candidates.join(", ")}`);
}

/** True when an If-None-Match header names this asset's ETag. */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(",")
    .map((value) => value.trim().replace(/^W\//, ""))
    .some((value) => value === etag || value === "*");
}
