/**
 * The benchmark's reference floor: the least a Node.js proxy can do per request, a bare
 * `node:http` pass-through (read the body, send it upstream over a keep-alive agent, send the
 * answer back), with no framework, no SDK, no auth, limits or logging. Measured in the same CPU
 * slot as the gateway, it shows how much of the gap to "direct" any Node proxy pays on this
 * machine. Run as its own process with the upstream's `/v1` base URL as argument; it prints
 * `{"port":N}` on its first stdout line.
 */
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

const upstream = new URL(process.argv[2] ?? "");
const agent = new Agent({ keepAlive: true, scheduling: "lifo" });

const server = createServer({ keepAliveTimeout: 60_000 }, (incoming, outgoing) => {
  const parts: Buffer[] = [];
  incoming.on("data", (part: Buffer) => parts.push(part));
  incoming.on("end", () => {
    const body = Buffer.concat(parts);
    const forwarded = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: `${upstream.pathname}/chat/completions`,
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": body.length, authorization: incoming.headers.authorization ?? "" },
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, { "content-type": answer.headers["content-type"] ?? "application/json" });
        answer.pipe(outgoing);
      },
    );
    forwarded.on("error", () => outgoing.destroy());
    forwarded.end(body);
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`));
process.once("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
