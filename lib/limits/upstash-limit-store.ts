/**
 * {@link LimitStore} over Upstash Redis, shared by every Lambda instance.
 *
 * `admit`, `adjust`, `setCooldown`, `claim` and the lease calls are each one Lua script, so each is one HTTP
 * round trip (once the script is cached in Redis; the very first call of a script per Redis
 * adds one `EVAL` after `NOSCRIPT`). Deadlines (cooldowns, claims) are stored as the key's value
 * and compared with the injected `now`; the PX ttl only reclaims the memory.
 *
 * Key layout under `prefix` (hash-tagged by subject so one admission's keys share a cluster slot):
 * - `<prefix>:{<subject>}:window:<name>:<windowMs>` hash of one window's buckets (index -> units)
 * - `<prefix>:{<subject>}:leases` sorted set of concurrency leases (score = expiry, epoch ms)
 * - `<prefix>:{<subject>}:cooldown` cooldown deadline (epoch ms)
 * - `<prefix>:budget:<counter>` a budget counter (integer units; expires after its period)
 *
 * An admission with budget charges touches the key subject's keys and the client's counters in one
 * script, across hash tags, as `@upstash/ratelimit`'s sliding window does with its two window keys:
 * an Upstash database runs it; a self-run Redis Cluster would refuse it as cross-slot (a budget
 * shared by every provider key of a client cannot sit under each key's tag).
 * - `<prefix>:claim:<name>` claim deadline (epoch ms)
 * - `<prefix>:version:<name>` version counter (never expires)
 */
import { createHash } from "node:crypto";
import type { Redis } from "@upstash/redis";
import { normalizeCharges, normalizeSettlements } from "./budget-counter";
import type { Admission, BudgetCharge, BudgetSettlement, ConcurrencyLimit, LimitStore, WindowAdjustment, WindowLimit } from "./limit-store";
import { assertConcurrency, assertTtlMs, assertWindowMs, bucketMsOf, bucketOf, normalizeNow, normalizeWindows } from "./sliding-window";
import {
  activeLeasesScript,
  adjustScript,
  admitScript,
  claimScript,
  extendDeadlineScript,
  releaseLeaseScript,
  renewLeaseScript,
  settleBudgetsScript,
} from "./upstash-limit-scripts";

/** The part of `@upstash/redis`'s client the store uses (structural, so a test double fits). */
export type UpstashLimitRedis = Pick<Redis, "eval" | "evalsha" | "get" | "mget" | "incr" | "del">;

/** Options of {@link UpstashLimitStore}. */
export interface UpstashLimitStoreOptions {
  /**
   * Prefix of every key, so several deployments (or test runs) can share one database.
   * @default "modelgate"
   */
  prefix?: string;
  /**
   * Extra time to live on window counters beyond what the window needs, covering clock skew
   * between instances.
   * @default 1000
   */
  expirySlackMs?: number;
  /**
   * Longest wait for one call to Redis, in ms; then it rejects with {@link LimitStoreTimeoutError}
   * and the caller's failure policy applies at once (the router answers 503).
   * @default 500
   */
  timeoutMs?: number;
}

/** A call to the shared store did not answer within its bound. */
export class LimitStoreTimeoutError extends Error {
  override name = "LimitStoreTimeoutError";
}

/** A Lua script and its SHA-1, run with EVALSHA and re-sent with EVAL only after NOSCRIPT. */
class LuaScript {
  readonly sha1: string;
  constructor(readonly source: string) {
    this.sha1 = createHash("sha1").update(source).digest("hex");
  }
}

const admit = new LuaScript(admitScript);
const adjust = new LuaScript(adjustScript);
const extendDeadline = new LuaScript(extendDeadlineScript);
const claimOnce = new LuaScript(claimScript);
const renewLease = new LuaScript(renewLeaseScript);
const releaseLease = new LuaScript(releaseLeaseScript);
const activeLeases = new LuaScript(activeLeasesScript);
const settleBudgets = new LuaScript(settleBudgetsScript);

/** A {@link LimitStore} kept in (Upstash) Redis. */
export class UpstashLimitStore implements LimitStore {
  readonly kind = "upstash" as const;
  readonly #redis: UpstashLimitRedis;
  readonly #prefix: string;
  readonly #expirySlackMs: number;
  readonly #timeoutMs: number;

