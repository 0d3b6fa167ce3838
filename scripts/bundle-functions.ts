/**
 * `npm run bundle [-- --runs 7] [-- --skip-init]`: bundles every Lambda entry the way `sst deploy`
 * does, prints each bundle's size, and measures the API function's cold init.
 *
 * Bundling mirrors SST 4's Node runtime builder (`pkg/runtime/node/build.go`): esbuild, bundle,
 * platform node, ESM with SST's `createRequire` banner, target from the runtime, keepNames,
 * mainFields module/main, minified, externals = SST's forced ones plus stacks/lambda-defaults.ts.
 *
 * Cold init: N fresh `node` processes each import the API bundle and serve a first
 * `GET /health` (API Gateway v2 fixture) with the environment the stack gives the function and
 * the local stand-ins for PlanetScale, Upstash and Secrets Manager (needs MariaDB and Redis on
 * 127.0.0.1). Reported: import + first request, median over the runs.
 */
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import {
  BUNDLE_EXTERNAL_PACKAGES,
  BUNDLE_TARGET,
  DASHBOARD_ASSET_COPY,
  DASHBOARD_SCRIPT_BUILD,
  DASHBOARD_SCRIPT_COPY,
  LAMBDA_HANDLERS,
  handlerSourceFile,
  type LambdaName,
} from "../stacks/lambda-defaults";
import { readStackFunctions, startDeployedStandIns } from "../test/functions/deployed-stand-ins";
import { mariadbAvailable, redisAvailable } from "../test/support/services";

const repositoryRoot = resolve(import.meta.dirname, "..");
const outputRoot = resolve(repositoryRoot, "dist/functions");

/** Bundle size budgets: a bigger bundle means a slower cold start. */
const API_BUNDLE_LIMIT_BYTES = 1_500_000;
const COLD_INIT_LIMIT_MS = 300;

/** Always external in SST, whatever the function says (`forceExternal`). */
const SST_FORCED_EXTERNAL = ["sharp", "pg-native"];

/** SST's ESM banner: gives bundled CommonJS code `require`, `__filename` and `__dirname`. */
const SST_ESM_BANNER = [
  `import { createRequire as topLevelCreateRequire } from 'module';`,
  `const require = topLevelCreateRequire(import.meta.url);`,
  `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
  `const __filename = topLevelFileUrlToPath(import.meta.url)`,
  `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
  "",
].join("\n");

/** Input paths that must never end up inside a bundle (they are external on purpose). */
const FORBIDDEN_INPUT = /node_modules\/(better-sqlite3|mysql2|@aws-sdk|esbuild)\//;

interface BundleReport {
  name: LambdaName;
  source: string;
  bytes: number;
  gzipBytes: number;
  largestPackages: Array<[string, number]>;
  outfile: string;
}

function parseArguments(argv: string[]) {
  const runsIndex = argv.indexOf("--runs");
  const runs = runsIndex >= 0 ? Number(argv[runsIndex + 1]) : 7;
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs needs a positive integer");
  return { runs, skipInit: argv.includes("--skip-init") };
}

/** Bytes in the output per npm package (or `(own code)`), largest first. */
function packageSizes(metafile: Metafile, outfile: string): Array<[string, number]> {
  const output = Object.entries(metafile.outputs).find(([path]) => resolve(repositoryRoot, path) === outfile)?.[1];
  const sizes = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const name = match ? match[1] : "(own code)";
    sizes.set(name, (sizes.get(name) ?? 0) + bytesInOutput);
  }
  return [...sizes].sort((first, second) => second[1] - first[1]);
}

async function bundle(name: LambdaName): Promise<BundleReport> {
  const source = handlerSourceFile(LAMBDA_HANDLERS[name]);
  const outfile = resolve(outputRoot, name, "bundle.mjs");
  rmSync(resolve(outputRoot, name), { recursive: true, force: true });
  mkdirSync(resolve(outputRoot, name), { recursive: true });
  const result = await build({
    absWorkingDir: repositoryRoot,
    entryPoints: [source],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: BUNDLE_TARGET,
    external: [...SST_FORCED_EXTERNAL, ...BUNDLE_EXTERNAL_PACKAGES],
    keepNames: true,
    minify: true,
    mainFields: ["module", "main"],
    // SST builds linked source maps but does not ship them with the function by default.
    sourcemap: "linked",
    banner: { js: SST_ESM_BANNER },
    metafile: true,
    logLevel: "warning",
  });
  const forbidden = Object.keys(result.metafile.inputs).filter((path) => FORBIDDEN_INPUT.test(path));
  if (forbidden.length > 0) throw new Error(`${name}: bundled what must stay external: ${forbidden.slice(0, 3).join(", ")}`);
  if (name === "api") await copyDashboardAssets(resolve(outputRoot, name));
  const code = readFileSync(outfile);
  return {
    name,
    source,
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    largestPackages: packageSizes(result.metafile, outfile).slice(0, 6),
    outfile,
  };
}

/** What the stack's `copyFiles` puts beside the API bundle: the chart library and the built dashboard script. */
async function copyDashboardAssets(bundleDirectory: string): Promise<void> {
  const script = resolve(bundleDirectory, DASHBOARD_SCRIPT_COPY.to);
  mkdirSync(dirname(script), { recursive: true });
  await build({ ...DASHBOARD_SCRIPT_BUILD, absWorkingDir: repositoryRoot, outfile: script });
  copyFileSync(resolve(repositoryRoot, DASHBOARD_ASSET_COPY.from), resolve(bundleDirectory, DASHBOARD_ASSET_COPY.to));
}

