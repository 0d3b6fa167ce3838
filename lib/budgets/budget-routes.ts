/**
 * /api/admin/clients/:id/budgets and /api/admin/clients/:id/spend: a client's budgets and quotas,
 * and where each stands in its current period.
 *
 * PUT replaces the client's whole set: one entry per (kind, period); an entry that exists keeps its
 * id (and so its running counter), a missing one is deleted. The gateway sees a change within its
 * client cache's lifetime (10 s).
 */
import { Hono } from "hono";
import * as z from "zod";
import { idParamSchema } from "../admin/admin-schemas";
import type { AppDeps } from "../deps";
import { NotFoundError } from "../errors";
import type { AppEnv } from "../http/app-env";
import { validate } from "../http/validation";
import { budgetStanding, type BudgetSpend } from "./budget-hold";
import { BUDGET_PERIODS, isTimeZone } from "./budget-periods";
import { BUDGET_KINDS, fromUnits, loadClientBudgets, type ClientBudget } from "./client-budgets";

const budgetSchema = z
  .object({
    kind: z.enum(BUDGET_KINDS),
    period: z.enum(BUDGET_PERIODS),
    /** USD for `cost`, tokens for `tokens`. */
    limit: z.number().positive().max(1e9),
    softLimitPercent: z.number().int().min(1).max(100).nullable().default(null),
    timeZone: z
      .string()
      .trim()
      .max(64)
      .refine(isTimeZone, "must be an IANA time zone such as UTC or Europe/Berlin")
      .default("UTC"),
  })
  .strict()
  .refine((budget) => budget.kind === "cost" || Number.isInteger(budget.limit), { message: "a token quota must be a whole number of tokens", path: ["limit"] });

const budgetsBodySchema = z
  .object({ budgets: z.array(budgetSchema).max(8) })
  .strict()
  .superRefine(({ budgets }, context) => {
    const seen = new Set<string>();
    budgets.forEach((budget, index) => {
      const scope = `${budget.kind}/${budget.period}`;
      if (seen.has(scope)) context.addIssue({ code: "custom", path: ["budgets", index], message: `a second ${budget.kind} budget for period '${budget.period}'` });
      seen.add(scope);
    });
  });

/** A budget as the admin API shows it. */
function budgetView(budget: ClientBudget) {
  return { id: budget.id, kind: budget.kind, period: budget.period, limit: budget.limit, softLimitPercent: budget.softLimitPercent, timeZone: budget.timeZone };
}

/** A budget's standing as the admin API shows it (amounts in USD or tokens). */
function spendView({ budget, bounds, spentUnits, source }: BudgetSpend) {
  const spent = fromUnits(budget.kind, spentUnits);
  return {
    ...budgetView(budget),
    periodStart: new Date(bounds.start).toISOString(),
    resetsAt: bounds.end === null ? null : new Date(bounds.end).toISOString(),
    spent,
    remaining: Math.max(0, budget.limit - spent),
    softLimitReached: budget.softLimitPercent !== null && spent >= (budget.limit * budget.softLimitPercent) / 100,
    exhausted: spent >= budget.limit,
    /** `store`: the shared counter, reservations of requests in flight included; `logs`: settled spend only. */
    source,
  };
}

/** Routes mounted at /api/admin/clients beside the client routes. */
export function clientBudgetRoutes(deps: AppDeps) {
  const { db } = deps.database;
  const app = new Hono<AppEnv>();
  const assertClient = async (id: number) => {
    const row = await db.selectFrom("t_client_keys").select("id").where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError(`Client ${id} not found`);
  };

  app.get("/:id/budgets", validate("param", idParamSchema), async (c) => {
    const { id } = c.req.valid("param");
    await assertClient(id);
    return c.json({ code: 200, data: { clientId: id, items: (await loadClientBudgets(db, id)).map(budgetView) } });
  });

  app.put("/:id/budgets", validate("param", idParamSchema), validate("json", budgetsBodySchema), async (c) => {
    const { id } = c.req.valid("param");
    const { budgets } = c.req.valid("json");
    await assertClient(id);
    const now = deps.clock.now();
    const existing = await loadClientBudgets(db, id);
    for (const budget of budgets) {
      const values = { limit_value: budget.limit, soft_limit_percent: budget.softLimitPercent, time_zone: budget.timeZone, updated_at: now };
      const same = existing.find((old) => old.kind === budget.kind && old.period === budget.period);
      if (same) await db.updateTable("t_client_budgets").set(values).where("id", "=", same.id).execute();
      else await db.insertInto("t_client_budgets").values({ client_id: id, kind: budget.kind, period: budget.period, created_at: now, ...values }).execute();
    }
    const dropped = existing.filter((old) => !budgets.some((budget) => budget.kind === old.kind && budget.period === old.period)).map((old) => old.id);
    if (dropped.length > 0) await db.deleteFrom("t_client_budgets").where("id", "in", dropped).execute();
    return c.json({ code: 200, data: { clientId: id, items: (await loadClientBudgets(db, id)).map(budgetView) } });
  });

  app.get("/:id/spend", validate("param", idParamSchema), async (c) => {
    const { id } = c.req.valid("param");
    await assertClient(id);
    const standing = await budgetStanding(
      { db, limits: deps.limits, clock: deps.clock, logRetentionDays: deps.settings.logRetentionDays },
      await loadClientBudgets(db, id),
    );
    return c.json({ code: 200, data: { clientId: id, at: new Date(deps.clock.now()).toISOString(), items: standing.map(spendView) } });
  });

  return app;
}
