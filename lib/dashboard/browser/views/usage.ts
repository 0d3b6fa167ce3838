/**
 * View "Usage": over 24 h, 7 d or 30 d, totals (requests, success rate over served and failed,
 * rejections before routing apart, tokens, cost, latency and time to first token), a table per
 * provider, model, key or client, charts of the same grouping over time, and the top errors
 * with their client and key.
 */
import type { Chart, ChartDataset, ChartType } from "chart.js";
import { api, listOf, query } from "../api";
import { append, h, replace } from "../dom";
import { formatBucket, formatCost, formatMs, formatNumber, formatPercent, formatTime, t } from "../i18n";
import type { MessageKey } from "../messages-en";
import { loadClients, loadKeys, loadProviders, providerName, type Client, type Provider, type ProviderKey } from "../lookups";
import { currentRoute, onLeave, registerView, setRouteParams } from "../shell";
import { actionButton, card, isMissingApi, notice, statusBadge, table, unavailable } from "../ui";

declare global {
  interface Window {
    Chart?: typeof Chart;
  }
}

const HOUR = 3600 * 1000;
const RANGES = {
  "24h": { label: "usage.range24h", interval: "hour", buckets: 24 },
  "7d": { label: "usage.range7d", interval: "hour", buckets: 168 },
  "30d": { label: "usage.range30d", interval: "day", buckets: 30 },
} as const satisfies Record<string, { label: MessageKey; interval: "hour" | "day"; buckets: number }>;
type RangeName = keyof typeof RANGES;
const GROUPS = { provider: "usage.byProvider", model: "usage.byModel", key: "usage.byKey", client: "usage.byClient" } as const satisfies Record<string, MessageKey>;
type GroupName = keyof typeof GROUPS;
const PALETTE = ["#2f6fed", "#e8833a", "#26a269", "#9b59b6", "#d64541", "#16a5a5", "#c9a227", "#5b8def"];
const NO_GROUP_COLOR = "#98a2b3";

/** A row of `/ai-stats/usage` (and its totals, without group and label). */
interface UsageRow {
  group?: string | number | null;
  label?: string | null;
  requests: number;
  served?: number;
  failed?: number;
  rejected?: number;
  budgetRefused?: number;
  successRate: number | null;
  promptTokens?: number;
  completionTokens?: number;
  totalTokens: number;
  cost: number;
  p50LatencyMs?: number | null;
  p95LatencyMs?: number | null;
  p50TtftMs?: number | null;
  p95TtftMs?: number | null;
  // `/ai-stats` (older servers): failures and the mean only.
  errorCount?: number;
  avgLatencyMs?: number | null;
}

interface TopError {
  errorCode: string | null;
  outcome?: string | null;
  providerId: number | null;
  clientId?: number | null;
  clientName?: string | null;
  keyId?: number | null;
  keyName?: string | null;
  count: number;
  lastSeenAt: string;
  sampleMessage: string | null;
}

interface Point {
  bucketStart: string;
  group: string | number | null;
  label?: string | null;
  requests: number;
  successCount?: number;
  /** Failed after routing began (rejections are counted apart). */
  errorCount?: number;
  totalTokens: number;
  cost: number;
}

// Bucket starts covering the range, aligned like the server's: UTC hours (so hourly rollups stay
// exact in half-hour time zones) or local days (the server is told the offset).
function usageBuckets(range: (typeof RANGES)[RangeName], now: number): number[] {
  const starts: number[] = [];
  if (range.interval === "hour") {
    const hour = now - (now % HOUR);
    for (let index = range.buckets - 1; index >= 0; index--) starts.push(hour - index * HOUR);
  } else {
    const end = new Date(now);
    end.setHours(0, 0, 0, 0);
    for (let index = range.buckets - 1; index >= 0; index--) {
      const day = new Date(end.getTime());
      day.setDate(day.getDate() - index);
      starts.push(day.getTime());
    }
  }
  return starts;
}

