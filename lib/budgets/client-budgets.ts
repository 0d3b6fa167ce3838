/**
 * A client's budgets as the gateway works with them, and the units their counters count in:
 * nano-USD for cost budgets (integers, so the shared store adds exactly), tokens for quotas.
 */
import type { Kysely } from "kysely";
import type { ClientBudgetRow, Database } from "../../db/schema";
import { BUDGET_PERIODS, isTimeZone, type BudgetPeriod } from "./budget-periods";

/** What a budget counts. */
export const BUDGET_KINDS = ["cost", "tokens"] as const;
/** One of {@link BUDGET_KINDS}. */
export type BudgetKind = (typeof BUDGET_KINDS)[number];

/** One budget of a client key. */
export interface ClientBudget {
  id: number;
  clientId: number;
  kind: BudgetKind;
  period: BudgetPeriod;
  /** The hard limit: USD for `cost`, tokens for `tokens`. */
  limit: number;
  /** Alert at this percentage of the limit; null: no soft-limit alert. */
  softLimitPercent: number | null;
  /** IANA time zone of the period boundaries. */
  timeZone: string;
}

/** Counter units per USD: nano-dollars, fine enough for one token of the cheapest model. */
export const UNITS_PER_USD = 1_000_000_000;

/** A budget's amount (USD or tokens) in counter units, rounded up (never under-reserve). */
export function toUnits(kind: BudgetKind, amount: number): number {
  return Math.ceil(kind === "cost" ? amount * UNITS_PER_USD - 1e-6 : amount);
}

/** A budget's hard limit in counter units. */
export function limitUnits(budget: Pick<ClientBudget, "kind" | "limit">): number {
  return Math.round(budget.kind === "cost" ? budget.limit * UNITS_PER_USD : budget.limit);
}

/** Counter units back in the budget's own terms (USD or tokens). */
export function fromUnits(kind: BudgetKind, units: number): number {
  return kind === "cost" ? units / UNITS_PER_USD : units;
}

/** An amount as people read it: `$0.010000` or `12,345 tokens`. */
export function formatAmount(kind: BudgetKind, amount: number): string {
  return kind === "cost" ? `$${amount.toFixed(6)}` : `${Math.round(amount).toLocaleString("en-US")} tokens`;
}

/** A stored row as a budget (an unknown kind, period or zone reads as cost, total, UTC: never looser). */
export function budgetOf(row: ClientBudgetRow): ClientBudget {
  return {
    id: row.id,
    clientId: row.client_id,
    kind: row.kind === "tokens" ? "tokens" : "cost",
    period: BUDGET_PERIODS.find((period) => period === row.period) ?? "total",
    limit: Number(row.limit_value),
    softLimitPercent: row.soft_limit_percent === null ? null : Number(row.soft_limit_percent),
    timeZone: isTimeZone(row.time_zone) ? row.time_zone : "UTC",
  };
}

/** The budgets of one client, in id order. */
export async function loadClientBudgets(db: Kysely<Database>, clientId: number): Promise<ClientBudget[]> {
  const rows = await db.selectFrom("t_client_budgets").selectAll().where("client_id", "=", clientId).orderBy("id").execute();
  return rows.map(budgetOf);
}
