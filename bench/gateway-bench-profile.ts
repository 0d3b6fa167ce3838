/**
 * Where a `--cpu-prof` profile's busy time goes: the top functions by self time and the
 * inclusive share of each package or source file (the share of busy samples with that code
 * anywhere on the stack; Node's internals and native frames, at the base of every stack, are
 * ranked by self time only). Bundled code is mapped back to its source files through the bundle's
 * source map, so the gateway's own files show by name.
 */
import { readFileSync, existsSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** One line of a summary: a name and its share of busy time. */
export interface ProfileShare {
  name: string;
  share: number;
}

/** What {@link summarizeProfile} found. */
export interface ProfileSummary {
  busyMilliseconds: number;
  selfTop: ProfileShare[];
  inclusiveTop: ProfileShare[];
}

const IDLE = new Set(["(idle)", "(program)"]);
/** At the base of every stack: ranked by self time only. */
const STACK_BASE = new Set(["node: internals", "(native)", "(root)"]);

/** Maps a bundle position to `source path`, through the bundle's source map when there is one. */
function sourceLocator(): (url: string, line: number, column: number) => string | undefined {
  const maps = new Map<string, SourceMap | null>();
  return (url, line, column) => {
    if (!url.startsWith("file://") || !url.includes("/dist/")) return undefined;
    let map = maps.get(url);
    if (map === undefined) {
      const mapFile = `${fileURLToPath(url)}.map`;
      map = existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, "utf8"))) : null;
      maps.set(url, map);
    }
    const entry = map?.findEntry(line, column) as { originalSource?: string } | undefined;
    return entry?.originalSource?.replace(/^.*?\/(lib|db|functions|node_modules)\//, "$1/");
  };
}

/** The package (node_modules/<name>) or source file a frame belongs to. */
function ownerOf(frame: ProfileNode["callFrame"], locate: ReturnType<typeof sourceLocator>): string {
  const { url } = frame;
  if (!url) return frame.functionName.startsWith("(") ? frame.functionName : "(native)";
  if (url.startsWith("node:")) return "node: internals";
  const source = locate(url, frame.lineNumber, frame.columnNumber) ?? url.replace(/^file:\/\//, "");
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (packageMatch) return packageMatch[1];
  return source.replace(/^.*?\/((?:lib|db|functions|bench|scripts)\/)/, "$1");
}

/**
 * Reads a `.cpuprofile` and ranks self and inclusive time over its busy samples; with a window
 * (monotonic µs, as `process.hrtime.bigint() / 1000n` reads them), only the samples inside it.
 */
export function summarizeProfile(file: string, top = 12, window?: { fromMicroseconds: number; toMicroseconds: number }): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const locate = sourceLocator();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const owner = new Map(profile.nodes.map((node) => [node.id, ownerOf(node.callFrame, locate)]));
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  let timestamp = profile.startTime;
  profile.samples.forEach((nodeId, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    timestamp += delta;
    if (window && (timestamp < window.fromMicroseconds || timestamp > window.toMicroseconds)) return;
    const leaf = byId.get(nodeId);
    if (!leaf || IDLE.has(leaf.callFrame.functionName)) return;
    busy += delta;
    const leafName = `${leaf.callFrame.functionName || "(anonymous)"} ${owner.get(nodeId)}`;
    self.set(leafName, (self.get(leafName) ?? 0) + delta);
    const seen = new Set<string>();
    for (let id: number | undefined = nodeId; id !== undefined; id = parent.get(id)) {
      const name = owner.get(id)!;
      if (STACK_BASE.has(name) || seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + delta);
    }
  });
  const rank = (totals: Map<string, number>) =>
    [...totals.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, time]) => ({ name, share: busy === 0 ? 0 : time / busy }));
  return { busyMilliseconds: busy / 1000, selfTop: rank(self), inclusiveTop: rank(inclusive) };
}