function chartBox(id: string, title: string): { canvas: HTMLCanvasElement; element: HTMLElement } {
  const canvas = h("canvas", { id, role: "img", "aria-label": title });
  return { canvas, element: h("div", { className: "chart" }, [h("h3", null, title), h("div", { className: "canvas-box" }, canvas)]) };
}

/** Success rate as the contract defines it: served / (served + failed); older servers give it directly. */
function successRateOf(row: UsageRow): number | null {
  if (row.successRate !== undefined) return row.successRate;
  const decided = (row.served ?? 0) + (row.failed ?? 0);
  return decided ? (row.served ?? 0) / decided : null;
}

/** A group without id: the server's label for it is not in the user's language, ours is. */
function isNoGroup(group: string | number | null | undefined): boolean {
  return group === null || group === undefined || group === 0;
}

/** Two times as "p50 / p95 ms", short enough for a card. */
function formatPair(p50: number | null | undefined, p95: number | null | undefined): string {
  if ((p50 === null || p50 === undefined) && (p95 === null || p95 === undefined)) return "—";
  return `${formatNumber(p50 === null || p50 === undefined ? null : Math.round(p50))} / ${formatMs(p95)}`;
}

/** What a group without id is: refused before a provider (and key) was chosen, or no client key. */
function noGroupLabel(group: GroupName): string {
  return t(group === "provider" || group === "key" ? "usage.notRouted" : "usage.noGroup");
}

