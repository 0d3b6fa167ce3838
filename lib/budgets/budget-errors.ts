/**
 * The refusal of a request by a client budget.
 *
 * 429, not 402: OpenAI itself answers an exhausted quota with 429 (`insufficient_quota`), so every
 * OpenAI-compatible client already reads it as "out of quota", while 402 is outside both official
 * SDKs' error classes. `x-should-retry: false` stops the OpenAI and Anthropic SDKs from retrying
 * (they retry 429 otherwise) and `Retry-After` says when the period resets, for clients that
 * schedule their own retry. The code tells the two kinds apart: `budget_exceeded` (cost) and
 * `token_quota_exceeded` (tokens); the log row keeps it, so stats show budget refusals apart
 * from provider errors.
 */
import { GatewayError } from "../errors";
import { formatAmount, type ClientBudget } from "./client-budgets";
import type { PeriodBounds } from "./budget-periods";

/** What the refusal reports, in the budget's own terms (USD or tokens). */
export interface BudgetRefusalFacts {
  budget: ClientBudget;
  clientName: string;
  bounds: PeriodBounds;
  /** Spent in the period so far, reservations of requests in flight included. */
  spent: number;
  /** What this request could cost at most (its reservation). */
  requested: number;
  now: number;
}

const periodNames = { day: "daily", week: "weekly", month: "monthly", total: "total" } as const;

/** 429 from a client budget or token quota; never retried by the SDKs. */
export class BudgetExceededError extends GatewayError {
  override name = "BudgetExceededError";

  constructor({ budget, clientName, bounds, spent, requested, now }: BudgetRefusalFacts) {
    const what = budget.kind === "cost" ? "cost budget" : "token quota";
    const scope = budget.period === "total" ? "" : ` (${budget.timeZone})`;
    const resets = bounds.end === null ? "It does not reset (a total budget); an admin can raise it." : `It resets at ${new Date(bounds.end).toISOString()}.`;
    const message =
      `Client '${clientName}' has reached its ${periodNames[budget.period]} ${what}${scope}: ` +
      `${formatAmount(budget.kind, spent)} of ${formatAmount(budget.kind, budget.limit)} spent, and this request could use up to ` +
      `${formatAmount(budget.kind, requested)}. ${resets}`;
    super(429, budget.kind === "cost" ? "budget_exceeded" : "token_quota_exceeded", message, {
      retryAfterMs: bounds.end === null ? undefined : Math.max(1000, bounds.end - now),
      headers: { "x-should-retry": "false" },
      // OpenAI's own type for an exhausted quota: clients treat it as final.
      openAiType: "insufficient_quota",
    });
  }
}
