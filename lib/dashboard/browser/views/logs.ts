/**
 * View "Logs": one row per client request, newest first, filtered by time, provider, key, model,
 * client, status, outcome, error code and "failovers only". The filters live in the URL, so a
 * view can be shared or reloaded; "Export CSV" downloads exactly the filtered rows. A row opens
 * to show its error message and failed attempts.
 */
import { api, errorText, listOf, query } from "../api";
import { append, clear, h, replace } from "../dom";
import { formatCost, formatMs, formatNumber, formatTime, t } from "../i18n";
import { loadClients, loadKeys, loadModels, loadProviders, providerName, type Client, type Model, type ProviderKey } from "../lookups";
import { onLeave, registerView, setRouteParams } from "../shell";
import { field, readForm, reportError, saveCsv, statusBadge } from "../ui";

const PAGE_SIZE = 50;
const FILTERS = ["from", "to", "providerId", "keyId", "model", "clientId", "status", "outcome", "errorCode", "failoversOnly"] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

interface LogRow {
  id: number;
  requestId: string;
  createdAt: string;
  clientName: string | null;
  providerId: number | null;
  keyId: number | null;
  model: string;
  status: string;
  outcome?: string | null;
  httpStatus: number;
  errorCode: string | null;
  errorMessage?: string | null;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  tokensEstimated?: boolean;
  cost: number;
  latencyMs: number;
  ttftMs: number | null;
  attempts: number;
  isStream: boolean;
  attemptErrors?: Array<{ keyId: number; code?: string; status?: number; latencyMs?: number }>;
}

const pad = (value: number) => String(value).padStart(2, "0");