  /** @throws RangeError on an empty prefix, a negative slack or a non-positive timeout. */
  constructor(redis: UpstashLimitRedis, { prefix = "modelgate", expirySlackMs = 1000, timeoutMs = 500 }: UpstashLimitStoreOptions = {}) {
    if (prefix.length === 0) throw new RangeError("prefix must not be empty");
    if (!(expirySlackMs >= 0)) throw new RangeError(`expirySlackMs must be >= 0, got ${expirySlackMs}`);
    if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);
    this.#redis = bounded(redis, timeoutMs);
    this.#prefix = prefix;
    this.#expirySlackMs = Math.ceil(expirySlackMs);
    this.#timeoutMs = timeoutMs;
  }

  /** The bound on one call to Redis, in ms. */
  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  async admit(subject: string, windows: WindowLimit[], now: number, concurrency?: ConcurrencyLimit, charges: BudgetCharge[] = []): Promise<Admission> {
    const at = normalizeNow(now);
    const normalized = normalizeWindows(windows);
    const budgetCharges = normalizeCharges(charges);
    if (concurrency) assertConcurrency(concurrency);
    const keys = [this.#cooldownKey(subject), this.#leasesKey(subject)];
    const args = [
      String(at),
      String(this.#expirySlackMs),
      String(concurrency ? concurrency.limit : -1),
      concurrency?.leaseId ?? "",
      String(concurrency ? Math.ceil(concurrency.ttlMs) : 0),
      String(normalized.length),
    ];
    for (const window of normalized) {
      keys.push(this.#windowKey(subject, window.name, window.windowMs));
      args.push(String(window.limit), String(window.windowMs), String(bucketMsOf(window.windowMs)), String(window.cost));
    }
    for (const charge of budgetCharges) {
      keys.push(this.#budgetKey(charge.counter));
      args.push(String(charge.limit), String(charge.amount), String(charge.expiresAt ?? -1), String(charge.seed ?? -1));
    }
    const reply = (await this.#run<number[]>(admit, keys, args)).map(Number);
    const [allowed, deniedIndex, retryAfterMs, slotsLeft, deniedCharge] = reply;
    const admission: Admission = { allowed: allowed === 1, retryAfterMs, remaining: {}, resetAt: {} };
    if (budgetCharges.length > 0) admission.budgetSpent = budgetCharges.map((_charge, index) => reply[5 + index]);
    if (deniedIndex === -3 || deniedIndex === -4) {
      admission.deniedBy = deniedIndex === -3 ? "budget" : "budget_unseeded";
      admission.deniedCharge = deniedCharge - 1;
      return admission;
    }
    if (deniedIndex === -1) admission.deniedBy = "cooldown";
    else if (deniedIndex === -2) admission.deniedBy = "concurrency";
    else if (deniedIndex > 0) admission.deniedBy = normalized[deniedIndex - 1].name;
    const base = 5 + budgetCharges.length;
    normalized.forEach((window, index) => {
      admission.remaining[window.name] = reply[base + 2 * index];
      admission.resetAt[window.name] = reply[base + 1 + 2 * index];
    });
    if (concurrency) admission.remaining.concurrency = slotsLeft;
    return admission;
  }

  async settleBudgets(settlements: BudgetSettlement[], now: number): Promise<number[]> {
    normalizeNow(now);
    const normalized = normalizeSettlements(settlements);
    if (normalized.length === 0) return [];
    const reply = await this.#run<number[]>(
      settleBudgets,
      normalized.map(({ counter }) => this.#budgetKey(counter)),
      normalized.map(({ amount }) => String(amount)),
    );
    return reply.map(Number);
  }

  async adjust(subject: string, adjustments: WindowAdjustment[], now: number): Promise<void> {
    const at = normalizeNow(now);
    const keys: string[] = [];
    const args: string[] = [String(at), String(this.#expirySlackMs)];
    for (const { name, windowMs, amount, at: reservedAt } of adjustments) {
      assertWindowMs(windowMs);
      const rounded = Math.round(amount);
      if (!Number.isFinite(rounded) || rounded === 0) continue;
      const bucketMs = bucketMsOf(windowMs);
      keys.push(this.#windowKey(subject, name, windowMs));
      args.push(String(bucketOf(normalizeNow(reservedAt ?? at), bucketMs)), String(rounded), String(windowMs), String(bucketMs));
    }
    if (keys.length > 0) await this.#run<number>(adjust, keys, args);
  }

  async renewLease(subject: string, leaseId: string, ttlMs: number, now: number): Promise<boolean> {
    const at = normalizeNow(now);
    assertTtlMs(ttlMs);
    const renewed = await this.#run<number>(renewLease, [this.#leasesKey(subject)], [String(at), leaseId, String(Math.ceil(ttlMs)), String(this.#expirySlackMs)]);
    return Number(renewed) === 1;
  }

  async releaseLease(subject: string, leaseId: string): Promise<void> {
    await this.#run<number>(releaseLease, [this.#leasesKey(subject)], [leaseId]);
  }

  async activeLeases(subject: string, now: number): Promise<number> {
    return Number(await this.#run<number>(activeLeases, [this.#leasesKey(subject)], [String(normalizeNow(now))]));
  }

  async setCooldown(subject: string, untilMs: number, now: number): Promise<void> {
    const at = normalizeNow(now);
    const deadline = Math.ceil(untilMs);
    if (!(deadline > at)) return;
    await this.#run<number>(extendDeadline, [this.#cooldownKey(subject)], [String(deadline), String(at)]);
  }

  async clearCooldown(subject: string): Promise<void> {
    await this.#redis.del(this.#cooldownKey(subject));
  }

  async getCooldowns(subjects: string[], now: number): Promise<Map<string, number>> {
    const at = normalizeNow(now);
    const cooling = new Map<string, number>();
    if (subjects.length === 0) return cooling;
    // The client JSON-parses replies, so a deadline arrives as a number (or a string when
    // automaticDeserialization is off); Number() takes both.
    const deadlines = await this.#redis.mget<Array<number | string | null>>(...subjects.map((subject) => this.#cooldownKey(subject)));
    subjects.forEach((subject, index) => {
      const deadline = Number(deadlines[index] ?? Number.NaN);
      if (deadline > at) cooling.set(subject, deadline);
    });
    return cooling;
  }

  async claim(name: string, ttlMs: number, now: number): Promise<boolean> {
    const at = normalizeNow(now);
    assertTtlMs(ttlMs);
    const deadline = at + Math.ceil(ttlMs);
    const claimed = await this.#run<number>(claimOnce, [this.#claimKey(name)], [String(deadline), String(at)]);
    return Number(claimed) === 1;
  }

  async release(name: string): Promise<void> {
    await this.#redis.del(this.#claimKey(name));
  }

  async getVersion(name: string): Promise<number> {
    const value = await this.#redis.get<number | string>(this.#versionKey(name));
    return value === null ? 0 : Number(value);
  }

  async bumpVersion(name: string): Promise<number> {
    return this.#redis.incr(this.#versionKey(name));
  }

  /** EVALSHA first; on NOSCRIPT (new or flushed Redis) send the whole script once with EVAL. */
  async #run<TResult>(script: LuaScript, keys: string[], args: string[]): Promise<TResult> {
    try {
      return await this.#redis.evalsha<string[], TResult>(script.sha1, keys, args);
    } catch (error) {
      if (!(error instanceof Error && error.message.includes("NOSCRIPT"))) throw error;
      return this.#redis.eval<string[], TResult>(script.source, keys, args);
    }
  }

  #windowKey(subject: string, name: string, windowMs: number): string {
    return `${this.#prefix}:{${subject}}:window:${name}:${windowMs}`;
  }

  #leasesKey(subject: string): string {
    return `${this.#prefix}:{${subject}}:leases`;
  }

  #cooldownKey(subject: string): string {
    return `${this.#prefix}:{${subject}}:cooldown`;
  }

  #budgetKey(counter: string): string {
    return `${this.#prefix}:budget:${counter}`;
  }

  #claimKey(name: string): string {
    return `${this.#prefix}:claim:${name}`;
  }

  #versionKey(name: string): string {
    return `${this.#prefix}:version:${name}`;
  }
}

/**
 * The client with every call raced against `timeoutMs`. The client's own request may go on in
 * the background (a client built by createLimitStore aborts it at the same bound); the caller
 * gets its answer at once either way.
 */
function bounded(redis: UpstashLimitRedis, timeoutMs: number): UpstashLimitRedis {
  const race = <Result>(call: Promise<Result>): Promise<Result> =>
    new Promise<Result>((resolve, reject) => {
      const timer = setTimeout(() => reject(new LimitStoreTimeoutError(`the shared limit store did not answer within ${timeoutMs} ms`)), timeoutMs);
      call.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  const methods = ["eval", "evalsha", "get", "mget", "incr", "del"] as const;
  const wrapped = {} as Record<(typeof methods)[number], unknown>;
  for (const method of methods) {
    const original = redis[method] as (...args: unknown[]) => Promise<unknown>;
    wrapped[method] = (...args: unknown[]) => race(original.apply(redis, args));
  }
  return wrapped as unknown as UpstashLimitRedis;
}
