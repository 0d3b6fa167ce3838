/**
 * Streaming failover: the preamble is held back until the first content, so a failure (or a
 * time-to-first-token timeout) before content still moves to the next key; after content a
 * failure ends the stream with an in-band error event and no `[DONE]`; idle gaps are bounded.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { reply } from "../support/fake-upstream";
import { availableLimitBackends, chatBody, sseData, startGatewayFixture, type GatewayFixture } from "../gateway/gateway-fixtures";

const PRIMARY = "sk-primary-key-000000000001";
const BACKUP = "sk-backup-key-0000000000002";
const MODEL = "gpt-4o-mini";
const streamBody = (content = "Hello there") => chatBody(MODEL, content, { stream: true, stream_options: { include_usage: true } });

/** The text a client assembles from an OpenAI SSE body. */
function assembled(events: ReturnType<typeof sseData>): string {
  return events
    .filter((event): event is Record<string, any> => event !== "[DONE]" && !("error" in event))
    .map((event) => event.choices?.[0]?.delta?.content ?? "")
    .join("");
}

for (const backend of await availableLimitBackends("router stream failover")) {
  describe(`streaming failover [${backend}]`, () => {
    let g: GatewayFixture;
    beforeEach(async () => {
      g = await startGatewayFixture({ limits: backend, gateway: { ttftTimeoutMs: 400, idleTimeoutMs: 300 } });
      await g.addKey("openai", PRIMARY, { priority: 10 });
      await g.addKey("openai", BACKUP, { priority: 1 });
    });
    afterEach(async () => {
      await g?.close();
    });

    it("a stream cut before content fails over; the client sees one clean answer from the backup", async () => {
      g.upstream.script(PRIMARY, reply.cut({ afterEvents: 1 }));
      g.upstream.script(BACKUP, reply.ok({ content: "from backup" }));
      const response = await g.chat(streamBody());
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      const events = sseData(await response.text());
      expect(assembled(events)).toBe("from backup");
      expect(events.at(-1)).toBe("[DONE]");
      // One role chunk only: the primary's held-back preamble never reached the client.
      expect(events.filter((event) => event !== "[DONE]" && event.choices?.[0]?.delta?.role === "assistant")).toHaveLength(1);
      expect(g.upstream.requests.map((request) => request.apiKey)).toEqual([PRIMARY, BACKUP]);
      const [log] = await g.logRows();
      expect(log).toMatchObject({ status: "success", attempts: 2, key_id: 2, is_stream: 1, prompt_tokens: 12, completion_tokens: 7 });
      expect(JSON.parse(log.attempt_errors!)).toEqual([expect.objectContaining({ keyId: 1, code: "stream_truncated", status: 0 })]);
    });

    it("an upstream error event before content fails over too", async () => {
      g.upstream.script(PRIMARY, reply.streamError({ afterEvents: 1 }));
      const response = await g.chat(streamBody());
      expect(assembled(sseData(await response.text()))).toBe("Echo: Hello there");
      expect(g.upstream.requests.map((request) => request.apiKey)).toEqual([PRIMARY, BACKUP]);
    });

    it("a failure after content ends the stream with the upstream's in-band error and no [DONE]", async () => {
      g.upstream.script(PRIMARY, reply.streamError({ content: "one two three four", afterEvents: 3, message: "boom" }));
      const response = await g.chat(streamBody());
      expect(response.status).toBe(200);
      const events = sseData(await response.text());
      expect(assembled(events)).toBe("one two ");
      expect(events).not.toContain("[DONE]");
      // Same protocol: the upstream's own error event reaches the client, and nothing after it.
      const last = events.at(-1) as { error: { message: string; type: string; code: string } };
      expect(last.error).toMatchObject({ message: "boom" });
      expect(g.upstream.requestsFor(BACKUP)).toHaveLength(0);
      const [log] = await g.logRows();
      expect(log).toMatchObject({ status: "error", http_status: 200, key_id: 1, tokens_estimated: 1 });
      expect(log.completion_tokens).toBeGreaterThan(0);
    });

    it("a cut after content is an in-band error too, never a clean close", async () => {
      g.upstream.script(PRIMARY, reply.cut({ content: "alpha beta gamma", afterEvents: 3, chunkDelayMs: 20 }));
      const events = sseData(await (await g.chat(streamBody())).text());
      expect(assembled(events)).toBe("alpha beta ");
      expect(events).not.toContain("[DONE]");
      expect((events.at(-1) as { error: { code: string } }).error.code).toBe("stream_truncated");
    });

    it("a hanging upstream (headers, keep-alives, no token) hits the TTFT timeout and fails over", async () => {
      g.upstream.script(PRIMARY, reply.hang({ sendHeaders: true, keepAliveIntervalMs: 50 }));
      const started = performance.now();
      const response = await g.chat(streamBody());
      expect(assembled(sseData(await response.text()))).toBe("Echo: Hello there");
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(390);
      expect(elapsed).toBeLessThan(3000);
      const [log] = await g.logRows();
      expect(JSON.parse(log.attempt_errors!)).toEqual([expect.objectContaining({ keyId: 1, code: "ttft_timeout" })]);
      expect(log.ttft_ms).toBeGreaterThanOrEqual(390);
    });

    it("an upstream that never sends headers hits the TTFT timeout as well", async () => {
      g.upstream.script(PRIMARY, reply.hang());
      const response = await g.chat(streamBody());
      expect(assembled(sseData(await response.text()))).toBe("Echo: Hello there");
      expect(g.upstream.requests.map((request) => request.apiKey)).toEqual([PRIMARY, BACKUP]);
    });

    it("an idle gap after content ends the stream with idle_timeout", async () => {
      await g.close();
      g = await startGatewayFixture({ limits: backend, gateway: { ttftTimeoutMs: 5000, idleTimeoutMs: 300 } });
      await g.addKey("openai", PRIMARY, { priority: 10 });
      await g.addKey("openai", BACKUP, { priority: 1 });
      // Role chunk, then 500 ms per event: the first content arrives within the TTFT bound, the next one does not within the idle bound.
      g.upstream.script(PRIMARY, reply.ok({ content: "slow words here", chunkDelayMs: 500 }));
      const events = sseData(await (await g.chat(streamBody())).text());
      expect(assembled(events)).toBe("slow ");
      expect(events).not.toContain("[DONE]");
      expect((events.at(-1) as { error: { code: string } }).error.code).toBe("idle_timeout");
      expect(g.upstream.requestsFor(BACKUP)).toHaveLength(0);
      const [log] = await g.logRows();
      expect(log).toMatchObject({ status: "error", error_code: "idle_timeout" });
    });

    it("usage chunk only when the client asked for it; usage is logged either way", async () => {
      const withoutUsage = sseData(await (await g.chat(chatBody(MODEL, "hi", { stream: true }))).text());
      expect(withoutUsage.some((event) => event !== "[DONE]" && event.usage)).toBe(false);
      expect(g.upstream.requests[0].body.stream_options).toEqual({ include_usage: true });
      const withUsage = sseData(await (await g.chat(streamBody())).text());
      expect(withUsage.at(-2)).toMatchObject({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 } });
      const rows = await g.logRows();
      expect(rows.map((row) => [row.prompt_tokens, row.completion_tokens, row.tokens_estimated])).toEqual([
        [12, 7, 0],
        [12, 7, 0],
      ]);
    });
  });
}
