/**
 * Browser view "Alerts": the thresholds in force, webhooks (add, edit, enable/disable, test,
 * delete; the URL is write-only after saving since webhook URLs carry their own token) and the
 * alert history with "load more".
 */
export const CLIENT_ALERTS = String.raw`
views.alerts = { title: "Alerts", render: renderAlertsView };

var ALERT_FORMAT_OPTIONS = [["generic", "Generic JSON"], ["slack", "Slack"], ["feishu", "Feishu / Lark"], ["dingtalk", "DingTalk"], ["wecom", "WeCom"]];
var HISTORY_PAGE_SIZE = 50;

function webhookFormFields(webhook) {
  var editing = Boolean(webhook);
  webhook = webhook || {};
  return [
    { name: "name", label: "Name", required: true, value: webhook.name },
    { name: "url", label: "Webhook URL", type: "url", required: !editing,
      placeholder: editing ? "unchanged — type a new URL to replace it" : "https://…" },
    { name: "format", label: "Format", type: "select", value: webhook.format || "generic", options: ALERT_FORMAT_OPTIONS },
    { name: "isActive", label: "Active", type: "checkbox", value: editing ? webhook.isActive : true },
  ];
}

async function renderAlertsView(root) {
  var configBox = h("p", { className: "muted", id: "alert-config" });
  var hookBox = h("section", { id: "webhooks" });
  var formBox = h("div");
  var historyBody = h("tbody");
  var historySummary = h("p", { className: "muted" });
  var more = h("button", { type: "button", id: "history-more", className: "secondary", hidden: true, onclick: function () { loadHistory(); } }, "Load more");
  function showForm(form) { append(clear(formBox), form); form.querySelector("input").focus(); }
  function hideForm() { clear(formBox); }
  append(root, [
    h("h1", null, "Alerts"),
    configBox,
    h("h2", null, "Webhooks"),
    hookBox,
    h("div", { className: "actions" }, h("button", { type: "button", id: "add-webhook", className: "secondary", onclick: function () {
      showForm(buildForm({ id: "webhook-form", title: "Add webhook", fields: webhookFormFields(null), submitLabel: "Add webhook", onCancel: hideForm, onSubmit: async function (values) {
        await api("POST", "admin/alerts/webhooks", values);
        hideForm();
        notice("Webhook " + values.name + " added.", "ok");
        await refreshHooks();
      } }));
    } }, "Add webhook")),
    formBox,
    h("h2", null, "History"),
    historySummary,
    h("div", { className: "table-wrap" }, h("table", { id: "alert-history" }, [
      h("thead", null, h("tr", null, ["Time", "Kind", "State", "Title", "Message", "Delivered"].map(function (label) { return h("th", { scope: "col" }, label); }))),
      historyBody,
    ])),
    h("div", { className: "actions" }, more),
  ]);

  async function refreshHooks() {
    var hooks = listOf(await api("GET", "admin/alerts/webhooks"));
    append(clear(hookBox), table([
      { label: "Name", key: "name", render: function (w) { return w.name; } },
      { label: "Format", key: "format", render: function (w) { return w.format; } },
      { label: "URL", render: function (w) { return h("code", null, w.urlHint); } },
      { label: "Active", render: function (w) { return w.isActive ? badge("active", "ok") : badge("disabled", "muted"); } },
      { label: "Updated", render: function (w) { return formatTime(w.updatedAt || w.createdAt); } },
      { label: "", render: function (w) {
        return [
          h("button", { type: "button", className: "small secondary", onclick: function () {
            showForm(buildForm({ id: "webhook-form", title: "Edit webhook " + w.name, fields: webhookFormFields(w), onCancel: hideForm, onSubmit: async function (values) {
              var body = { name: values.name, format: values.format, isActive: values.isActive };
              if (values.url) body.url = values.url;
              await api("PUT", "admin/alerts/webhooks/" + w.id, body);
              hideForm();
              notice("Webhook " + values.name + " saved.", "ok");
              await refreshHooks();
            } }));
          } }, "Edit"),
          actionButton(w.isActive ? "Disable" : "Enable", async function () {
            // The format goes along so a server that fills defaults on partial updates keeps it.
            await api("PUT", "admin/alerts/webhooks/" + w.id, { isActive: !w.isActive, format: w.format });
            await refreshHooks();
          }, "small secondary"),
          actionButton("Send test", async function () {
            var result = await api("POST", "admin/alerts/webhooks/" + w.id + "/test");
            notice(result.delivered ? "Test alert delivered to " + w.name + "." : "Test alert to " + w.name + " failed: " + (result.error || "unknown error"), result.delivered ? "ok" : "error");
            await reloadHistory();
          }, "small secondary"),
          confirmButton("Delete", "Confirm delete", async function () {
            await api("DELETE", "admin/alerts/webhooks/" + w.id);
            notice("Webhook " + w.name + " deleted.", "ok");
            await refreshHooks();
          }),
        ];
      } },
    ], hooks, { id: "webhook-table", empty: "No webhooks. Alerts go to ALERT_WEBHOOK_URL if it is set.", rowAttrs: function (w) { return { "data-webhook-id": w.id }; } }));
  }

  var cursor = null;
  var shown = 0;
  async function loadHistory() {
    more.disabled = true;
    try {
      var data = await api("GET", "admin/alerts/history" + query({ limit: HISTORY_PAGE_SIZE, cursor: cursor }));
      var items = data.items;
      items.forEach(function (alert) {
        append(historyBody, h("tr", { "data-alert-id": alert.id }, [
          h("td", null, formatTime(alert.createdAt)),
          h("td", null, String(alert.kind || "").replace(/_/g, " ")),
          h("td", null, statusBadge(alert.state)),
          h("td", null, alert.title),
          h("td", { className: "wrap" }, alert.message),
          h("td", null, alert.delivered ? badge("yes", "ok") : [badge("no", "bad"), alert.deliveryError ? " " + alert.deliveryError : ""]),
        ]));
      });
      shown += items.length;
      cursor = data.nextCursor || null;
      more.hidden = !cursor;
      clear(historySummary);
      append(historySummary, shown ? shown + " alert" + (shown === 1 ? "" : "s") + " shown" : "No alerts have been sent.");
    } finally {
      more.disabled = false;
    }
  }

  async function reloadHistory() {
    cursor = null;
    shown = 0;
    clear(historyBody);
    await loadHistory();
  }

  async function showConfig() {
    var config = await api("GET", "admin/alerts/config");
    var target = config.environmentWebhook ? "ALERT_WEBHOOK_URL (" + config.environmentWebhook.format + ", " + config.environmentWebhook.urlHint + ")" : "no ALERT_WEBHOOK_URL";
    append(clear(configBox), "An alert fires when the success rate over 5 minutes drops below " + formatPercent(config.successRateThreshold) +
      " with at least " + formatNumber(config.minRequests) + " requests, and when an active key leaves the normal status. Also sent to: " + target + ".");
  }

  await Promise.all([showConfig(), refreshHooks(), loadHistory()]);
}
`;
