/**
 * What the app needs from the outside world. Built by a front door (local server, Lambda, tests)
 * and passed to `createApp(deps)`, so nothing in lib/ reaches for globals or environment.
 */
import type { DatabaseHandle } from "../db/connection";
import type { Settings } from "./config/settings";
import type { LimitStore } from "./limits/limit-store";
import type { RequestLimiter } from "./limits/request-limiter";
import type { Logger } from "./logging/logger";

/** Encrypts and decrypts provider API keys at rest. */
export interface ProviderKeyCipher {
  encrypt(plaintext: string): string;
  decrypt(stored: string): string;
}

/** Milliseconds since the epoch; injected so tests drive hours and days without waiting. */
export interface Clock {
  now(): number;
}

/** Everything createApp needs. */
export interface AppDeps {
  settings: Readonly<Settings>;
  database: DatabaseHandle;
  limits: LimitStore;
  requestLimiter: RequestLimiter;
  cipher: ProviderKeyCipher;
  jwtSecret: string;
  clock: Clock;
  /** Request ids and similar; unique per call. */
  newId(): string;
  /**
   * Used for webhooks, held to `settings.destinations` outside tests. Provider calls go through
   * the gateway's own keep-alive fetch (lib/providers/shared/upstream-fetch.ts;
   * `GatewayOptions.upstreamFetch` overrides it).
   */
  fetch: typeof fetch;
  logger: Logger;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };
