/**
 * A request's hold on its client's budgets, from the key admission to the log row.
 *
 * 1. The first key admission of the request carries one charge per budget: the request's maximum
 *    (estimated prompt tokens plus its output budget, at the model's prices, for cost budgets),
 *    checked and reserved in the same atomic call as the key's limits. A counter the store does
 *    not have is seeded from the durable spend (lib/budgets/durable-spend.ts) and the admission
 *    tried again; a charge that does not fit refuses the request with the budget's 429.
 * 2. Later attempts of the same request (failover to another key) reserve nothing more.
 * 3. When the request ends, the reservation is settled to the row's real cost and tokens (the
 *    difference goes back); when no key served it, all of it goes back.
 *
 * The bound across instances: every admission checks the counter with every reservation in flight
 * already in it, so the budget's spend only exceeds its limit where a request's real cost exceeds
 * its reservation, i.e. where the prompt estimate was low (output is capped by the reserved
 * budget). Overspend <= the sum of (real − reserved) over the requests in flight when it runs out.
 */
import type { Kysely } from "kysely";
import type { Database, NewApiLogRow } from "../../db/schema";
import type { Clock } from "../deps";
import { UnavailableError } from "../errors";
import type { Caller } from "../http/app-env";
import type { Admission, BudgetCharge, ConcurrencyLimit, LimitStore, WindowLimit } from "../limits/limit-store";
import type { Logger } from "../logging/logger";
import type { CatalogueModel } from "../router/catalogue-snapshot";
import type { BudgetAlerts, BudgetStanding } from "./budget-alerts";
import { BudgetExceededError } from "./budget-errors";
import { periodBounds, type PeriodBounds } from "./budget-periods";
import { budgetPricesOf } from "./budget-prices";
import { fromUnits, limitUnits, toUnits, type ClientBudget } from "./client-budgets";
import { durableSpend } from "./durable-spend";

/** How long a counter outlives its period: late settlements and the spend view still find it. */
const COUNTER_GRACE_MS = 86_400_000;

/** What the budget guard needs. */
export interface BudgetGuardDependencies {
  db: Kysely<Database>;
  limits: LimitStore;
  clock: Clock;
  logger: Logger;
  alerts: BudgetAlerts;
  logRetentionDays: number;
}

/** One budget as one request holds it. */
interface HeldBudget {
  budget: ClientBudget;
  bounds: PeriodBounds;
  counter: string;
  limit: number;
  reserve: number;
  seed?: number;
}

/** One budget's standing in the current period, as the spend view shows it. */
export interface BudgetSpend {
  budget: ClientBudget;
  bounds: PeriodBounds;
  /** Counter units spent (reservations in flight included when read from the store). */
  spentUnits: number;
  /** Where the figure came from: the shared counter, or the logs when the store has none yet. */
  source: "store" | "logs";
}

/** The shared-store counter of a budget's period. */
export function budgetCounter(budget: ClientBudget, bounds: PeriodBounds): string {
  return `client:${budget.clientId}:${budget.id}:${bounds.start}`;
}

/** Builds the holds of requests on their clients' budgets. */
export class BudgetGuard {
  readonly #dependencies: BudgetGuardDependencies;

  constructor(dependencies: BudgetGuardDependencies) {
    this.#dependencies = dependencies;
  }

  /**
   * The hold of one request on `model`, or undefined when the caller has no budget.
   * @param defer where the hold's bookkeeping writes go (awaited before the request completes)
   */
  holdFor(caller: Caller, model: CatalogueModel, promptTokens: number, outputTokens: number, defer: (work: Promise<void>) => void): BudgetHold | undefined {
    if (caller.kind !== "client" || caller.budgets.length === 0) return undefined;
    const now = this.#dependencies.clock.now();
    const prices = budgetPricesOf(model, now);
    const held = caller.budgets.map((budget): HeldBudget => {
      const bounds = periodBounds(budget.period, budget.timeZone, now);
      const most = budget.kind === "cost" ? (promptTokens * prices.inputPerM + outputTokens * prices.outputPerM) / 1_000_000 : promptTokens + outputTokens;
      return { budget, bounds, counter: budgetCounter(budget, bounds), limit: limitUnits(budget), reserve: toUnits(budget.kind, most) };
    });
    return new BudgetHold(this.#dependencies, caller.name, held, defer);
  }
}

/** What {@link budgetStanding} reads. */
export type StandingDependencies = Pick<BudgetGuardDependencies, "db" | "limits" | "clock" | "logRetentionDays">;

/** Where each budget stands now: its shared counter, or the durable spend when the store has none. */
export async function budgetStanding(dependencies: StandingDependencies, budgets: readonly ClientBudget[]): Promise<BudgetSpend[]> {
  const now = dependencies.clock.now();
  const periods = budgets.map((budget) => ({ budget, bounds: periodBounds(budget.period, budget.timeZone, now) }));
  // With the store down the view still answers, from the logs.
  const counters = await dependencies.limits
    .settleBudgets(
      periods.map(({ budget, bounds }) => ({ counter: budgetCounter(budget, bounds), amount: 0 })),
      now,
    )
    .catch(() => periods.map(() => -1));
  return Promise.all(
    periods.map(async ({ budget, bounds }, index) =>
      counters[index] >= 0
        ? { budget, bounds, spentUnits: counters[index], source: "store" as const }
        : { budget, bounds, spentUnits: await periodSpend(dependencies, budget, bounds, now), source: "logs" as const },
    ),
  );
}

/** The database's spend of a budget's period up to `now`, in counter units. */
function periodSpend({ db, logRetentionDays }: Pick<BudgetGuardDependencies, "db" | "logRetentionDays">, budget: ClientBudget, bounds: PeriodBounds, now: number): Promise<number> {
  return durableSpend(db, { clientId: budget.clientId, kind: budget.kind, since: bounds.start, until: now + 1, logRetentionDays });
}

/** One request's reservation on its client's budgets (see the module comment). */
export class BudgetHold {
  readonly #dependencies: BudgetGuardDependencies;
  readonly #clientName: string;
  readonly #held: HeldBudget[];
  readonly #defer: (work: Promise<void>) => void;
  #state: "pending" | "reserved" | "done" = "pending";