async function renderUsageView(root: HTMLElement, params: URLSearchParams): Promise<void> {
  let rangeName: RangeName = (params.get("range") ?? "") in RANGES ? (params.get("range") as RangeName) : "24h";
  let groupName: GroupName = (params.get("groupBy") ?? "") in GROUPS ? (params.get("groupBy") as GroupName) : "provider";
  const charts: Chart[] = [];
  onLeave(() => charts.splice(0).forEach((chart) => chart.destroy()));

  const segmented = <N extends string>(names: N[], labelOf: (name: N) => string, attribute: string, isActive: (name: N) => boolean, choose: (name: N) => void, label: string) => {
    const buttons = names.map((name) =>
      h("button", { type: "button", [attribute]: name, className: isActive(name) ? "active" : "", "aria-pressed": String(isActive(name)), onclick: () => {
        choose(name);
        for (const button of buttons) {
          const on = button.getAttribute(attribute) === name;
          button.className = on ? "active" : "";
          button.setAttribute("aria-pressed", String(on));
        }
        void load();
      } }, labelOf(name)),
    );
    return h("div", { className: "segmented", role: "group", "aria-label": label }, buttons);
  };
  const remember = () => setRouteParams(currentRoute().name, new URLSearchParams({ range: rangeName, groupBy: groupName }));

  const cards = h("div", { className: "cards", id: "usage-totals" });
  const groupBox = h("section", { id: "usage-groups" });
  const chartArea = h("div", { className: "charts" });
  const errorsBox = h("section", { id: "top-errors" });
  const status = h("p", { className: "muted", id: "usage-status" });
  append(root, [
    h("h1", null, t("usage.title")),
    h("div", { className: "toolbar" }, [
      segmented(Object.keys(RANGES) as RangeName[], (name) => t(RANGES[name].label), "data-range", (name) => name === rangeName, (name) => { rangeName = name; remember(); }, t("usage.range")),
      segmented(Object.keys(GROUPS) as GroupName[], (name) => t(GROUPS[name]), "data-group", (name) => name === groupName, (name) => { groupName = name; remember(); }, t("usage.groupBy")),
      actionButton(t("common.refresh"), () => load(), "secondary"),
      actionButton(t("usage.rollUp"), async () => {
        const result = await api<{ status?: string }>("POST", "admin/jobs/rollup/run");
        notice(t("usage.rolledUp", { status: t(result?.status === "failed" ? "status.failed" : result?.status === "skipped" ? "status.skipped" : "status.ok") }), result?.status === "failed" ? "error" : "ok");
        await load();
      }, "secondary"),
      status,
    ]),
    cards,
    groupBox,
    window.Chart ? chartArea : h("p", { className: "error" }, t("usage.noCharts")),
    h("h2", null, t("usage.topErrors")),
    errorsBox,
  ]);

  async function load(): Promise<void> {
    const range = RANGES[rangeName];
    const now = Date.now();
    const buckets = usageBuckets(range, now);
    const from = new Date(buckets[0]).toISOString();
    const to = new Date(now + 1000).toISOString();
    replace(status, t("common.loading"));
    const [usage, legacyTotals, series, errors, providers, keys, clients] = await Promise.all([
      api<{ items: UsageRow[]; totals: UsageRow }>("GET", `admin/ai-stats/usage${query({ from, to, groupBy: groupName })}`).catch((error: unknown) => {
        if (isMissingApi(error)) return null;
        throw error;
      }),
      api<UsageRow>("GET", `admin/ai-stats${query({ from, to })}`),
      api<{ points: Point[] }>("GET", `admin/ai-stats/timeseries${query({ from, to, interval: range.interval, groupBy: groupName, tzOffsetMinutes: range.interval === "day" ? -new Date(now).getTimezoneOffset() : 0 })}`).catch(() => null),
      api("GET", `admin/ai-stats/top-errors${query({ from, to, limit: 10 })}`).then(listOf<TopError>).catch(() => [] as TopError[]),
      loadProviders(),
      loadProviders().then(loadKeys).catch(() => [] as ProviderKey[]),
      loadClients().catch(() => [] as Client[]),
    ]);
    renderTotals(usage?.totals ?? legacyTotals, legacyTotals);
    renderGroups(usage);
    renderCharts(range.interval === "hour", buckets, series?.points ?? null, { providers, keys, clients });
    renderErrors(errors, providers, keys, clients);
    replace(status, t("usage.updated", { time: formatTime(now) }));
  }

  function renderTotals(totals: UsageRow, legacy: UsageRow): void {
    const failed = totals.failed ?? legacy.errorCount ?? 0;
    replace(cards, [
      card("total-requests", t("usage.requests"), formatNumber(totals.requests ?? 0)),
      card("total-success", t("usage.successRate"), formatPercent(successRateOf(totals)), t("usage.successRateHint")),
      card("total-errors", t("usage.failed"), formatNumber(failed)),
      card("total-rejected", t("usage.rejected"), totals.rejected === undefined ? "—" : formatNumber(totals.rejected), t("usage.rejectedHint")),
      totals.budgetRefused ? card("total-budget", t("usage.budgetRefused"), formatNumber(totals.budgetRefused)) : null,
      card("total-tokens", t("usage.tokens"), formatNumber(totals.totalTokens ?? 0)),
      card("total-cost", t("usage.cost"), formatCost(totals.cost ?? 0)),
      card("total-latency", t("usage.latency"), totals.p50LatencyMs !== undefined ? formatPair(totals.p50LatencyMs, totals.p95LatencyMs) : formatMs(legacy.avgLatencyMs), totals.p50LatencyMs !== undefined ? t("usage.p50p95") : t("usage.average")),
      card("total-ttft", t("usage.ttft"), formatPair(totals.p50TtftMs, totals.p95TtftMs), t("usage.p50p95")),
    ]);
  }

  function renderGroups(usage: { items: UsageRow[] } | null): void {
    if (!usage) {
      replace(groupBox, unavailable(t("usage.groupsApi")));
      return;
    }
    replace(groupBox, [
      h("h2", null, t(GROUPS[groupName])),
      table<UsageRow>([
        { label: t(`usage.group.${groupName}`), key: "group", sticky: "start", render: (row) => (isNoGroup(row.group) ? noGroupLabel(groupName) : row.label ?? String(row.group)) },
        { label: t("usage.requests"), key: "requests", className: "num", render: (row) => formatNumber(row.requests) },
        { label: t("usage.successRate"), key: "successRate", className: "num", render: (row) => formatPercent(successRateOf(row)) },
        { label: t("usage.failed"), key: "failed", className: "num", render: (row) => formatNumber(row.failed ?? 0) },
        { label: t("usage.rejected"), key: "rejected", className: "num", render: (row) => formatNumber(row.rejected ?? 0) },
        { label: t("usage.budgetRefused"), key: "budgetRefused", className: "num", render: (row) => formatNumber(row.budgetRefused ?? 0) },
        { label: t("usage.tokens"), key: "tokens", className: "num", render: (row) => formatNumber(row.totalTokens) },
        { label: t("usage.cost"), key: "cost", className: "num", render: (row) => formatCost(row.cost) },
        { label: t("usage.p50Latency"), key: "p50", className: "num", render: (row) => formatMs(row.p50LatencyMs) },
        { label: t("usage.p95Latency"), key: "p95", className: "num", render: (row) => formatMs(row.p95LatencyMs) },
        { label: t("usage.p50Ttft"), key: "p50Ttft", className: "num", render: (row) => formatMs(row.p50TtftMs) },
        { label: t("usage.p95Ttft"), key: "p95Ttft", className: "num", render: (row) => formatMs(row.p95TtftMs) },
      ], usage.items, { id: "usage-table", empty: t("usage.noTraffic"), rowAttrs: (row) => ({ "data-group": String(row.group ?? "") }) }),
    ]);
  }

  function renderCharts(hourly: boolean, buckets: number[], points: Point[] | null, names: { providers: Provider[]; keys: ProviderKey[]; clients: Client[] }): void {
    const Library = window.Chart;
    if (!Library) return;
    charts.splice(0).forEach((chart) => chart.destroy());
    const groupLabel = t(`usage.groupNoun.${groupName}`);
    const boxes = {
      requests: chartBox("chart-requests", t("usage.chartRequests", { group: groupLabel })),
      success: chartBox("chart-success", t("usage.chartSuccess", { group: groupLabel })),
      tokens: chartBox("chart-tokens", t("usage.chartTokens", { group: groupLabel })),
      cost: chartBox("chart-cost", t("usage.chartCost", { group: groupLabel })),
    };
    if (!points) {
      replace(chartArea, unavailable(t("usage.seriesApi", { group: groupLabel })));
      return;
    }
    replace(chartArea, [boxes.requests.element, boxes.success.element, boxes.tokens.element, boxes.cost.element]);
    const index = new Map(buckets.map((start, position) => [start, position]));
    const series = new Map<string, { name: string; noGroup: boolean; requests: number[]; served: number[]; decided: number[]; tokens: number[]; cost: number[] }>();
    const nameOf = (point: Point): string => {
      if (isNoGroup(point.group)) return noGroupLabel(groupName);
      if (point.label) return point.label;
      if (groupName === "provider") return providerName(names.providers, point.group);
      if (groupName === "key") return names.keys.find((key) => key.id === Number(point.group))?.keyName ?? `#${point.group}`;
      if (groupName === "client") return names.clients.find((client) => client.id === Number(point.group))?.name ?? `#${point.group}`;
      return String(point.group);
    };
    for (const point of points) {
      if (point.group === undefined) continue;
      const time = new Date(point.bucketStart).getTime();
      let position = index.get(time);
      if (position === undefined) {
        // A bucket the server aligned differently: put it in the bucket that contains it.
        for (let candidate = buckets.length - 1; candidate >= 0; candidate--) if (buckets[candidate] <= time) { position = candidate; break; }
        if (position === undefined) continue;
      }
      const key = String(point.group);
      let entry = series.get(key);
      if (!entry) {
        const zeros = () => buckets.map(() => 0);
        entry = { name: nameOf(point), noGroup: isNoGroup(point.group), requests: zeros(), served: zeros(), decided: zeros(), tokens: zeros(), cost: zeros() };
        series.set(key, entry);
      }
      // The success rate counts what routing decided: served and failed, not rejections.
      const served = Number(point.successCount ?? 0);
      entry.requests[position] += Number(point.requests || 0);
      entry.served[position] += served;
      entry.decided[position] += point.errorCount !== undefined ? served + Number(point.errorCount) : Number(point.requests || 0);
      entry.tokens[position] += Number(point.totalTokens || 0);
      entry.cost[position] += Number(point.cost || 0);
    }
    const labels = buckets.map((start) => formatBucket(start, hourly));
    const groups = [...series.values()];
    // Requests without a group (never routed, no client key) are grey; the groups keep their colours in order.
    let nextColor = 0;
    const colors = new Map(groups.map((entry) => [entry, entry.noGroup ? NO_GROUP_COLOR : PALETTE[nextColor++ % PALETTE.length]]));
    const datasets = (pick: (entry: (typeof groups)[number]) => Array<number | null>, line = false) =>
      groups.map((entry) => {
        const color = colors.get(entry)!;
        return { label: entry.name, data: pick(entry), backgroundColor: color, borderColor: color, borderWidth: line ? 2 : 0, pointRadius: line ? 3 : 0, spanGaps: true } as ChartDataset<ChartType, Array<number | null>>;
      });
    const draw = (canvas: HTMLCanvasElement, type: "bar" | "line", sets: Array<ChartDataset<ChartType, Array<number | null>>>, stacked: boolean, axis: { min?: number; max?: number; precision?: number }) => {
      const styles = getComputedStyle(document.documentElement);
      const text = styles.getPropertyValue("--muted").trim() || "#667085";
      const grid = styles.getPropertyValue("--line").trim() || "#d9dee7";
      return new Library(canvas, {
        type,
        data: { labels, datasets: sets },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          interaction: { mode: "index", intersect: false },
          scales: {
            x: { stacked, ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 8, color: text }, grid: { color: grid } },
            y: { stacked, beginAtZero: true, min: axis.min, max: axis.max, ticks: { precision: axis.precision, color: text }, grid: { color: grid } },
          },
          plugins: { legend: { position: "bottom", labels: { color: text } } },
        },
      });
    };
    charts.push(
      draw(boxes.requests.canvas, "bar", datasets((entry) => entry.requests), true, { precision: 0 }),
      draw(boxes.success.canvas, "line", datasets((entry) => entry.decided.map((count, i) => (count ? Math.round((entry.served[i] / count) * 1000) / 10 : null)), true), false, { min: 0, max: 100 }),
      draw(boxes.tokens.canvas, "bar", datasets((entry) => entry.tokens), true, { precision: 0 }),
      draw(boxes.cost.canvas, "bar", datasets((entry) => entry.cost.map((value) => Math.round(value * 1e8) / 1e8)), true, {}),
    );
  }

  function renderErrors(errors: TopError[], providers: Provider[], keys: ProviderKey[], clients: Client[]): void {
    replace(errorsBox, table<TopError>([
      { label: t("usage.errorCode"), key: "errorCode", sticky: "start", render: (error) => h("code", null, error.errorCode || "unknown") },
      { label: t("logs.outcome"), key: "outcome", render: (error) => (error.outcome ? statusBadge(error.outcome) : "—") },
      { label: t("common.provider"), key: "provider", render: (error) => providerName(providers, error.providerId) },
      { label: t("common.client"), key: "client", render: (error) => error.clientName ?? (error.clientId ? clients.find((client) => client.id === error.clientId)?.name ?? `#${error.clientId}` : "—") },
      { label: t("common.key"), key: "key", render: (error) => error.keyName ?? (error.keyId ? keys.find((key) => key.id === error.keyId)?.keyName ?? `#${error.keyId}` : "—") },
      { label: t("usage.count"), key: "count", className: "num", render: (error) => formatNumber(error.count) },
      { label: t("usage.lastSeen"), render: (error) => formatTime(error.lastSeenAt) },
      { label: t("usage.example"), className: "wrap", render: (error) => error.sampleMessage || "—" },
    ], errors, { id: "top-errors-table", empty: t("usage.noErrors") }));
  }

  await load();
}

registerView("usage", { title: "nav.usage", render: renderUsageView });
