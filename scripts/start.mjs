#!/usr/bin/env node
/**
 * `npm start`: runs the local server (functions/local.ts) from a bundle compiled once with esbuild
 * into dist/local/, rebuilt only when a source file is newer than it. Starting from the bundle
 * takes a fraction of a second; compiling TypeScript on every start (tsx) took seconds.
 * Plain JavaScript on purpose: this file runs before anything is compiled.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(root, "dist/local/local.mjs");
const sources = ["functions", "lib", "db"].map((folder) => join(root, folder));

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
    // Dependencies load from node_modules as usual (native modules, the dashboard's chart library).
    packages: "external",
    sourcemap: "linked",
    keepNames: true,
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
