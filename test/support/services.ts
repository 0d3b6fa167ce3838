/**
 * Which real servers the suites can use. MariaDB- and Redis-backed suites run when the server
 * answers and are skipped with a printed notice when it does not — except under CI=true, where
 * an unreachable server fails the run (global-setup.ts checks before any suite starts).
 */
import { Socket } from "node:net";

export const MARIADB_URL = process.env.TEST_MARIADB_URL ?? "mysql://root@127.0.0.1:3306";
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** True when something accepts TCP connections at host:port within the timeout. */
export function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("error", () => finish(false));
    socket.connect(port, host, () => finish(true));
  });
}

const hostPort = (url: string, fallbackPort: number) => {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || fallbackPort) };
};

/** Whether MariaDB answers (cached per process). */
export const mariadbAvailable: Promise<boolean> = (() => {
  const { host, port } = hostPort(MARIADB_URL, 3306);
  return canConnect(host, port);
})();

/** Whether Redis answers (cached per process). */
export const redisAvailable: Promise<boolean> = (() => {
  const { host, port } = hostPort(REDIS_URL, 6379);
  return canConnect(host, port);
})();

/** True when running in CI, where every server must be present. */
export const isCi = process.env.CI === "true";

/** Prints why a suite is skipped (once per suite). */
export function skipNotice(suite: string, server: string): void {
  process.stdout.write(`[skip] ${suite}: ${server} is not reachable; start it to run this suite\n`);
}
