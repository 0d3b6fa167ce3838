/**
 * Browser view "Providers & keys": providers (add, edit, enable/disable) and, for the selected
 * provider, its keys with status, status reason, cooldown and limits. The key field is
 * write-only: the page only ever shows the masked hint the API returns.
 */
import { describeProviderFormats } from "../../providers/provider-registry";

/** The formats the add-provider form offers: the registry's, in its order. */
const PROVIDER_FORMATS_JSON = JSON.stringify(
  describeProviderFormats().map(({ format, label, exampleBaseUrl, protocols }) => ({ format, label, exampleBaseUrl, protocols })),
).replace(/</g, "\\u003c");

export const CLIENT_PROVIDERS = String.raw`
views.providers = { title: "Providers & keys", render: renderProvidersView };

// Generated from the provider registry when the script is built.
var PROVIDER_FORMATS = ${PROVIDER_FORMATS_JSON};

var PROVIDER_KEY = "modelgate.provider";

function keyFormFields(key) {
  var editing = Boolean(key);
  key = key || {};
  return [
    { name: "keyName", label: "Name", required: true, value: key.keyName },
    { name: "apiKey", label: "API key", type: "password", required: !editing,
      placeholder: editing ? "unchanged — type a new key to replace it" : "sk-…",
      hint: "Write-only: it is encrypted on save and never shown again." },
    { name: "priority", label: "Priority", type: "number", value: editing ? key.priority : 0, hint: "Higher first." },
    { name: "weight", label: "Weight", type: "number", min: 1, value: editing ? key.weight : 1 },
    { name: "rateLimitRpm", label: "Requests / min", type: "number", min: 1, value: key.rateLimitRpm, placeholder: "no limit" },
    { name: "rateLimitTpm", label: "Tokens / min", type: "number", min: 1, value: key.rateLimitTpm, placeholder: "no limit" },
    { name: "rateLimitRpd", label: "Requests / day", type: "number", min: 1, value: key.rateLimitRpd, placeholder: "no limit" },
    { name: "isActive", label: "Active", type: "checkbox", value: editing ? key.isActive : true },
  ];
}

function keyBody(values, editing) {
  var body = {
    keyName: values.keyName,
    priority: values.priority === null ? 0 : values.priority,
    weight: values.weight === null ? 1 : values.weight,
    rateLimitRpm: values.rateLimitRpm,
    rateLimitTpm: values.rateLimitTpm,
    rateLimitRpd: values.rateLimitRpd,
    isActive: values.isActive,
  };
  // An empty key field on edit means "keep the stored key".
  if (!editing || values.apiKey) body.apiKey = values.apiKey;
  return body;
}

function providerFormFields(provider) {
  var editing = Boolean(provider);
  provider = provider || {};
  var fields = [];
  if (!editing) {
    fields.push({ name: "code", label: "Code", required: true, placeholder: "e.g. openrouter" });
    fields.push({ name: "apiFormat", label: "API format", type: "select", value: PROVIDER_FORMATS[0].format,
      options: PROVIDER_FORMATS.map(function (f) { return [f.format, f.label]; }),
      hint: PROVIDER_FORMATS.map(function (f) { return f.format + ": speaks " + f.protocols.join(", ") + ", e.g. " + f.exampleBaseUrl; }).join(" · ") });
  }
  return fields.concat([
    { name: "name", label: "Name", required: true, value: provider.name },
    { name: "baseUrl", label: "Base URL", type: "url", required: true, value: provider.baseUrl },
    { name: "timeout", label: "Timeout (ms)", type: "number", min: 1000, value: editing ? provider.timeout : 60000 },
    { name: "isActive", label: "Active", type: "checkbox", value: editing ? provider.isActive : true },
  ]);
}

async function renderProvidersView(root) {
  var providerBox = h("section", { id: "providers" });
  var formBox = h("div");
  var keyBox = h("section", { id: "keys" });
  append(root, [h("h1", null, "Providers & keys"), providerBox, formBox, keyBox]);

  function showForm(form) { append(clear(formBox), form); form.querySelector("input,select").focus(); }
  function hideForm() { clear(formBox); }

  async function refresh() {
    var providers = await loadProviders(true);
    var selected = Number(sessionStorage.getItem(PROVIDER_KEY)) || (providers[0] && providers[0].id);
    clear(providerBox);
    append(providerBox, [
      table([
        { label: "Provider", key: "name", render: function (p) { return [h("strong", null, p.name), " ", h("code", null, p.code)]; } },
        { label: "Base URL", render: function (p) { return h("code", null, p.baseUrl); } },
        { label: "Format", render: function (p) { return p.apiFormat; } },
        { label: "Timeout", className: "num", render: function (p) { return formatMs(p.timeout); } },
        { label: "Active", render: function (p) { return p.isActive ? badge("active", "ok") : badge("disabled", "muted"); } },
        { label: "Keys", render: function (p) {
          var summary = Object.keys(p.statusSummary || {}).map(function (status) { return [statusBadge(status), " " + p.statusSummary[status] + " "]; });
          return [p.activeKeyCount + " active / " + p.keyCount + " ", summary];
        } },
        { label: "", render: function (p) {
          return [
            h("button", { type: "button", className: p.id === selected ? "small selected" : "small", onclick: function () { sessionStorage.setItem(PROVIDER_KEY, String(p.id)); refresh(); } }, "Keys"),
            h("button", { type: "button", className: "small secondary", onclick: function () {
              showForm(buildForm({ title: "Edit provider " + p.name, fields: providerFormFields(p), onCancel: hideForm, onSubmit: async function (values) {
                await api("PUT", "admin/ai-providers/" + p.id, { name: values.name, baseUrl: values.baseUrl, timeout: values.timeout, isActive: values.isActive });
                hideForm();
                notice("Provider " + values.name + " saved.", "ok");
                await refresh();
              } }));
            } }, "Edit"),
            actionButton(p.isActive ? "Disable" : "Enable", async function () {
              await api("PUT", "admin/ai-providers/" + p.id, { isActive: !p.isActive });
              await refresh();
            }, "small secondary"),
          ];
        } },
      ], providers, { id: "provider-table", rowAttrs: function (p) { return { "data-provider-id": p.id, className: p.id === selected ? "selected" : "" }; } }),
      h("div", { className: "actions" }, h("button", { type: "button", className: "secondary", onclick: function () {
        showForm(buildForm({ title: "Add provider", fields: providerFormFields(null), onCancel: hideForm, onSubmit: async function (values) {
          var created = await api("POST", "admin/ai-providers", values);
          hideForm();
          sessionStorage.setItem(PROVIDER_KEY, String(created.id));
          notice("Provider " + created.name + " added.", "ok");
          await refresh();
        } }));
      } }, "Add provider")),
    ]);
    var provider = providers.filter(function (p) { return p.id === selected; })[0];
    if (provider) await renderKeys(provider);
    else clear(keyBox);
  }

  async function renderKeys(provider) {
    var keys = await api("GET", "admin/ai-providers/" + provider.id + "/keys");
    var keyFormBox = h("div");
    function showKeyForm(form) { append(clear(keyFormBox), form); form.querySelector("input").focus(); }
    function hideKeyForm() { clear(keyFormBox); }
    clear(keyBox);
    append(keyBox, [
      h("h2", null, "Keys of " + provider.name),
      table([
        { label: "Name", key: "keyName", render: function (k) { return k.keyName; } },
        { label: "Key", key: "keyHint", render: function (k) { return h("code", null, k.keyHint); } },
        { label: "Priority", className: "num", render: function (k) { return k.priority; } },
        { label: "Weight", className: "num", render: function (k) { return k.weight; } },
        { label: "Limits (rpm / tpm / rpd)", render: function (k) { return limitText(k.rateLimitRpm) + " / " + limitText(k.rateLimitTpm) + " / " + limitText(k.rateLimitRpd); } },
        { label: "Active", key: "active", render: function (k) { return k.isActive ? badge("active", "ok") : badge("disabled", "muted"); } },
        { label: "Status", key: "status", render: function (k) { return statusBadge(k.status); } },
        { label: "Reason", key: "statusReason", render: function (k) { return k.statusReason || "—"; } },
        { label: "Cooldown until", render: function (k) { return formatTime(k.cooldownUntil); } },
        { label: "Failures", className: "num", render: function (k) { return k.consecutiveFailures; } },
        { label: "Last used", render: function (k) { return formatTime(k.lastUsedAt); } },
        { label: "Last validated", render: function (k) { return formatTime(k.lastValidatedAt); } },
        { label: "", render: function (k) {
          return [
            h("button", { type: "button", className: "small secondary", onclick: function () {
              showKeyForm(buildForm({ id: "key-form", title: "Edit key " + k.keyName, fields: keyFormFields(k), onCancel: hideKeyForm, onSubmit: async function (values) {
                await api("PUT", "admin/ai-providers/keys/" + k.id, keyBody(values, true));
                hideKeyForm();
                notice("Key " + values.keyName + " saved.", "ok");
                await refresh();
              } }));
            } }, "Edit"),
            actionButton(k.isActive ? "Disable" : "Enable", async function () {
              await api("PUT", "admin/ai-providers/keys/" + k.id, { isActive: !k.isActive });
              await refresh();
            }, "small secondary"),
            actionButton("Validate", async function () {
              // data: { valid, latencyMs, status, error?, errorCode? }
              var result = await api("POST", "admin/ai-providers/keys/" + k.id + "/validate");
              var text = result.valid
                ? "Key " + k.keyName + " is valid (" + formatMs(result.latencyMs) + ")" + (result.status !== "normal" ? ", status " + result.status.replace(/_/g, " ") : "") + "."
                : "Key " + k.keyName + " failed validation: " + (result.error || result.status) + (result.errorCode ? " (" + result.errorCode + ")" : "");
              notice(text, result.valid ? "ok" : "error");
              await refresh();
            }, "small"),
            k.status !== "normal" ? actionButton("Reset status", async function () {
              await api("PUT", "admin/ai-providers/keys/" + k.id, { status: "normal" });
              await refresh();
            }, "small secondary") : null,
            confirmButton("Delete", "Confirm delete", async function () {
              await api("DELETE", "admin/ai-providers/keys/" + k.id);
              notice("Key " + k.keyName + " deleted.", "ok");
              await refresh();
            }),
          ];
        } },
      ], keys, { id: "key-table", empty: "No keys yet for this provider.", rowAttrs: function (k) { return { "data-key-id": k.id }; } }),
      h("div", { className: "actions" }, h("button", { type: "button", id: "add-key", onclick: function () {
        showKeyForm(buildForm({ id: "key-form", title: "Add a key to " + provider.name, fields: keyFormFields(null), submitLabel: "Add key", onCancel: hideKeyForm, onSubmit: async function (values) {
          await api("POST", "admin/ai-providers/" + provider.id + "/keys", keyBody(values, false));
          hideKeyForm();
          notice("Key " + values.keyName + " added.", "ok");
          await refresh();
        } }));
      } }, "Add key")),
      keyFormBox,
    ]);
  }

  await refresh();
}
`;
