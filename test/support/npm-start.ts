/**
 * What `npm start` runs: the node flags and script of the `start` script in a checkout's
 * package.json (`node <flags> <script>.mjs`), for the tests and the benchmark that start the local
 * server the way users do.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The `node` arguments of `npm start` in `root`.
 * @throws Error when the start script is not `node [flags] <script>.mjs`
 */
export function npmStartNodeArguments(root: string): string[] {
  const script = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start;
  const [command, ...args] = script.trim().split(/\s+/);
  if (command !== "node" || !args.at(-1)?.endsWith(".mjs")) throw new Error(`npm start in ${root} is not "node [flags] <script>.mjs": ${script}`);
  return args;
}
