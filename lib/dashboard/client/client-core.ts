/**
 * Browser code shared by every view: DOM building without innerHTML (all data goes through
 * text nodes, so it is escaped by construction), the API client, session handling, the
 * hash router, forms and formatting. Concatenated into `/admin/assets/app.js` by
 * `client-bundle.ts`; plain ES2020 without template literals so it can live in a TS string.
 */
export const CLIENT_CORE = String.raw`
var TOKEN_KEY = "modelgate.token";
var SESSION_KEY = "modelgate.session";
// Relative to the page (…/admin/), so a REST API stage prefix such as /prod is kept.
var API_BASE = "../api/";
var views = {};
var leaveHandlers = [];

function h(tag, props, children) {
  var node = document.createElement(tag);
  if (props) {
    Object.keys(props).forEach(function (name) {
      var value = props[name];
      if (value === null || value === undefined || value === false) return;
      if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), value);
      else if (name === "className") node.className = value;
      // An input's default value, so form.reset() returns to it; a select takes its current value.
      else if (name === "value" && node.tagName === "INPUT") node.defaultValue = String(value);
      else if (name === "value") node.value = value;
      else if (name === "checked") node.checked = true;
      else node.setAttribute(name, value === true ? "" : String(value));
    });
  }
  append(node, children);
  return node;
}

function append(node, children) {
  if (children === null || children === undefined || children === false) return;
  if (Array.isArray(children)) children.forEach(function (child) { append(node, child); });
  else if (children instanceof Node) node.appendChild(children);
  else node.appendChild(document.createTextNode(String(children)));
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

function ApiError(status, message, errors) {
  this.status = status;
  this.message = message;
  this.errors = errors || [];
}

function session() {
  try {
    var stored = JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null");
    if (!stored || !sessionStorage.getItem(TOKEN_KEY)) return null;
    if (stored.expiresAt && stored.expiresAt <= Date.now()) return null;
    return stored;
  } catch (error) {
    return null;
  }
}

function signIn(data) {
  sessionStorage.setItem(TOKEN_KEY, data.token);
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({
    username: data.username || "admin",
    role: data.role || "admin",
    expiresAt: Date.now() + (Number(data.expiresIn) || 3600) * 1000,
  }));
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(SESSION_KEY);
  renderLogin(message || "");
}

// Ends the session on the server too (every token of this user), then forgets it here.
function logOut() {
  api("POST", "auth/logout").catch(function () { return null; }).then(function () { signOut("Signed out."); });
}

function query(params) {
  var parts = [];
  Object.keys(params || {}).forEach(function (name) {
    var value = params[name];
    if (value === null || value === undefined || value === "") return;
    parts.push(encodeURIComponent(name) + "=" + encodeURIComponent(String(value)));
  });
  return parts.length ? "?" + parts.join("&") : "";
}

async function api(method, path, body) {
  var headers = { accept: "application/json" };
  var token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.authorization = "Bearer " + token;
  if (body !== undefined) headers["content-type"] = "application/json";
  var response;
  try {
    response = await fetch(API_BASE + path, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "omit",
    });
  } catch (error) {
    throw new ApiError(0, "Network error: " + (error && error.message ? error.message : "request failed"));
  }
  var payload = null;
  try { payload = await response.json(); } catch (error) { payload = null; }
  if (response.status === 401 && path !== "auth/login") {
    signOut("Your session has ended. Please sign in again.");
    throw new ApiError(401, "Signed out");
  }
  if (!response.ok) {
    var message = payload && payload.message ? payload.message : "Request failed (" + response.status + ")";
    throw new ApiError(response.status, message, payload && payload.errors);
  }
  return payload ? payload.data : null;
}

function errorText(error) {
  if (!error) return "Unknown error";
  var text = error.message || String(error);
  if (error.errors && error.errors.length) {
    text += " — " + error.errors.map(function (item) { return item.field + ": " + item.message; }).join("; ");
  }
  return text;
}

function notice(text, kind) {
  var bar = document.getElementById("notice");
  if (!bar) return;
  clear(bar);
  bar.className = "notice " + (kind || "info");
  if (!text) { bar.hidden = true; return; }
  bar.hidden = false;
  append(bar, [h("span", null, text), h("button", { type: "button", className: "link", "aria-label": "Dismiss", onclick: function () { notice(""); } }, "×")]);
}

function onLeave(handler) { leaveHandlers.push(handler); }

function navigate() {
  leaveHandlers.splice(0).forEach(function (handler) { try { handler(); } catch (error) { /* view already gone */ } });
  if (!session()) { renderLogin(""); return; }
  var name = (location.hash.replace(/^#\/?/, "").split("?")[0]) || "usage";
  if (!views[name]) name = "usage";
  // Messages belong to the view that raised them.
  if (document.getElementById("notice")) notice("");
  renderShell(name);
  var main = clear(document.getElementById("main"));
  var root = h("div", { className: "view", id: "view-" + name });
  main.appendChild(root);
  document.title = views[name].title + " · modelgate";
  Promise.resolve(views[name].render(root)).catch(function (error) {
    if (error && error.status === 401) return;
    append(root, h("p", { className: "error", role: "alert" }, errorText(error)));
  });
}

function renderShell(active) {
  var body = document.getElementById("app");
  var nav = document.getElementById("nav");
  if (!nav) {
    clear(body);
    nav = h("nav", { id: "nav" });
    append(body, [
      h("header", { className: "topbar" }, [h("strong", { className: "brand" }, "modelgate"), nav, h("span", { id: "who", className: "who" }),
        h("button", { type: "button", id: "logout", className: "secondary", onclick: logOut }, "Log out")]),
      h("div", { id: "notice", className: "notice", hidden: true, role: "status" }),
      h("main", { id: "main" }),
    ]);
  }
  clear(nav);
  Object.keys(views).forEach(function (name) {
    nav.appendChild(h("a", { href: "#/" + name, className: name === active ? "active" : "", "aria-current": name === active ? "page" : null }, views[name].title));
  });
  var current = session();
  var who = document.getElementById("who");
  clear(who);
  if (current) append(who, current.username);
}

function renderLogin(message) {
  leaveHandlers.splice(0).forEach(function (handler) { try { handler(); } catch (error) { /* ignore */ } });
  document.title = "Sign in · modelgate";
  var status = h("p", { className: message ? "info" : "", id: "login-message", role: "status" }, message);
  var form = h("form", { id: "login-form", className: "login", onsubmit: async function (event) {
    event.preventDefault();
    var values = readForm(form);
    button.disabled = true;
    try {
      var data = await api("POST", "auth/login", { username: values.username, password: values.password });
      signIn(data);
      navigate();
    } catch (error) {
      status.className = "error";
      clear(status);
      append(status, errorText(error));
      button.disabled = false;
    }
  } });
  var button = h("button", { type: "submit" }, "Sign in");
  append(form, [
    h("h1", null, "modelgate admin"),
    field("Username", h("input", { name: "username", autocomplete: "username", required: true })),
    field("Password", h("input", { name: "password", type: "password", autocomplete: "current-password", required: true })),
    button,
    status,
  ]);
  append(clear(document.getElementById("app")), h("main", { className: "login-page" }, form));
}

function field(label, input, hint) {
  return h("label", { className: input.type === "checkbox" ? "field check" : "field" }, [h("span", null, label), input, hint ? h("small", null, hint) : null]);
}

function readForm(form) {
  var values = {};
  Array.prototype.forEach.call(form.elements, function (input) {
    if (!input.name) return;
    if (input.type === "checkbox") values[input.name] = input.checked;
    else if (input.type === "number") values[input.name] = input.value.trim() === "" ? null : Number(input.value);
    else values[input.name] = input.value.trim();
  });
  return values;
}

// fields: [{name, label, type, value, required, options: [[value, label]], hint, step, min}]
function buildForm(spec) {
  var errorBox = h("p", { className: "error", role: "alert", hidden: true });
  var submit = h("button", { type: "submit" }, spec.submitLabel || "Save");
  var form = h("form", { className: "panel form", id: spec.id || null, onsubmit: async function (event) {
    event.preventDefault();
    submit.disabled = true;
    errorBox.hidden = true;
    try {
      await spec.onSubmit(readForm(form));
    } catch (error) {
      if (error && error.status === 401) return;
      clear(errorBox);
      append(errorBox, errorText(error));
      errorBox.hidden = false;
    } finally {
      submit.disabled = false;
    }
  } });
  var inputs = spec.fields.map(function (item) {
    var input;
    if (item.type === "select") {
      input = h("select", { name: item.name, required: item.required }, item.options.map(function (option) {
        return h("option", { value: String(option[0]), selected: String(option[0]) === String(item.value) }, option[1]);
      }));
    } else {
      input = h("input", {
        name: item.name,
        type: item.type || "text",
        required: item.required,
        placeholder: item.placeholder,
        step: item.step,
        min: item.min,
        autocomplete: item.type === "password" ? "new-password" : "off",
        value: item.type === "checkbox" || item.value === null || item.value === undefined ? null : String(item.value),
        checked: item.type === "checkbox" ? Boolean(item.value) : null,
      });
    }
    return field(item.label, input, item.hint);
  });
  append(form, [
    spec.title ? h("h3", null, spec.title) : null,
    h("div", { className: "fields" }, inputs),
    errorBox,
    h("div", { className: "actions" }, [submit, spec.onCancel ? h("button", { type: "button", className: "secondary", onclick: spec.onCancel }, "Cancel") : null]),
  ]);
  return form;
}

// A button that asks for a second click before doing something destructive.
function confirmButton(label, confirmLabel, action) {
  var armed = false;
  var timer = null;
  var button = h("button", { type: "button", className: "danger small", onclick: async function () {
    if (!armed) {
      armed = true;
      button.textContent = confirmLabel;
      timer = setTimeout(function () { armed = false; button.textContent = label; }, 4000);
      return;
    }
    clearTimeout(timer);
    button.disabled = true;
    try { await action(); } catch (error) { if (error.status !== 401) notice(errorText(error), "error"); button.disabled = false; }
  } }, label);
  return button;
}

function actionButton(label, action, className) {
  var button = h("button", { type: "button", className: className || "small", onclick: async function () {
    button.disabled = true;
    try { await action(); } catch (error) { if (error.status !== 401) notice(errorText(error), "error"); } finally { button.disabled = false; }
  } }, label);
  return button;
}

function table(columns, rows, options) {
  var head = h("tr", null, columns.map(function (column) { return h("th", { scope: "col", className: column.className || null }, column.label); }));
  var body = h("tbody", null, rows.map(function (row) {
    return h("tr", options && options.rowAttrs ? options.rowAttrs(row) : null, columns.map(function (column) {
      return h("td", { className: column.className || null, "data-col": column.key || null }, column.render(row));
    }));
  }));
  if (!rows.length) body.appendChild(h("tr", { className: "empty" }, h("td", { colspan: columns.length }, (options && options.empty) || "Nothing here yet.")));
  return h("div", { className: "table-wrap" }, h("table", { id: options && options.id ? options.id : null }, [h("thead", null, head), body]));
}

function badge(text, kind) { return h("span", { className: "badge " + (kind || "") }, text); }

function statusBadge(status) {
  var kinds = { normal: "ok", success: "ok", resolved: "ok", rate_limited: "warn", quota_exceeded: "warn", partial: "warn", firing: "bad", invalid: "bad", error: "bad" };
  return badge(String(status || "—").replace(/_/g, " "), kinds[status] || "");
}

function pad(value) { return value < 10 ? "0" + value : String(value); }

function formatTime(value) {
  if (value === null || value === undefined || value === "") return "—";
  var date = new Date(typeof value === "number" ? value : String(value));
  if (isNaN(date.getTime())) return String(value);
  return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + " " + pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds());
}

function formatNumber(value) {
  if (value === null || value === undefined || value === "") return "—";
  return Number(value).toLocaleString("en-US");
}

function formatCost(value) {
  if (value === null || value === undefined) return "—";
  var number = Number(value);
  return "$" + (number !== 0 && Math.abs(number) < 0.01 ? number.toFixed(6) : number.toFixed(2));
}

// A ratio 0..1 as a percentage.
function formatPercent(value) {
  if (value === null || value === undefined || isNaN(Number(value))) return "—";
  return (Number(value) * 100).toFixed(1) + "%";
}

function formatMs(value) {
  if (value === null || value === undefined) return "—";
  return Math.round(Number(value)).toLocaleString("en-US") + " ms";
}

function limitText(value) { return value === null || value === undefined ? "∞" : formatNumber(value); }

// Lists come as an array, or as a page { items, nextCursor }.
function listOf(data) {
  if (Array.isArray(data)) return data;
  return data && Array.isArray(data.items) ? data.items : [];
}

var providerCache = null;
async function loadProviders(force) {
  if (!providerCache || force) providerCache = await api("GET", "admin/ai-providers");
  return providerCache;
}

function providerName(providers, id) {
  var match = (providers || []).filter(function (provider) { return provider.id === Number(id); })[0];
  return match ? match.name : id === null || id === undefined ? "—" : "#" + id;
}
`;
