/**
 * The dashboard's own script, `/admin/assets/app.js`: the TypeScript modules under `browser/`
 * bundled with esbuild. Where the sources and esbuild are at hand (`npm start`, tests) it is
 * built once per process, so it is never stale; a Lambda has neither and reads the copy the
 * stack built and shipped beside its bundle.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DASHBOARD_SCRIPT_BUILD, DASHBOARD_SCRIPT_COPY } from "../../stacks/lambda-defaults";
import { staticAsset, type StaticAsset } from "./dashboard-assets";

export { DASHBOARD_SCRIPT_COPY };

const SOURCE_ENTRY = (DASHBOARD_SCRIPT_BUILD.entryPoints as string[])[0];

/** Where the script may come from, in the order tried. */
export interface DashboardScriptSources {
  /** The browser entry module (`main.ts`) to build from. */
  sourceEntries: string[];
  /** Built copies, used when no source or no esbuild is found. */
  builtFiles: string[];
}

/**
 * Candidates beside the running module (tests and tsx run `lib/` itself; a Lambda bundle keeps
 * `functions/api.mjs` one level under its root), two levels up (`npm start` runs `dist/local/`),
 * and under the working directory.
 */
export function dashboardScriptSources(moduleUrl: string = import.meta.url, workingDirectory: string = process.cwd()): DashboardScriptSources {
  const moduleDirectory = moduleUrl.startsWith("file:") ? dirname(fileURLToPath(moduleUrl)) : workingDirectory;
  const unique = (paths: string[]) => [...new Set(paths)];
  return {
    sourceEntries: unique([join(moduleDirectory, "browser", "main.ts"), join(moduleDirectory, "..", "..", SOURCE_ENTRY), join(workingDirectory, SOURCE_ENTRY)]),
    builtFiles: unique([join(moduleDirectory, DASHBOARD_SCRIPT_COPY.to), join(moduleDirectory, "..", DASHBOARD_SCRIPT_COPY.to), join(workingDirectory, DASHBOARD_SCRIPT_COPY.to)]),
  };
}

type Esbuild = typeof import("esbuild");

/** esbuild from node_modules, or undefined where it is not installed (a Lambda). */
function loadEsbuild(moduleUrl: string): Esbuild | undefined {
  try {
    // A runtime require, so bundling the server never pulls esbuild in.
    return createRequire(moduleUrl)("esbuild") as Esbuild;
  } catch {
    return undefined;
  }
}

/** Bundles the browser modules from `entry` into one minified script. */
export async function buildDashboardScript(entry: string, esbuild: Esbuild | undefined = loadEsbuild(import.meta.url)): Promise<string> {
  if (!esbuild) throw new Error("esbuild is not installed, so the dashboard script cannot be built here");
  const result = await esbuild.build({ ...DASHBOARD_SCRIPT_BUILD, entryPoints: [entry], write: false, outfile: "app.js" });
  return result.outputFiles[0].text;
}

/**
 * Returns a loader of the script as a {@link StaticAsset}: built from the first source entry
 * found when esbuild loads, else read from the first readable built copy. The first success is
 * kept; a failure is not, so a later call tries again.
 */
export function dashboardScriptLoader(sources: DashboardScriptSources = dashboardScriptSources()): () => Promise<StaticAsset> {
  let cached: Promise<StaticAsset> | undefined;
  return function loadDashboardScript() {
    cached ??= loadScript(sources).catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
}

async function loadScript({ sourceEntries, builtFiles }: DashboardScriptSources): Promise<StaticAsset> {
  const entry = sourceEntries.find((path) => existsSync(path));
  const esbuild = entry ? loadEsbuild(import.meta.url) : undefined;
  if (entry && esbuild) return staticAsset(await buildDashboardScript(entry, esbuild), "text/javascript; charset=utf-8");
  for (const path of builtFiles) {
    try {
      return staticAsset(await readFile(path, "utf8"), "text/javascript; charset=utf-8");
    } catch {
      // Try the next place.
    }
  }
  throw new Error(`Dashboard script not found; no source with esbuild and no built copy in: ${builtFiles.join(", ")}`);
}
