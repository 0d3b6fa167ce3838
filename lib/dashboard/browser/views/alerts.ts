/**
 * View "Alerts": the thresholds in force, webhooks (add, edit, enable/disable, test, delete; the
 * URL is write-only after saving since webhook URLs carry their own token) and the alert history
 * with "load more".
 */
import { api, listOf, query } from "../api";
import { append, clear, h, replace } from "../dom";
import { formatNumber, formatPercent, formatTime, messageFor, t } from "../i18n";
import { registerView } from "../shell";
import { actionButton, activeBadge, badge, buildForm, confirmButton, notice, reportError, showIn, statusBadge, table, type FieldSpec } from "../ui";

interface Webhook {
  id: number;
  name: string;
  format: string;
  urlHint: string;
  isActive: boolean;
  createdAt: string;
  updatedAt?: string | null;
}

interface AlertEntry {
  id: number;
  createdAt: string;
  kind: string;
  state: string;
  title: string;
  message: string;
  delivered: boolean;
  deliveryError?: string | null;
}

const PAGE_SIZE = 50;
const FORMATS = ["generic", "slack", "feishu", "dingtalk", "wecom"] as const;

function webhookFields(webhook: Webhook | null): FieldSpec[] {
  return [
    { name: "name", label: t("common.name"), required: true, value: webhook?.name },
    { name: "url", label: t("alerts.url"), type: "url", required: !webhook, placeholder: webhook ? t("alerts.urlUnchanged") : "https://…" },
    { name: "format", label: t("alerts.format"), type: "select", value: webhook?.format ?? "generic", options: FORMATS.map((format) => [format, t(`alerts.format.${format}`)]) },
    { name: "isActive", label: t("common.active"), type: "checkbox", value: webhook ? webhook.isActive : true },
  ];
}

