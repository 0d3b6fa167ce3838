/**
 * A client key's budgets and quotas, opened from the Client keys view: where each stands in its
 * period (spent, remaining, when it resets) and the form that replaces the whole set (one per
 * kind and period; an empty limit removes it).
 */
import { api, listOf } from "../api";
import { h, replace } from "../dom";
import { formatCost, formatNumber, formatPercent, formatTime, t } from "../i18n";
import type { MessageKey } from "../messages-en";
import type { Client } from "../lookups";
import { badge, buildForm, isMissingApi, notice, table, unavailable, type FieldSpec } from "../ui";

const KINDS = ["cost", "tokens"] as const;
const PERIODS = ["day", "week", "month", "total"] as const;

interface Budget {
  kind: (typeof KINDS)[number];
  period: (typeof PERIODS)[number];
  limit: number;
  softLimitPercent: number | null;
  timeZone: string;
}

interface Standing extends Budget {
  periodStart: string;
  resetsAt: string | null;
  spent: number;
  remaining: number;
  softLimitReached: boolean;
  exhausted: boolean;
}

const amount = (kind: Budget["kind"], value: number) => (kind === "cost" ? formatCost(value) : formatNumber(value));
const scopeLabel = (budget: Pick<Budget, "kind" | "period">) => `${t(`budgets.kind.${budget.kind}` as MessageKey)} · ${t(`budgets.period.${budget.period}` as MessageKey)}`;

/** Renders the panel for one client into `box`; `onClose` empties it. */
export async function showClientBudgets(box: HTMLElement, client: Client, onClose: () => void): Promise<void> {
  let standing: Standing[];
  try {
    standing = listOf<Standing>(await api("GET", `admin/clients/${client.id}/spend`));
  } catch (error) {
    if (!isMissingApi(error)) throw error;
    replace(box, h("div", { className: "panel" }, [unavailable(t("budgets.api")), h("button", { type: "button", className: "secondary", onclick: onClose }, t("common.cancel"))]));
    return;
  }
  const current = new Map(standing.map((budget) => [`${budget.kind}/${budget.period}`, budget]));
  const fields: FieldSpec[] = [];
  for (const kind of KINDS) {
    for (const period of PERIODS) {
      const existing = current.get(`${kind}/${period}`);
      fields.push({ name: `${kind}.${period}`, label: scopeLabel({ kind, period }), type: "number", min: 0, step: "any", value: existing?.limit, placeholder: t("common.noLimit") });
    }
  }
  fields.push(
    { name: "softLimitPercent", label: t("budgets.softLimit"), type: "number", min: 1, value: standing[0]?.softLimitPercent, placeholder: t("budgets.noWarning"), hint: t("budgets.softLimitHint") },
    { name: "timeZone", label: t("budgets.timeZone"), value: standing[0]?.timeZone ?? "UTC", hint: t("budgets.timeZoneHint") },
  );
  const form = buildForm({
    id: "budget-form",
    title: t("budgets.editTitle", { name: client.name }),
    fields,
    onCancel: onClose,
    onSubmit: async (values) => {
      const budgets: Budget[] = [];
      for (const kind of KINDS) {
        for (const period of PERIODS) {
          const limit = values[`${kind}.${period}`];
          if (typeof limit === "number" && limit > 0) budgets.push({ kind, period, limit, softLimitPercent: (values.softLimitPercent as number | null) ?? null, timeZone: String(values.timeZone || "UTC") });
        }
      }
      await api("PUT", `admin/clients/${client.id}/budgets`, { budgets });
      notice(t("budgets.saved", { name: client.name }), "ok");
      await showClientBudgets(box, client, onClose);
    },
  });
  replace(box, h("section", { id: "client-budgets" }, [
    h("h2", null, t("budgets.title", { name: client.name })),
    table<Standing>([
      { label: t("budgets.budget"), key: "scope", sticky: "start", render: (budget) => scopeLabel(budget) },
      { label: t("budgets.spent"), key: "spent", className: "num", render: (budget) => amount(budget.kind, budget.spent) },
      { label: t("budgets.limit"), key: "limit", className: "num", render: (budget) => amount(budget.kind, budget.limit) },
      { label: t("budgets.used"), className: "num", render: (budget) => formatPercent(budget.limit ? budget.spent / budget.limit : null) },
      { label: t("budgets.remaining"), key: "remaining", className: "num", render: (budget) => amount(budget.kind, budget.remaining) },
      { label: t("budgets.state"), key: "state", render: (budget) => (budget.exhausted ? badge(t("budgets.exhausted"), "bad") : budget.softLimitReached ? badge(t("budgets.warning"), "warn") : badge(t("budgets.withinLimit"), "ok")) },
      { label: t("budgets.resets"), render: (budget) => (budget.resetsAt ? formatTime(budget.resetsAt) : t("budgets.never")) },
    ], standing, { id: "budget-table", empty: t("budgets.none") }),
    form,
  ]));
}
