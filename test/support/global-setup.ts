/**
 * Runs once before all suites: under CI=true, MariaDB and Redis must answer or the run fails;
 * elsewhere a missing server only prints which suites will be skipped.
 */
import { isCi, mariadbAvailable, redisAvailable } from "./services";

export default async function globalSetup(): Promise<void> {
  const [mariadb, redis] = await Promise.all([mariadbAvailable, redisAvailable]);
  const missing = [!mariadb && "MariaDB (127.0.0.1:3306)", !redis && "Redis (127.0.0.1:6379)"].filter(Boolean);
  if (missing.length === 0) return;
  if (isCi) throw new Error(`CI=true but not reachable: ${missing.join(", ")}`);
  process.stdout.write(`[notice] not reachable: ${missing.join(", ")}; suites that need them will be skipped\n`);
}
