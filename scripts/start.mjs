#!/usr/bin/env node
/**
 * `npm start`: runs the local server (functions/local.ts) from a bundle compiled once with esbuild
 * into dist/local/, rebuilt only when a source file (or the lockfile) is newer than it. Starting
 * from the bundle takes a fraction of a second; compiling TypeScript on every start (tsx) took
 * seconds. Like the Lambda bundles, the dependencies are bundled too: resolving and loading a few
 * hundred files from node_modules was half of the start-up time. Native and optional drivers stay
 * external and load from node_modules when used.
 * Plain JavaScript on purpose: this file runs before anything is compiled.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(root, "dist/local/local.mjs");
const sources = ["functions", "lib", "db"].map((folder) => join(root, folder));

/** Loaded from node_modules at run time: native modules, and drivers the embedded defaults never load. */
const EXTERNAL = ["better-sqlite3", "mysql2", "@aws-sdk/*", "@planetscale/database", "kysely-planetscale"];

/** Gives bundled CommonJS code `require`, `__filename` and `__dirname` inside the ESM bundle. */
const BANNER = [
  `import { createRequire as topLevelCreateRequire } from "node:module";`,
  `const require = topLevelCreateRequire(import.meta.url);`,
  `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "node:url";`,
  `const __filename = topLevelFileUrlToPath(import.meta.url);`,
  `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url));`,
].join("\n");

/** Newest modification time under the source folders (and the lockfile). */
function newestSourceMs() {
  let newest = statSync(join(root, "package-lock.json"), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const pending = [...sources];
  while (pending.length > 0) {
    const folder = pending.pop();
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

if (!existsSync(outfile) || statSync(outfile).mtimeMs < newestSourceMs()) {
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [join(root, "functions/local.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: `node${process.versions.node.split(".")[0]}`,
    external: EXTERNAL,
    mainFields: ["module", "main"],
    banner: { js: BANNER },
    sourcemap: "linked",
    // Positions only: the sources are on disk, and a smaller map is quicker to load at the first stack trace.
    sourcesContent: false,
    // No keepNames: its `__name` helper runs for every closure created, on every request; stack traces keep their names anyway.
    keepNames: false,
    logLevel: "warning",
    write: false,
  });
  // Written beside and renamed into place, so processes starting at the same time never load half a file.
  mkdirSync(dirname(outfile), { recursive: true });
  for (const file of result.outputFiles.sort((a) => (a.path.endsWith(".map") ? -1 : 1))) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
}
await import(pathToFileURL(outfile).href);