const CHILD_SCRIPT = `
const started = performance.now();
const { handler } = await import(process.argv[1]);
const imported = performance.now();
const result = await handler(JSON.parse(process.argv[2]), { functionName: "cold-init", awsRequestId: "cold-init", getRemainingTimeInMillis: () => 30000 });
const answered = performance.now();
process.stdout.write(JSON.stringify({ statusCode: result.statusCode, importMs: imported - started, firstRequestMs: answered - imported, sinceProcessStartMs: answered }));
process.exit(0);
`;

interface ColdInitRun {
  statusCode: number;
  importMs: number;
  firstRequestMs: number;
  sinceProcessStartMs: number;
}

function runChild(bundleFile: string, event: unknown, environment: Record<string, string>): Promise<ColdInitRun> {
  return new Promise((resolveRun, reject) => {
    execFile(
      process.execPath,
      ["--input-type=module", "--eval", CHILD_SCRIPT, pathToFileURL(bundleFile).href, JSON.stringify(event)],
      // A clean environment: only what the stack sets, what Lambda sets, and PATH.
      { cwd: repositoryRoot, env: { PATH: process.env.PATH, ...environment }, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`cold-init process failed: ${stderr || error.message}`));
        resolveRun(JSON.parse(stdout) as ColdInitRun);
      },
    );
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((first, second) => first - second);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function measureColdInit(bundleFile: string, runs: number): Promise<ColdInitRun[] | undefined> {
  if (!((await mariadbAvailable) && (await redisAvailable))) {
    console.log("\ncold init: skipped, MariaDB and Redis on 127.0.0.1 are needed for the PlanetScale and Upstash stand-ins");
    return undefined;
  }
  const apiFunction = (await readStackFunctions()).get("ApiHandler");
  if (!apiFunction) throw new Error("the stack defines no ApiHandler function");
  const standIns = await startDeployedStandIns();
  try {
    const environment = standIns.environmentFor(apiFunction);
    const event = JSON.parse(readFileSync(resolve(repositoryRoot, "test/fixtures/lambda/api-gateway-v2-get-health.json"), "utf8"));
    const results: ColdInitRun[] = [];
    // One after another: parallel processes would compete for CPU and inflate every figure.
    for (let run = 0; run < runs; run += 1) results.push(await runChild(bundleFile, event, environment));
    return results;
  } finally {
    await standIns.close();
  }
}

const kilobytes = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
const milliseconds = (value: number) => `${value.toFixed(0)} ms`;

async function main(): Promise<void> {
  const { runs, skipInit } = parseArguments(process.argv.slice(2));
  const problems: string[] = [];
  const reports: BundleReport[] = [];
  for (const name of Object.keys(LAMBDA_HANDLERS) as LambdaName[]) {
    const source = handlerSourceFile(LAMBDA_HANDLERS[name]);
    if (!existsSync(resolve(repositoryRoot, source))) {
      problems.push(`${source} does not exist (handler ${LAMBDA_HANDLERS[name]})`);
      continue;
    }
    reports.push(await bundle(name));
  }

  console.log(`Bundles (esbuild, ESM, platform node, target ${BUNDLE_TARGET}, minified; external: ${BUNDLE_EXTERNAL_PACKAGES.join(", ")})`);
  for (const report of reports) {
    console.log(`  ${report.name.padEnd(14)} ${kilobytes(report.bytes).padStart(10)}  (gzip ${kilobytes(report.gzipBytes)})  ${report.source}`);
  }
  const api = reports.find((report) => report.name === "api");
  if (api) {
    console.log(`\nLargest parts of the api bundle: ${api.largestPackages.map(([name, bytes]) => `${name} ${kilobytes(bytes)}`).join(", ")}`);
    for (const report of reports.filter((candidate) => candidate.name.startsWith("api"))) {
      if (report.bytes > API_BUNDLE_LIMIT_BYTES) problems.push(`${report.name} bundle is ${kilobytes(report.bytes)}, over ${kilobytes(API_BUNDLE_LIMIT_BYTES)}`);
    }
  }

  if (api && !skipInit) {
    const results = await measureColdInit(api.outfile, runs);
    if (results) {
      const failed = results.filter((result) => result.statusCode !== 200);
      if (failed.length > 0) problems.push(`GET /health answered ${failed.map((result) => result.statusCode).join(", ")} during cold init`);
      const totals = results.map((result) => result.importMs + result.firstRequestMs);
      const coldInit = median(totals);
      const load = loadavg().map((value) => value.toFixed(1)).join(" ");
      console.log(`\nCold init of the api bundle, ${runs} fresh node ${process.version} processes (import + first GET /health, v2 event; ${cpus().length} CPUs, load ${load}):`);
      console.log(`  median ${milliseconds(coldInit)}  (import ${milliseconds(median(results.map((result) => result.importMs)))}, first request ${milliseconds(median(results.map((result) => result.firstRequestMs)))}; runs: ${totals.map(milliseconds).join(", ")})`);
      console.log(`  median including node's own start-up: ${milliseconds(median(results.map((result) => result.sinceProcessStartMs)))}`);
      if (coldInit > COLD_INIT_LIMIT_MS) problems.push(`cold init median ${milliseconds(coldInit)} is over ${COLD_INIT_LIMIT_MS} ms`);
    }
  }

  if (problems.length > 0) {
    console.error(`\nProblems:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    process.exitCode = 1;
  }
}

await main();
