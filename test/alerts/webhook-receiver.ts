/**
 * A local webhook receiver on 127.0.0.1 for alert tests: records every POST (path and parsed JSON
 * body) and answers per path, by default `200 {"errcode":0,"errmsg":"ok"}`.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** One received request. */
export interface ReceivedWebhook {
  path: string;
  body: any;
  contentType: string | undefined;
}

/** A reply: status and JSON body. */
export interface WebhookReply {
  status: number;
  body?: unknown;
}

/** A running receiver. */
export interface WebhookReceiver {
  /** Base URL, e.g. `http://127.0.0.1:PORT`. */
  url: string;
  received: ReceivedWebhook[];
  /** Requests to one path. */
  to(path: string): ReceivedWebhook[];
  /** How a path answers (a function of the attempt number on that path, 1-based). */
  reply(path: string, answer: (attempt: number) => WebhookReply): void;
  close(): Promise<void>;
}

/** Starts a receiver on an ephemeral port. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const answers = new Map<string, (attempt: number) => WebhookReply>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = request.url ?? "/";
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON: recorded as text.
      }
      received.push({ path, body, contentType: request.headers["content-type"] });
      const attempt = received.filter((entry) => entry.path === path).length;
      const answer = answers.get(path.split("?")[0])?.(attempt) ?? { status: 200, body: { errcode: 0, errmsg: "ok" } };
      response.writeHead(answer.status, { "content-type": "application/json" });
      response.end(JSON.stringify(answer.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    to: (path) => received.filter((entry) => entry.path.split("?")[0] === path),
    reply: (path, answer) => answers.set(path, answer),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
