/**
 * Browser view "Logs": one row per client request, newest first, filtered by time range,
 * provider, key, model, client, status and error code, with keyset "load more" pagination.
 * A row opens to show its error message and failed attempts.
 */
export const CLIENT_LOGS = String.raw`
views.logs = { title: "Logs", render: renderLogsView };

var LOG_PAGE_SIZE = 50;

function localInputValue(time) {
  var date = new Date(time);
  return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + "T" + pad(date.getHours()) + ":" + pad(date.getMinutes());
}

function isoFromLocalInput(value) {
  if (!value) return "";
  var date = new Date(value);
  return isNaN(date.getTime()) ? "" : date.toISOString();
}

async function renderLogsView(root) {
  var providers = await loadProviders(false);
  var lookups = await Promise.all([
    Promise.all(providers.map(function (p) { return api("GET", "admin/ai-providers/" + p.id + "/keys"); })),
    api("GET", "admin/clients").catch(function () { return []; }),
    api("GET", "admin/ai-models").catch(function () { return []; }),
  ]);
  var keys = [].concat.apply([], lookups[0]);
  var clients = listOf(lookups[1]);
  var models = listOf(lookups[2]);
  var keyName = function (id) {
    var key = keys.filter(function (k) { return k.id === id; })[0];
    return key ? key.keyName : id === null || id === undefined ? "—" : "#" + id;
  };
  var option = function (value, label) { return h("option", { value: String(value) }, label); };
  var now = Date.now();

  var filters = h("form", { id: "log-filters", className: "panel toolbar", onsubmit: function (event) { event.preventDefault(); reload(); } }, [
    field("From", h("input", { type: "datetime-local", name: "from", value: localInputValue(now - 24 * 3600 * 1000) })),
    field("To", h("input", { type: "datetime-local", name: "to" })),
    field("Provider", h("select", { name: "providerId" }, [option("", "any")].concat(providers.map(function (p) { return option(p.id, p.name); })))),
    field("Key", h("select", { name: "keyId" }, [option("", "any")].concat(keys.map(function (k) { return option(k.id, providerName(providers, k.providerId) + " / " + k.keyName); })))),
    field("Model", h("input", { name: "model", list: "log-model-list", placeholder: "any" })),
    h("datalist", { id: "log-model-list" }, models.map(function (m) { return h("option", { value: m.modelCode }); })),
    field("Client", h("select", { name: "clientId" }, [option("", "any")].concat(clients.map(function (c) { return option(c.id, c.name); })))),
    field("Status", h("select", { name: "status" }, [option("", "any"), option("success", "success"), option("error", "error"), option("partial", "partial")])),
    field("Error code", h("input", { name: "errorCode", placeholder: "any" })),
    h("button", { type: "submit" }, "Apply"),
    h("button", { type: "button", className: "secondary", onclick: function () { filters.reset(); reload(); } }, "Reset"),
  ]);
  var summary = h("p", { className: "muted", id: "log-summary" });
  var body = h("tbody");
  var more = h("button", { type: "button", id: "load-more", className: "secondary", hidden: true, onclick: function () { loadPage(); } }, "Load more");
  var columns = ["Time", "Request", "Client", "Provider", "Key", "Model", "Status", "HTTP", "Error code", "Tokens in / out / total", "Cost", "Latency", "TTFT", "Attempts", "Stream"];
  append(root, [
    h("h1", null, "Logs"),
    filters,
    summary,
    h("div", { className: "table-wrap" }, h("table", { id: "log-table" }, [
      h("thead", null, h("tr", null, columns.map(function (label) { return h("th", { scope: "col" }, label); }))),
      body,
    ])),
    h("div", { className: "actions" }, more),
  ]);

  var cursor = null;
  var shown = 0;
  var generation = 0;

  function currentFilters() {
    var values = readForm(filters);
    return {
      from: isoFromLocalInput(values.from),
      to: isoFromLocalInput(values.to),
      providerId: values.providerId,
      keyId: values.keyId,
      model: values.model,
      clientId: values.clientId,
      status: values.status,
      errorCode: values.errorCode,
    };
  }

  function logRow(log) {
    var details = null;
    var row = h("tr", { className: "log-row", "data-log-id": log.id, "data-status": log.status, title: "Show details", onclick: async function () {
      if (details) { details.remove(); details = null; return; }
      var cell = h("td", { colspan: columns.length }, "Loading…");
      details = h("tr", { className: "details" }, cell);
      row.after(details);
      try {
        append(clear(cell), logDetails(await api("GET", "admin/ai-logs/" + log.id)));
      } catch (error) {
        append(clear(cell), h("span", { className: "error" }, errorText(error)));
      }
    } }, [
      h("td", null, formatTime(log.createdAt)),
      h("td", null, h("code", { title: log.requestId }, String(log.requestId || "").slice(0, 8))),
      h("td", { "data-col": "client" }, log.clientName || "—"),
      h("td", { "data-col": "provider" }, providerName(providers, log.providerId)),
      h("td", { "data-col": "key" }, keyName(log.keyId)),
      h("td", { "data-col": "model" }, log.model),
      h("td", { "data-col": "status" }, statusBadge(log.status)),
      h("td", { className: "num" }, log.httpStatus),
      h("td", { "data-col": "errorCode" }, log.errorCode || "—"),
      h("td", { className: "num" }, formatNumber(log.promptTokens) + " / " + formatNumber(log.completionTokens) + " / " + formatNumber(log.totalTokens) + (log.tokensEstimated ? " ≈" : "")),
      h("td", { className: "num" }, formatCost(log.cost)),
      h("td", { className: "num" }, formatMs(log.latencyMs)),
      h("td", { className: "num" }, log.ttftMs === null || log.ttftMs === undefined ? "—" : formatMs(log.ttftMs)),
      h("td", { className: "num" }, log.attempts),
      h("td", null, log.isStream ? "yes" : "no"),
    ]);
    return row;
  }

  function logDetails(log) {
    var attempts = log.attemptErrors || [];
    return h("div", { className: "log-details" }, [
      h("p", null, ["Request id ", h("code", null, log.requestId)]),
      log.errorMessage ? h("p", { className: "error" }, log.errorMessage) : null,
      attempts.length ? h("p", null, "Failed attempts before the final one:") : h("p", { className: "muted" }, "The first attempt answered."),
      attempts.length ? h("ul", null, attempts.map(function (attempt) {
        return h("li", null, "key " + keyName(attempt.keyId) + ": " + (attempt.code || "error") + (attempt.status ? " (HTTP " + attempt.status + ")" : "") + (attempt.latencyMs !== undefined ? ", " + formatMs(attempt.latencyMs) : ""));
      })) : null,
    ]);
  }

  async function loadPage() {
    var mine = generation;
    more.disabled = true;
    var params = currentFilters();
    params.limit = LOG_PAGE_SIZE;
    params.cursor = cursor;
    try {
      var data = await api("GET", "admin/ai-logs" + query(params));
      if (mine !== generation) return;
      var items = listOf(data);
      items.forEach(function (log) { body.appendChild(logRow(log)); });
      shown += items.length;
      cursor = data.nextCursor || null;
      more.hidden = !cursor;
      clear(summary);
      append(summary, shown ? shown + " request" + (shown === 1 ? "" : "s") + " shown" + (cursor ? "; more available" : "") : "No requests match these filters.");
    } finally {
      more.disabled = false;
    }
  }

  async function reload() {
    generation += 1;
    cursor = null;
    shown = 0;
    clear(body);
    more.hidden = true;
    await loadPage().catch(function (error) { if (error.status !== 401) notice(errorText(error), "error"); });
  }

  await reload();
}
`;
