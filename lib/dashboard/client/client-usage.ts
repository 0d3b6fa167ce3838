/**
 * Browser view "Usage": totals for the chosen range (24 h, 7 d, 30 d) and, per provider over
 * time, requests, success rate, tokens and cost — drawn with Chart.js from the timeseries API —
 * plus the most frequent errors.
 */
export const CLIENT_USAGE = String.raw`
views.usage = { title: "Usage", render: renderUsageView };

var HOUR = 3600 * 1000;
var USAGE_RANGES = {
  "24h": { label: "24 h", interval: "hour", buckets: 24 },
  "7d": { label: "7 d", interval: "hour", buckets: 168 },
  "30d": { label: "30 d", interval: "day", buckets: 30 },
};
var PALETTE = ["#2357d9", "#d9822b", "#1f9d55", "#9b59b6", "#c0392b", "#16a5a5", "#7f8c8d"];
var RANGE_KEY = "modelgate.usageRange";

// Bucket starts covering the range, aligned like the server's: UTC hours (so hourly rollups stay
// exact in half-hour time zones) or local days (the server is told the offset).
function usageBuckets(range, now) {
  var starts = [];
  if (range.interval === "hour") {
    var hour = now - (now % HOUR);
    for (var i = range.buckets - 1; i >= 0; i--) starts.push(hour - i * HOUR);
  } else {
    var end = new Date(now);
    end.setHours(0, 0, 0, 0);
    for (var d = range.buckets - 1; d >= 0; d--) {
      var day = new Date(end.getTime());
      day.setDate(day.getDate() - d);
      starts.push(day.getTime());
    }
  }
  return starts;
}

function bucketLabel(start, interval) {
  var date = new Date(start);
  var day = pad(date.getMonth() + 1) + "-" + pad(date.getDate());
  return interval === "hour" ? day + " " + pad(date.getHours()) + ":00" : day;
}

// Timeseries points: { bucketStart (ISO), group (provider id), label (provider name), sums… }.
function seriesPoints(data) {
  var rows = Array.isArray(data) ? data : (data && data.points) || [];
  return rows.filter(function (point) { return point.group !== null && point.group !== undefined; }).map(function (point) {
    return {
      time: new Date(point.bucketStart).getTime(),
      group: point.group,
      groupName: point.label || null,
      requests: Number(point.requests || 0),
      successCount: Number(point.successCount || 0),
      totalTokens: Number(point.totalTokens || 0),
      cost: Number(point.cost || 0),
    };
  });
}

function chartBox(id, title) {
  var canvas = h("canvas", { id: id, role: "img", "aria-label": title });
  return { canvas: canvas, element: h("div", { className: "chart" }, [h("h3", null, title), h("div", { className: "canvas-box" }, canvas)]) };
}

async function renderUsageView(root) {
  var rangeName = sessionStorage.getItem(RANGE_KEY) || "24h";
  if (!USAGE_RANGES[rangeName]) rangeName = "24h";
  var charts = [];
  onLeave(function () { charts.splice(0).forEach(function (chart) { chart.destroy(); }); });

  var rangeButtons = Object.keys(USAGE_RANGES).map(function (name) {
    return h("button", { type: "button", "data-range": name, className: name === rangeName ? "active" : "", onclick: function () {
      rangeName = name;
      sessionStorage.setItem(RANGE_KEY, name);
      rangeButtons.forEach(function (button) { button.className = button.getAttribute("data-range") === name ? "active" : ""; });
      load();
    } }, USAGE_RANGES[name].label);
  });
  var cards = h("div", { className: "cards", id: "usage-totals" });
  var requestsChart = chartBox("chart-requests", "Requests per provider");
  var successChart = chartBox("chart-success", "Success rate per provider (%)");
  var tokensChart = chartBox("chart-tokens", "Tokens per provider");
  var costChart = chartBox("chart-cost", "Cost per provider (USD)");
  var errorsBox = h("section", { id: "top-errors" });
  var status = h("p", { className: "muted", id: "usage-status" });
  append(root, [
    h("h1", null, "Usage"),
    h("div", { className: "toolbar" }, [
      h("div", { className: "segmented", role: "group", "aria-label": "Time range" }, rangeButtons),
      actionButton("Refresh", function () { return load(); }, "secondary"),
      actionButton("Roll up now", async function () {
        var result = await api("POST", "admin/jobs/rollup/run");
        notice("Rollup " + (result && result.status ? result.status : "done") + ".", result && result.status === "failed" ? "error" : "ok");
        await load();
      }, "secondary"),
      status,
    ]),
    cards,
    window.Chart ? h("div", { className: "charts" }, [requestsChart.element, successChart.element, tokensChart.element, costChart.element])
      : h("p", { className: "error" }, "The charting library did not load; totals are still shown."),
    h("h2", null, "Top errors"),
    errorsBox,
  ]);

  async function load() {
    var range = USAGE_RANGES[rangeName];
    var now = Date.now();
    var buckets = usageBuckets(range, now);
    var params = {
      from: new Date(buckets[0]).toISOString(),
      to: new Date(now + 1000).toISOString(),
      interval: range.interval,
      groupBy: "provider",
      tzOffsetMinutes: range.interval === "day" ? -new Date(now).getTimezoneOffset() : 0,
    };
    clear(status);
    append(status, "Loading…");
    var results = await Promise.all([
      api("GET", "admin/ai-stats" + query({ from: params.from, to: params.to })),
      api("GET", "admin/ai-stats/timeseries" + query(params)),
      api("GET", "admin/ai-stats/top-errors" + query({ from: params.from, to: params.to, limit: 10 })).catch(function (error) {
        if (error.status === 401) throw error;
        return [];
      }),
      loadProviders(false),
    ]);
    renderTotals(results[0]);
    renderCharts(range, buckets, seriesPoints(results[1]), results[3]);
    renderErrors(listOf(results[2]), results[3]);
    clear(status);
    append(status, "Updated " + formatTime(now));
  }

  function renderTotals(totals) {
    totals = totals || {};
    var card = function (id, label, value) {
      return h("div", { className: "card", id: id }, [h("div", { className: "label" }, label), h("div", { className: "value" }, value)]);
    };
    append(clear(cards), [
      card("total-requests", "Requests", formatNumber(totals.requests || 0)),
      card("total-success", "Success rate", formatPercent(totals.successRate)),
      card("total-errors", "Errors", formatNumber(totals.errorCount || 0)),
      card("total-tokens", "Tokens", formatNumber(totals.totalTokens || 0)),
      card("total-cost", "Cost", formatCost(totals.cost || 0)),
      card("total-latency", "Avg latency", formatMs(totals.avgLatencyMs)),
    ]);
  }

  function renderCharts(range, buckets, points, providers) {
    if (!window.Chart) return;
    var index = {};
    buckets.forEach(function (start, position) { index[start] = position; });
    var groups = [];
    var byGroup = {};
    points.forEach(function (point) {
      var position = index[point.time];
      if (position === undefined) {
        // A bucket the server aligned differently: put it in the bucket that contains it.
        for (var i = buckets.length - 1; i >= 0; i--) if (buckets[i] <= point.time) { position = i; break; }
        if (position === undefined) return;
      }
      var key = String(point.group);
      if (!byGroup[key]) {
        var name = point.groupName || (Number(point.group) === 0 ? "no provider" : providerName(providers, point.group));
        byGroup[key] = { name: name, requests: [], success: [], tokens: [], cost: [] };
        buckets.forEach(function () { byGroup[key].requests.push(0); byGroup[key].success.push(0); byGroup[key].tokens.push(0); byGroup[key].cost.push(0); });
        groups.push(key);
      }
      var series = byGroup[key];
      series.requests[position] += point.requests;
      series.success[position] += point.successCount;
      series.tokens[position] += point.totalTokens;
      series.cost[position] += point.cost;
    });
    var labels = buckets.map(function (start) { return bucketLabel(start, range.interval); });
    var datasets = function (pick, line) {
      return groups.map(function (key, position) {
        var color = PALETTE[position % PALETTE.length];
        return { label: byGroup[key].name, data: pick(byGroup[key]), backgroundColor: color, borderColor: color, borderWidth: line ? 2 : 0, pointRadius: line ? 3 : 0, spanGaps: true };
      });
    };
    charts.splice(0).forEach(function (chart) { chart.destroy(); });
    charts.push(
      drawChart(requestsChart.canvas, "bar", labels, datasets(function (s) { return s.requests; }), true, { precision: 0 }),
      drawChart(successChart.canvas, "line", labels, datasets(function (s) {
        return s.requests.map(function (count, i) { return count ? Math.round((s.success[i] / count) * 1000) / 10 : null; });
      }, true), false, { min: 0, max: 100 }),
      drawChart(tokensChart.canvas, "bar", labels, datasets(function (s) { return s.tokens; }), true, { precision: 0 }),
      drawChart(costChart.canvas, "bar", labels, datasets(function (s) { return s.cost.map(function (value) { return Math.round(value * 1e8) / 1e8; }); }), true, {})
    );
  }

  // axis: { min?, max?, precision? } of the y axis.
  function drawChart(canvas, type, labels, datasets, stacked, axis) {
    var y = { stacked: stacked, beginAtZero: true, min: axis.min, max: axis.max, ticks: { precision: axis.precision } };
    return new window.Chart(canvas, {
      type: type,
      data: { labels: labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: { x: { stacked: stacked, ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 12 } }, y: y },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }

  function renderErrors(errors, providers) {
    append(clear(errorsBox), table([
      { label: "Error code", key: "errorCode", render: function (e) { return h("code", null, e.errorCode || "unknown"); } },
      { label: "Provider", render: function (e) { return providerName(providers, e.providerId); } },
      { label: "Count", className: "num", render: function (e) { return formatNumber(e.count); } },
      { label: "Last seen", render: function (e) { return formatTime(e.lastSeenAt); } },
      { label: "Example", className: "wrap", render: function (e) { return e.sampleMessage || "—"; } },
    ], errors, { id: "top-errors-table", empty: "No errors in this range." }));
  }

  await load();
}
`;
