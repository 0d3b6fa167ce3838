/**
 * Provider responses recorded against the live APIs (copied from public SDK repositories into
 * `test/fixtures/recorded/`, listed in its MANIFEST.json) and the exact bytes each one stands for.
 *
 * Some files are raw bodies; vercel/ai's `.chunks.txt` files hold one SSE data payload per line,
 * which {@link loadRecording} frames the way the provider sends them: OpenAI and DeepSeek Chat
 * Completions as `data: <json>\n\n` … `data: [DONE]\n\n`, Anthropic Messages and OpenAI
 * Responses as `event: <type>\ndata: <json>\n\n`. Each payload line is kept byte for byte.
 *
 * ```ts
 * const recording = loadRecording("messages/anthropic-text.chunks.txt");
 * recording.body;     // the SSE bytes Anthropic sent
 * recording.payloads; // the parsed events, for expected values
 * ```
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Which upstream protocol a recording speaks. */
export type RecordedProtocol = "chat" | "messages" | "responses";

/** How a file becomes the served bytes (described in MANIFEST.json `framings`). */
export type RecordingFraming = "raw" | "openai-data-lines" | "named-events" | "recorded-pair-body";

/** One MANIFEST.json entry. */
export interface RecordingEntry {
  /** Path under `test/fixtures/recorded/`, e.g. `messages/anthropic-text.chunks.txt`. */
  file: string;
  protocol: RecordedProtocol;
  /** Source repository, `owner/name`. */
  repository: string;
  /** Source path inside that repository. */
  path: string;
  /** Commit of the repository snapshot the file was copied from. */
  commit: string;
  framing: RecordingFraming;
  /** True for an SSE stream, false for a JSON body. */
  stream: boolean;
  /** What the recording shows. */
  shows: string;
  /** Index of the recorded request/response pair (framing `recorded-pair-body`). */
  entry?: number;
  /** HTTP status the provider answered with. @default 200 */
  status?: number;
  /** 1-based: the file holds several consecutive Responses streams and this entry is that one. */
  part?: number;
}

/** A recording with the bytes to serve and its parsed content. */
export interface Recording extends RecordingEntry {
  /** The response body exactly as the provider sent it. */
  body: string;
  /** Streams: the SSE events of `body` in order, each ending with its blank line. */
  events: string[];
  /** Streams: every event's data parsed as JSON, `[DONE]` left out. */
  payloads: any[];
  /** JSON bodies: the parsed body. */
  json: any;
  /** The provider's content type for this body. */
  contentType: string;
  status: number;
}

/** The whole manifest. */
export interface RecordingManifest {
  description: string;
  framings: Record<RecordingFraming, string>;
  sources: Record<string, { url: string; commit: string; license: string }>;
  recordings: RecordingEntry[];
}

/** Directory of the recordings and their manifest. */
export const recordedFixturesDirectory = fileURLToPath(new URL("../fixtures/recorded/", import.meta.url));

let cachedManifest: RecordingManifest | undefined;

/** Parses MANIFEST.json (once). */
export function readRecordingManifest(): RecordingManifest {
  cachedManifest ??= JSON.parse(readFileSync(recordedFixturesDirectory + "MANIFEST.json", "utf8")) as RecordingManifest;
  return cachedManifest;
}

/**
 * Loads a recording named by its manifest `file`.
 *
 * @throws Error when the file is not in the manifest
 */
export function loadRecording(file: string): Recording {
  const entry = readRecordingManifest().recordings.find((candidate) => candidate.file === file);
  if (!entry) throw new Error(`recording ${file} is not listed in MANIFEST.json`);
  const text = readFileSync(recordedFixturesDirectory + file, "utf8");
  const body = frame(entry.part ? partOf(text, entry.part) : text, entry.framing);
  const events = entry.stream ? splitSseEvents(body) : [];
  return {
    ...entry,
    body,
    events,
    payloads: entry.stream ? parseSseData(body) : [],
    json: entry.stream ? undefined : JSON.parse(body),
    contentType: entry.stream ? "text/event-stream; charset=utf-8" : "application/json",
    status: entry.status ?? 200,
  };
}

/** Every manifest entry of a protocol. */
export function recordingsOf(protocol: RecordedProtocol): RecordingEntry[] {
  return readRecordingManifest().recordings.filter((entry) => entry.protocol === protocol);
}

/** The lines of the `part`-th stream in a file of consecutive Responses streams. */
function partOf(text: string, part: number): string {
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  const starts = lines.flatMap((line, index) => ((JSON.parse(line) as { type: string }).type === "response.created" ? [index] : []));
  if (part < 1 || part > starts.length) throw new Error(`part ${part} of ${starts.length}`);
  return lines.slice(starts[part - 1], starts[part] ?? lines.length).join("\n");
}

function frame(text: string, framing: RecordingFraming): string {
  if (framing === "raw" || framing === "recorded-pair-body") return text;
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  if (framing === "openai-data-lines") return lines.map((line) => `data: ${line}\n\n`).join("") + "data: [DONE]\n\n";
  return lines.map((line) => `event: ${(JSON.parse(line) as { type: string }).type}\ndata: ${line}\n\n`).join("");
}

/** Splits an SSE body into its events, each keeping its terminating blank line. */
export function splitSseEvents(body: string): string[] {
  return body.split(/(?<=\n\n)/).filter((event) => event.trim() !== "");
}

/** The parsed `data:` payloads of an SSE body, `[DONE]` left out. */
export function parseSseData(body: string): any[] {
  return splitSseEvents(body)
    .map((event) =>
      event
        .split("\n")
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(line.startsWith("data: ") ? 6 : 5))
        .join("\n"),
    )
    .filter((data) => data !== "" && data !== "[DONE]")
    .map((data) => JSON.parse(data));
}

/** The `event:` names of an SSE body in order (undefined for unnamed events). */
export function sseEventNames(body: string): Array<string | undefined> {
  return splitSseEvents(body).map((event) => /^event: ?(.*)$/m.exec(event)?.[1]);
}
