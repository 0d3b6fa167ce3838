/**
 * Budget alerts through the alert channels: one when a budget's spend reaches its soft limit and
 * one when it is exhausted (spend at the limit, or a request refused), each at most once per
 * budget and period across every instance. The incident key names the period's start, and its
 * de-duplication window (the shared set-if-absent claim of the alert notifier) lasts until the
 * period ends, so the next period alerts afresh. Each instance also remembers what it sent, so a
 * budget past its threshold costs no store round trip on every later request.
 *
 * The request that crosses the line sends the alert before it completes (a Lambda freezes after
 * its response), so each webhook gets one try of at most {@link DELIVERY_TIMEOUT_MS}: a delivery
 * that reaches no one lets the claim go, and the next request over the line tries again.
 */
import { AlertNotifier } from "../alerts/alert-notifier";
import type { JobContext } from "../jobs/job-context";
import { DAY_MS } from "../jobs/job-context";
import type { PeriodBounds } from "./budget-periods";
import { formatAmount, fromUnits, limitUnits, type ClientBudget } from "./client-budgets";

/** Where a `total` budget's alert window ends: it never resets, so practically never. */
const TOTAL_WINDOW_MS = 3650 * DAY_MS;
/** One try per webhook, this long at most: the request waits for it. */
const DELIVERY_TIMEOUT_MS = 3000;
/** Incidents remembered per instance before the memory starts over (a bound, not a behaviour). */
const REMEMBERED_INCIDENTS = 10_000;

/** What one budget stands at. */
export interface BudgetStanding {
  budget: ClientBudget;
  clientName: string;
  bounds: PeriodBounds;
  /** Counter units spent (reservations in flight included). */
  spentUnits: number;
}

/** Sends budget alerts, de-duplicated per period. */
export class BudgetAlerts {
  readonly #context: JobContext;
  readonly #sent = new Set<string>();

  constructor(context: JobContext) {
    this.#context = context;
  }

  /** After spend changed: the soft-limit alert, and the exhausted one at the limit. Never rejects. */
  async afterSpend(standing: BudgetStanding): Promise<void> {
    const { budget, spentUnits } = standing;
    const limit = limitUnits(budget);
    if (spentUnits >= limit) await this.#fire("exhausted", standing);
    else if (budget.softLimitPercent !== null && spentUnits >= (limit * budget.softLimitPercent) / 100) await this.#fire("soft", standing);
  }

  /** A request was refused by the budget. Never rejects. */
  async refused(standing: BudgetStanding): Promise<void> {
    await this.#fire("exhausted", standing);
  }

  async #fire(level: "soft" | "exhausted", { budget, clientName, bounds, spentUnits }: BudgetStanding): Promise<void> {
    const incidentKey = `budget_${level}:${budget.id}:${bounds.start}`;
    if (this.#sent.has(incidentKey)) return;
    // A soft-limit alert after the exhausted one of the same period says nothing new.
    if (level === "soft" && this.#sent.has(`budget_exhausted:${budget.id}:${bounds.start}`)) return;
    if (this.#sent.size >= REMEMBERED_INCIDENTS) this.#sent.clear();
    this.#sent.add(incidentKey);
    const { clock, logger } = this.#context;
    const now = clock.now();
    const windowMs = Math.max(1, (bounds.end ?? now + TOTAL_WINDOW_MS) - now + DAY_MS);
    const spent = formatAmount(budget.kind, fromUnits(budget.kind, spentUnits));
    const limit = formatAmount(budget.kind, budget.limit);
    const what = `${budget.period} ${budget.kind === "cost" ? "cost budget" : "token quota"} of client '${clientName}'`;
    const resets = bounds.end === null ? "It does not reset." : `It resets at ${new Date(bounds.end).toISOString()} (${budget.timeZone}).`;
    try {
      const notifier = new AlertNotifier(this.#context, { repeatAfterMs: windowMs, openTtlMs: windowMs, delivery: { attempts: 1, timeoutMs: DELIVERY_TIMEOUT_MS } });
      if (!(await notifier.openIncident(incidentKey))) return;
      const report = await notifier.dispatchFiring(
        {
          kind: "budget",
          incidentKey,
          state: "firing",
          time: now,
          title: level === "soft" ? `Budget ${budget.softLimitPercent}% reached: ${what}` : `Budget exhausted: ${what}`,
          lines: [
            level === "soft"
              ? `The ${what} has reached ${spent} of ${limit} (soft limit ${budget.softLimitPercent}%).`
              : `The ${what} is exhausted: ${spent} of ${limit}; requests that could exceed it are refused.`,
            resets,
          ],
          details: { budgetId: budget.id, clientId: budget.clientId, kind: budget.kind, period: budget.period, level, periodStart: new Date(bounds.start).toISOString(), spent: fromUnits(budget.kind, spentUnits), limit: budget.limit },
        },
        [incidentKey],
      );
      // Reached no one: the notifier let the claim go, so a later request may try again.
      if (!report.delivered && report.targets > 0) this.#sent.delete(incidentKey);
    } catch (error) {
      // Delivery is best effort: a budget alert must never fail the request that crossed it.
      this.#sent.delete(incidentKey);
      logger.warn("budget alert failed", { incident: incidentKey, error });
    }
  }
}
