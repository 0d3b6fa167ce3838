/**
 * An app served the way `npm start` serves it (@hono/node-server with direct responses), on
 * 127.0.0.1 and a free port, for tests that need a real socket.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { withDirectResponses } from "../../lib/http/direct-node-response";

/** A listening server: its origin (`http://127.0.0.1:PORT`) and how to stop it. */
export interface LocalNodeServer {
  origin: string;
  /** Closes open connections too, so keep-alive clients do not hold it open. */
  close(): Promise<void>;
}

/** Serves `app` (a Hono app) until {@link LocalNodeServer.close}. */
export async function serveLocally(app: { fetch: Parameters<typeof withDirectResponses>[0] }): Promise<LocalNodeServer> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: withDirectResponses(app.fetch), port: 0, hostname: "127.0.0.1" }, () => resolve(started));
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