function localInputValue(time: number): string {
  const date = new Date(time);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function isoFromLocalInput(value: string): string {
  if (!value) return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? "" : date.toISOString();
}

async function renderLogsView(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const providers = await loadProviders();
  const [keys, clients, models] = await Promise.all([
    loadKeys(providers),
    loadClients().catch(() => [] as Client[]),
    loadModels().catch(() => [] as Model[]),
  ]);
  const keyName = (id: number | null) => {
    const key = keys.find((candidate) => candidate.id === id);
    return key ? key.keyName : id === null || id === undefined ? "—" : `#${id}`;
  };
  const option = (value: string | number, label: string) => h("option", { value: String(value) }, label);
  const any = () => option("", t("common.any"));
  const initial: Filters = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? ""]));
  // Without a "from" in the URL the last 24 hours are shown.
  const defaultFrom = localInputValue(Date.now() - 24 * 3600 * 1000);
  const select = (name: keyof Filters, options: HTMLOptionElement[]) => {
    const element = h("select", { name }, options);
    element.value = initial[name] ?? "";
    return element;
  };

  const filters: HTMLFormElement = h("form", { id: "log-filters", className: "panel toolbar filters", onsubmit: (event) => { event.preventDefault(); void reload(true); } }, [
    field(t("logs.from"), h("input", { type: "datetime-local", name: "from", value: initial.from ? localInputValue(Date.parse(initial.from)) : defaultFrom })),
    field(t("logs.to"), h("input", { type: "datetime-local", name: "to", value: initial.to ? localInputValue(Date.parse(initial.to)) : null })),
    field(t("common.provider"), select("providerId", [any(), ...providers.map((provider) => option(provider.id, provider.name))])),
    field(t("common.key"), select("keyId", [any(), ...keys.map((key: ProviderKey) => option(key.id, `${providerName(providers, key.providerId)} / ${key.keyName}`))])),
    field(t("common.model"), h("input", { name: "model", list: "log-model-list", placeholder: t("common.any"), value: initial.model || null })),
    h("datalist", { id: "log-model-list" }, [...new Set(models.map((model) => model.modelCode))].map((code) => h("option", { value: code }))),
    field(t("common.client"), select("clientId", [any(), ...clients.map((client) => option(client.id, client.name))])),
    field(t("logs.status"), select("status", [any(), option("success", t("status.success")), option("error", t("status.error")), option("partial", t("status.partial"))])),
    field(t("logs.outcome"), select("outcome", [any(), option("served", t("status.served")), option("failed", t("status.failed")), option("rejected", t("status.rejected")), option("budget", t("status.budget"))])),
    field(t("logs.errorCode"), h("input", { name: "errorCode", placeholder: t("common.any"), value: initial.errorCode || null })),
    field(t("logs.failoversOnly"), h("input", { type: "checkbox", name: "failoversOnly", checked: initial.failoversOnly === "true" })),
    h("div", { className: "filter-actions" }, [
      h("button", { type: "submit" }, t("logs.apply")),
      h("button", { type: "button", className: "secondary", id: "log-reset", onclick: () => {
        for (const element of Array.from(filters.elements)) {
          if (element instanceof HTMLInputElement && element.type === "checkbox") element.checked = false;
          else if (element instanceof HTMLInputElement || element instanceof HTMLSelectElement) element.value = "";
        }
        (filters.elements.namedItem("from") as HTMLInputElement).value = defaultFrom;
        void reload(true);
      } }, t("logs.reset")),
      h("button", { type: "button", className: "secondary", id: "log-export", onclick: () => void saveCsv(`admin/ai-logs/export.csv${query(currentFilters())}`) }, t("logs.export")),
    ]),
  ]);
  const summary = h("p", { className: "muted", id: "log-summary" });
  const body = h("tbody");
  const more = h("button", { type: "button", id: "load-more", className: "secondary", hidden: true, onclick: () => void loadPage().catch(reportError) }, t("common.loadMore"));
  // Name-like columns first and Attempts / TTFT early, so they are in view at 1440 px; the
  // request id (sticky) names the row while scrolling sideways.
  const columns: Array<[string, string]> = [
    ["time", t("logs.time")],
    ["client", t("common.client")],
    ["model", t("common.model")],
    ["status", t("logs.status")],
    ["http", t("logs.http")],
    ["attempts", t("logs.attempts")],
    ["ttft", t("logs.ttft")],
    ["latency", t("logs.latency")],
    ["tokens", t("logs.tokens")],
    ["cost", t("usage.cost")],
    ["provider", t("common.provider")],
    ["key", t("common.key")],
    ["errorCode", t("logs.errorCode")],
    ["stream", t("logs.stream")],
    ["request", t("logs.request")],
  ];
  append(root, [
    h("h1", null, t("logs.title")),
    filters,
    summary,
    h("div", { className: "table-wrap" }, h("table", { id: "log-table", className: "compact" }, [
      h("thead", null, h("tr", null, columns.map(([key, label]) => h("th", { scope: "col", "data-col": key, className: key === "time" ? "sticky-start" : ["http", "attempts", "ttft", "latency", "tokens", "cost"].includes(key) ? "num" : null }, label)))),
      body,
    ])),
    h("div", { className: "actions" }, more),
  ]);

  let cursor: number | null = null;
  let shown = 0;
  let generation = 0;
  onLeave(() => { generation += 1; });

  function currentFilters(): Filters {
    const values = readForm(filters);
    return {
      from: isoFromLocalInput(String(values.from ?? "")),
      to: isoFromLocalInput(String(values.to ?? "")),
      providerId: String(values.providerId ?? ""),
      keyId: String(values.keyId ?? ""),
      model: String(values.model ?? ""),
      clientId: String(values.clientId ?? ""),
      status: String(values.status ?? ""),
      outcome: String(values.outcome ?? ""),
      errorCode: String(values.errorCode ?? ""),
      failoversOnly: values.failoversOnly ? "true" : "",
    };
  }

  function logRow(log: LogRow): HTMLTableRowElement {
    let details: HTMLTableRowElement | null = null;
    const cell = (key: string, content: Parameters<typeof append>[1], className?: string) => h("td", { "data-col": key, className }, content);
    const row = h("tr", { className: "log-row", "data-log-id": log.id, "data-status": log.status, title: t("logs.showDetails"), onclick: async () => {
      if (details) { details.remove(); details = null; return; }
      const target = h("td", { colspan: columns.length }, t("common.loading"));
      details = h("tr", { className: "details" }, target);
      row.after(details);
      try {
        replace(target, logDetails(await api<LogRow>("GET", `admin/ai-logs/${log.id}`)));
      } catch (error) {
        replace(target, h("span", { className: "error" }, errorText(error)));
      }
    } }, [
      cell("time", formatTime(log.createdAt), "sticky-start"),
      cell("client", log.clientName || "—"),
      cell("model", log.model),
      cell("status", statusBadge(log.status)),
      cell("http", log.httpStatus, "num"),
      cell("attempts", log.attempts > 1 ? h("strong", { className: "failover" }, log.attempts) : log.attempts, "num"),
      cell("ttft", formatMs(log.ttftMs), "num"),
      cell("latency", formatMs(log.latencyMs), "num"),
      cell("tokens", `${formatNumber(log.promptTokens)} / ${formatNumber(log.completionTokens)}${log.tokensEstimated ? " ≈" : ""}`, "num"),
      cell("cost", formatCost(log.cost), "num"),
      cell("provider", providerName(providers, log.providerId)),
      cell("key", keyName(log.keyId)),
      cell("errorCode", log.errorCode || "—"),
      cell("stream", log.isStream ? t("common.yes") : t("common.no")),
      cell("request", h("code", { title: log.requestId }, String(log.requestId || "").slice(0, 8))),
    ]);
    return row;
  }

  function logDetails(log: LogRow): HTMLElement {
    const attempts = log.attemptErrors ?? [];
    return h("div", { className: "log-details" }, [
      h("p", null, [t("logs.requestId"), " ", h("code", null, log.requestId)]),
      log.outcome ? h("p", null, [t("logs.outcome"), ": ", statusBadge(log.outcome)]) : null,
      log.errorMessage ? h("p", { className: "error" }, log.errorMessage) : null,
      attempts.length ? h("p", null, t("logs.failedAttempts")) : h("p", { className: "muted" }, t("logs.firstAttempt")),
      attempts.length
        ? h("ul", null, attempts.map((attempt) => h("li", null, t("logs.attemptLine", {
          key: keyName(attempt.keyId),
          code: attempt.code || "error",
          status: attempt.status ? ` (HTTP ${attempt.status})` : "",
          latency: attempt.latencyMs !== undefined ? `, ${formatMs(attempt.latencyMs)}` : "",
        }))))
        : null,
    ]);
  }

  async function loadPage(): Promise<void> {
    const mine = generation;
    more.disabled = true;
    try {
      const data = await api<{ items: LogRow[]; nextCursor: number | null }>("GET", `admin/ai-logs${query({ ...currentFilters(), limit: PAGE_SIZE, cursor })}`);
      if (mine !== generation) return;
      const items = listOf<LogRow>(data);
      for (const log of items) body.appendChild(logRow(log));
      shown += items.length;
      cursor = data.nextCursor ?? null;
      more.hidden = !cursor;
      replace(summary, shown ? t(cursor ? "logs.shownMore" : shown === 1 ? "logs.shownOne" : "logs.shown", { count: formatNumber(shown) }) : t("logs.none"));
    } finally {
      more.disabled = false;
    }
  }

  async function reload(remember: boolean): Promise<void> {
    if (remember) {
      const values = currentFilters();
      setRouteParams("logs", new URLSearchParams(Object.entries(values).filter(([, value]) => value) as Array<[string, string]>));
    }
    generation += 1;
    cursor = null;
    shown = 0;
    clear(body);
    more.hidden = true;
    await loadPage().catch(reportError);
  }



  await reload(false);
}

registerView("logs", { title: "nav.logs", render: renderLogsView });
