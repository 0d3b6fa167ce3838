/**
 * The recorded provider responses: every file is listed in the manifest with its source, every
 * listed file exists and frames into a well-formed body of its protocol, and the set stays small.
 */
import { readdirSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadRecording, readRecordingManifest, recordedFixturesDirectory, sseEventNames } from "../support/recorded-fixtures";

const manifest = readRecordingManifest();
const protocols = ["chat", "messages", "responses"] as const;
/** The event that ends a complete stream of each protocol. */
const terminalEvents = { chat: ["[DONE]"], messages: ["message_stop"], responses: ["response.completed", "response.incomplete", "response.failed"] };

describe("recorded fixtures", () => {
  it("lists every file, and only files that exist, with the commit of its source snapshot", () => {
    const onDisk = protocols.flatMap((protocol) => readdirSync(recordedFixturesDirectory + protocol).map((name) => `${protocol}/${name}`)).sort();
    expect(manifest.recordings.map((entry) => entry.file).sort()).toEqual(onDisk);
    for (const entry of manifest.recordings) {
      expect(entry.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(entry.commit).toBe(manifest.sources[entry.repository]?.commit);
      expect(entry.path, entry.file).not.toBe("");
      expect(manifest.framings[entry.framing], entry.file).toBeDefined();
    }
  });

  it("keeps several recordings per protocol, under 500 KB in all", () => {
    for (const protocol of protocols) expect(manifest.recordings.filter((entry) => entry.protocol === protocol).length).toBeGreaterThanOrEqual(6);
    const totalBytes = manifest.recordings.reduce((sum, entry) => sum + statSync(recordedFixturesDirectory + entry.file).size, 0);
    expect(totalBytes).toBeLessThan(500_000);
  });

  it.each(manifest.recordings.map((entry) => [entry.file]))("%s frames into a complete body of its protocol", (file) => {
    const recording = loadRecording(file);
    if (!recording.stream) {
      expect(recording.json).toBeTypeOf("object");
      return;
    }
    expect(recording.events.length).toBeGreaterThan(1);
    expect(recording.events.join("")).toBe(recording.body);
    const last = recording.events.at(-1)!;
    if (recording.protocol === "chat") {
      expect(last).toBe("data: [DONE]\n\n");
      expect(sseEventNames(recording.body).every((name) => name === undefined)).toBe(true);
      return;
    }
    // Named events: every event's name is its payload's type.
    const names = sseEventNames(recording.body);
    expect(names).toEqual(recording.payloads.map((payload) => payload.type));
    expect(terminalEvents[recording.protocol]).toContain(names.at(-1));
    // One response per recording: a single opening event and a single terminal event.
    const opening = recording.protocol === "messages" ? "message_start" : "response.created";
    expect(names.filter((name) => name === opening)).toHaveLength(1);
    expect(names.filter((name) => terminalEvents[recording.protocol].includes(name!))).toHaveLength(1);
  });
});