  constructor(dependencies: BudgetGuardDependencies, clientName: string, held: HeldBudget[], defer: (work: Promise<void>) => void) {
    this.#dependencies = dependencies;
    this.#clientName = clientName;
    this.#held = held;
    this.#defer = defer;
  }

  /**
   * The key admission with this request's budget charges while none are reserved yet.
   * @throws BudgetExceededError when a budget cannot take the request
   * @throws UnavailableError when a counter must be seeded and the database does not answer
   */
  async admit(limits: LimitStore, subject: string, windows: WindowLimit[], now: number, concurrency?: ConcurrencyLimit): Promise<Admission> {
    if (this.#state !== "pending") return limits.admit(subject, windows, now, concurrency);
    for (;;) {
      const admission = await limits.admit(subject, windows, now, concurrency, this.#held.map(chargeOf));
      const index = admission.deniedCharge ?? -1;
      if (admission.deniedBy === "budget_unseeded" && this.#held[index].seed === undefined) {
        await this.#seed(this.#held[index], now);
        continue;
      }
      if (admission.deniedBy === "budget") throw this.#refuse(this.#held[index], admission.budgetSpent?.[index] ?? 0, now);
      if (admission.allowed) this.#state = "reserved";
      return admission;
    }
  }

  /**
   * No key served the request: everything reserved goes back at once, so a next model of the same
   * request (an alias's fallback) finds the room again. Never rejects.
   */
  async release(): Promise<void> {
    if (this.#state !== "reserved") return;
    this.#state = "done";
    await this.#correct(this.#held.map((held) => -held.reserve));
  }

  /** Settles the reservation to what the log row says the request cost. Never rejects. */
  async settle(row: Pick<NewApiLogRow, "cost" | "total_tokens">): Promise<void> {
    if (this.#state !== "reserved") return;
    this.#state = "done";
    await this.#correct(this.#held.map((held) => (held.budget.kind === "cost" ? toUnits("cost", Number(row.cost ?? 0)) : Number(row.total_tokens ?? 0)) - held.reserve));
  }

  async #correct(amounts: number[]): Promise<void> {
    const { limits, clock, alerts, logger } = this.#dependencies;
    try {
      const spent = await limits.settleBudgets(
        this.#held.map((held, index) => ({ counter: held.counter, amount: amounts[index] })),
        clock.now(),
      );
      await Promise.all(this.#held.map((held, index) => (spent[index] >= 0 ? alerts.afterSpend(this.#standing(held, spent[index])) : undefined)));
    } catch (error) {
      // The counter keeps the reservation until its period ends: stricter, never looser.
      logger.warn("budget settlement failed", { error });
    }
  }

  async #seed(held: HeldBudget, now: number): Promise<void> {
    const { budget, bounds } = held;
    try {
      held.seed = await periodSpend(this.#dependencies, budget, bounds, now);
    } catch (error) {
      this.#dependencies.logger.error("budget spend could not be read", { budgetId: budget.id, error });
      throw new UnavailableError("The client's budget spend cannot be read right now; retry shortly", 1000);
    }
  }

  #refuse(held: HeldBudget, spentUnits: number, now: number): BudgetExceededError {
    this.#state = "done";
    this.#defer(this.#dependencies.alerts.refused(this.#standing(held, spentUnits)));
    return new BudgetExceededError({
      budget: held.budget,
      clientName: this.#clientName,
      bounds: held.bounds,
      spent: fromUnits(held.budget.kind, Math.max(0, spentUnits)),
      requested: fromUnits(held.budget.kind, held.reserve),
      now,
    });
  }

  #standing(held: HeldBudget, spentUnits: number): BudgetStanding {
    return { budget: held.budget, clientName: this.#clientName, bounds: held.bounds, spentUnits };
  }
}

function chargeOf(held: HeldBudget): BudgetCharge {
  return {
    counter: held.counter,
    limit: held.limit,
    amount: held.reserve,
    expiresAt: held.bounds.end === null ? null : held.bounds.end + COUNTER_GRACE_MS,
    ...(held.seed === undefined ? {} : { seed: held.seed }),
  };
}
