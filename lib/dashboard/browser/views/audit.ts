/**
 * View "Audit": who changed what and when, newest first, filtered by time, admin, action and
 * target type (kept in the URL), with "load more" and a CSV export of the same filter. Entries
 * never hold secrets: a changed secret reads "(changed)".
 */
import { api, listOf, query } from "../api";
import { append, clear, h, replace } from "../dom";
import { formatNumber, formatTime, t } from "../i18n";
import { onLeave, registerView, setRouteParams } from "../shell";
import { field, isMissingApi, readForm, reportError, saveCsv, unavailable } from "../ui";

interface AuditEntry {
  id: number;
  createdAt: string;
  adminUserId: number | null;
  adminUsername: string | null;
  action: string;
  targetType: string | null;
  targetId: string | number | null;
  summary: unknown;
  ip: string | null;
  requestId: string | null;
}

const FILTERS = ["action", "targetType", "adminUserId"] as const;
const PAGE_SIZE = 50;

function summaryText(summary: unknown): string {
  if (summary === null || summary === undefined || summary === "") return "—";
  let value = summary;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return value as string;
    }
  }
  if (typeof value !== "object" || value === null) return String(value);
  return Object.entries(value as Record<string, unknown>).map(([name, item]) => `${name}: ${typeof item === "object" ? JSON.stringify(item) : String(item)}`).join(", ");
}

async function renderAuditView(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const filters: HTMLFormElement = h("form", { id: "audit-filters", className: "panel toolbar filters", onsubmit: (event) => { event.preventDefault(); void reload(true); } }, [
    field(t("audit.action"), h("input", { name: "action", placeholder: "client.update", value: params.get("action") })),
    field(t("audit.targetType"), h("input", { name: "targetType", placeholder: "client", value: params.get("targetType") })),
    field(t("audit.adminId"), h("input", { name: "adminUserId", type: "number", min: 1, value: params.get("adminUserId") })),
    h("div", { className: "filter-actions" }, [
      h("button", { type: "submit" }, t("logs.apply")),
      h("button", { type: "button", className: "secondary", id: "audit-export", onclick: () => void saveCsv(`admin/audit/export.csv${query(currentFilters())}`) }, t("logs.export")),
    ]),
  ]);
  const body = h("tbody");
  const summary = h("p", { className: "muted", id: "audit-summary" });
  const more = h("button", { type: "button", id: "audit-more", className: "secondary", hidden: true, onclick: () => void loadPage().catch(reportError) }, t("common.loadMore"));
  const tableBox = h("div", { className: "table-wrap" }, h("table", { id: "audit-table" }, [
    h("thead", null, h("tr", null, [
      h("th", { scope: "col", className: "sticky-start" }, t("logs.time")),
      h("th", { scope: "col" }, t("audit.admin")),
      h("th", { scope: "col" }, t("audit.action")),
      h("th", { scope: "col" }, t("audit.target")),
      h("th", { scope: "col" }, t("audit.summary")),
      h("th", { scope: "col" }, t("audit.ip")),
      h("th", { scope: "col" }, t("logs.request")),
    ])),
    body,
  ]));
  const content = h("div", null, [summary, tableBox, h("div", { className: "actions" }, more)]);
  append(root, [h("h1", null, t("audit.title")), h("p", { className: "muted" }, t("audit.intro")), filters, content]);

  let cursor: string | number | null = null;
  let shown = 0;
  let generation = 0;
  onLeave(() => { generation += 1; });

  const currentFilters = () => {
    const values = readForm(filters);
    return Object.fromEntries(FILTERS.map((name) => [name, values[name] === null || values[name] === undefined ? "" : String(values[name])]));
  };

  async function loadPage(): Promise<void> {
    const mine = generation;
    const data = await api<{ items: AuditEntry[]; nextCursor?: string | number | null }>("GET", `admin/audit${query({ ...currentFilters(), limit: PAGE_SIZE, cursor })}`);
    if (mine !== generation) return;
    const items = listOf<AuditEntry>(data);
    for (const entry of items) {
      body.appendChild(h("tr", { "data-audit-id": entry.id, "data-action": entry.action }, [
        h("td", { className: "sticky-start" }, formatTime(entry.createdAt)),
        h("td", { "data-col": "admin" }, entry.adminUsername ?? (entry.adminUserId ? `#${entry.adminUserId}` : "—")),
        h("td", { "data-col": "action" }, h("code", null, entry.action)),
        h("td", { "data-col": "target" }, [entry.targetType ?? "—", entry.targetId !== null && entry.targetId !== undefined ? ` #${entry.targetId}` : ""]),
        h("td", { "data-col": "summary", className: "wrap" }, summaryText(entry.summary)),
        h("td", null, entry.ip ?? "—"),
        h("td", null, entry.requestId ? h("code", { title: entry.requestId }, entry.requestId.slice(0, 8)) : "—"),
      ]));
    }
    shown += items.length;
    cursor = data?.nextCursor ?? null;
    more.hidden = !cursor;
    replace(summary, shown ? t(shown === 1 ? "audit.shownOne" : "audit.shown", { count: formatNumber(shown) }) : t("audit.none"));
  }

  async function reload(remember: boolean): Promise<void> {
    if (remember) setRouteParams("audit", new URLSearchParams(Object.entries(currentFilters()).filter(([, value]) => value)));
    generation += 1;
    cursor = null;
    shown = 0;
    clear(body);
    try {
      await loadPage();
    } catch (error) {
      if (isMissingApi(error)) replace(content, unavailable(t("audit.api")));
      else reportError(error);
    }
  }



  await reload(false);
}

registerView("audit", { title: "nav.audit", render: renderAuditView });