async function renderAlertsView(root: HTMLElement): Promise<void> {
  const configBox = h("p", { className: "muted", id: "alert-config" });
  const hookBox = h("section", { id: "webhooks" });
  const formBox = h("div");
  const historyBody = h("tbody");
  const historySummary = h("p", { className: "muted" });
  const more = h("button", { type: "button", id: "history-more", className: "secondary", hidden: true, onclick: () => void loadHistory().catch(reportError) }, t("common.loadMore"));
  const hideForm = () => clear(formBox);
  append(root, [
    h("h1", null, t("alerts.title")),
    configBox,
    h("h2", null, t("alerts.webhooks")),
    hookBox,
    h("div", { className: "actions" }, h("button", { type: "button", id: "add-webhook", className: "secondary", onclick: () => showIn(formBox, buildForm({
      id: "webhook-form",
      title: t("alerts.addTitle"),
      fields: webhookFields(null),
      submitLabel: t("alerts.add"),
      onCancel: hideForm,
      onSubmit: async (values) => {
        await api("POST", "admin/alerts/webhooks", values);
        hideForm();
        notice(t("alerts.added", { name: String(values.name) }), "ok");
        await refreshHooks();
      },
    })) }, t("alerts.add"))),
    formBox,
    h("h2", null, t("alerts.history")),
    historySummary,
    h("div", { className: "table-wrap" }, h("table", { id: "alert-history" }, [
      h("thead", null, h("tr", null, [t("logs.time"), t("alerts.kind"), t("alerts.state"), t("alerts.alertTitle"), t("alerts.message"), t("alerts.delivered")].map((label, index) => h("th", { scope: "col", className: index === 0 ? "sticky-start" : null }, label)))),
      historyBody,
    ])),
    h("div", { className: "actions" }, more),
  ]);

  async function refreshHooks(): Promise<void> {
    const hooks = listOf<Webhook>(await api("GET", "admin/alerts/webhooks"));
    replace(hookBox, table<Webhook>([
      { label: t("common.name"), key: "name", sticky: "start", render: (w) => w.name },
      { label: t("alerts.format"), key: "format", render: (w) => h("span", { "data-format": w.format }, w.format) },
      { label: t("alerts.url"), render: (w) => h("code", null, w.urlHint) },
      { label: t("common.active"), key: "active", render: (w) => activeBadge(w.isActive) },
      { label: t("alerts.updated"), render: (w) => formatTime(w.updatedAt || w.createdAt) },
      { label: t("common.actions"), key: "actions", sticky: "end", render: (w) => [
        h("button", { type: "button", className: "small secondary", onclick: () => showIn(formBox, buildForm({
          id: "webhook-form",
          title: t("alerts.editTitle", { name: w.name }),
          fields: webhookFields(w),
          onCancel: hideForm,
          onSubmit: async (values) => {
            const body: Record<string, unknown> = { name: values.name, format: values.format, isActive: values.isActive };
            if (values.url) body.url = values.url;
            await api("PUT", `admin/alerts/webhooks/${w.id}`, body);
            hideForm();
            notice(t("alerts.saved", { name: String(values.name) }), "ok");
            await refreshHooks();
          },
        })) }, t("common.edit")),
        actionButton(w.isActive ? t("common.disable") : t("common.enable"), async () => {
          // The format goes along so a server that fills defaults on partial updates keeps it.
          await api("PUT", `admin/alerts/webhooks/${w.id}`, { isActive: !w.isActive, format: w.format });
          await refreshHooks();
        }, "small secondary"),
        actionButton(t("alerts.sendTest"), async () => {
          const result = await api<{ delivered: boolean; error?: string }>("POST", `admin/alerts/webhooks/${w.id}/test`);
          notice(result.delivered ? t("alerts.testDelivered", { name: w.name }) : t("alerts.testFailed", { name: w.name, error: result.error ?? "" }), result.delivered ? "ok" : "error");
          await reloadHistory();
        }, "small secondary"),
        confirmButton(t("common.delete"), t("common.confirmDelete"), async () => {
          await api("DELETE", `admin/alerts/webhooks/${w.id}`);
          notice(t("alerts.deleted", { name: w.name }), "ok");
          await refreshHooks();
        }),
      ] },
    ], hooks, { id: "webhook-table", empty: t("alerts.noWebhooks"), rowAttrs: (w) => ({ "data-webhook-id": w.id }) }));
  }

  let cursor: number | null = null;
  let shown = 0;
  async function loadHistory(): Promise<void> {
    more.disabled = true;
    try {
      const data = await api<{ items: AlertEntry[]; nextCursor: number | null }>("GET", `admin/alerts/history${query({ limit: PAGE_SIZE, cursor })}`);
      for (const alert of data.items) {
        append(historyBody, h("tr", { "data-alert-id": alert.id }, [
          h("td", { className: "sticky-start" }, formatTime(alert.createdAt)),
          h("td", null, messageFor("alerts.kind", alert.kind, String(alert.kind || "").replace(/_/g, " "))),
          h("td", null, statusBadge(alert.state)),
          h("td", null, alert.title),
          h("td", { className: "wrap" }, alert.message),
          h("td", null, alert.delivered ? badge(t("common.yes"), "ok") : [badge(t("common.no"), "bad"), alert.deliveryError ? ` ${alert.deliveryError}` : ""]),
        ]));
      }
      shown += data.items.length;
      cursor = data.nextCursor ?? null;
      more.hidden = !cursor;
      replace(historySummary, shown ? t(shown === 1 ? "alerts.shownOne" : "alerts.shown", { count: formatNumber(shown) }) : t("alerts.none"));
    } finally {
      more.disabled = false;
    }
  }

  async function reloadHistory(): Promise<void> {
    cursor = null;
    shown = 0;
    clear(historyBody);
    await loadHistory();
  }

  async function showConfig(): Promise<void> {
    const config = await api<{ successRateThreshold: number; minRequests: number; rejectionAlerts: boolean; environmentWebhook: { format: string; urlHint: string } | null }>(
      "GET",
      "admin/alerts/config",
    );
    const target = config.environmentWebhook ? t("alerts.envWebhook", { format: config.environmentWebhook.format, hint: config.environmentWebhook.urlHint }) : t("alerts.noEnvWebhook");
    const summary = t("alerts.config", { threshold: formatPercent(config.successRateThreshold), min: formatNumber(config.minRequests), target });
    replace(configBox, `${summary} ${t(config.rejectionAlerts ? "alerts.rejectionsOn" : "alerts.rejectionsOff")}`);
  }

  await Promise.all([showConfig(), refreshHooks(), loadHistory()]);
}

registerView("alerts", { title: "nav.alerts", render: renderAlertsView });
