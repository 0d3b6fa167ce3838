/**
 * View "Providers & keys": providers (add, edit, enable/disable, delete) and, for the selected
 * provider, its keys with status, reason, cooldown, limits and concurrency. The key field is
 * write-only: the page only ever shows the masked hint the API returns.
 */
import { api } from "../api";
import { append, clear, h, replace } from "../dom";
import { formatLimit, formatMs, formatTime, t } from "../i18n";
import { loadProviders, type Provider, type ProviderKey } from "../lookups";
import { registerView } from "../shell";
import { actionButton, activeBadge, buildForm, confirmButton, notice, showIn, statusBadge, table, type FieldSpec, type FormValues } from "../ui";

/** A format the add-provider form offers, handed to the page by the server. */
interface ProviderFormat {
  format: string;
  label: string;
  exampleBaseUrl: string;
  protocols: string[];
}

const SELECTED_KEY = "modelgate.provider";

function providerFormats(): ProviderFormat[] {
  try {
    return JSON.parse(document.body.dataset.providerFormats ?? "[]") as ProviderFormat[];
  } catch {
    return [];
  }
}

function keyFormFields(key: ProviderKey | null): FieldSpec[] {
  const editing = Boolean(key);
  return [
    { name: "keyName", label: t("common.name"), required: true, value: key?.keyName },
    { name: "apiKey", label: t("keys.apiKey"), type: "password", required: !editing, placeholder: editing ? t("keys.apiKeyUnchanged") : "sk-…", hint: t("keys.apiKeyHint") },
    { name: "priority", label: t("keys.priority"), type: "number", value: editing ? key!.priority : 0, hint: t("keys.priorityHint") },
    { name: "weight", label: t("keys.weight"), type: "number", min: 1, value: editing ? key!.weight : 1 },
    { name: "rateLimitRpm", label: t("keys.rpm"), type: "number", min: 1, value: key?.rateLimitRpm, placeholder: t("common.noLimit") },
    { name: "rateLimitTpm", label: t("keys.tpm"), type: "number", min: 1, value: key?.rateLimitTpm, placeholder: t("common.noLimit") },
    { name: "rateLimitRpd", label: t("keys.rpd"), type: "number", min: 1, value: key?.rateLimitRpd, placeholder: t("common.noLimit") },
    { name: "maxConcurrency", label: t("keys.maxConcurrency"), type: "number", min: 1, value: key?.maxConcurrency, placeholder: t("common.noLimit"), hint: t("keys.maxConcurrencyHint") },
    { name: "isActive", label: t("common.active"), type: "checkbox", value: editing ? key!.isActive : true },
  ];
}

function keyBody(values: FormValues, editing: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    keyName: values.keyName,
    priority: values.priority ?? 0,
    weight: values.weight ?? 1,
    rateLimitRpm: values.rateLimitRpm,
    rateLimitTpm: values.rateLimitTpm,
    rateLimitRpd: values.rateLimitRpd,
    maxConcurrency: values.maxConcurrency,
    isActive: values.isActive,
  };
  // An empty key field on edit means "keep the stored key".
  if (!editing || values.apiKey) body.apiKey = values.apiKey;
  return body;
}

function providerFormFields(provider: Provider | null): FieldSpec[] {
  const formats = providerFormats();
  const fields: FieldSpec[] = provider
    ? []
    : [
      { name: "code", label: t("providers.code"), required: true, placeholder: t("providers.codePlaceholder") },
      {
        name: "apiFormat",
        label: t("providers.format"),
        type: "select",
        value: formats[0]?.format,
        options: formats.map((format) => [format.format, format.label]),
        hint: formats.map((format) => t("providers.formatHint", { format: format.format, protocols: format.protocols.join(", "), example: format.exampleBaseUrl })).join(" · "),
      },
    ];
  return fields.concat([
    { name: "name", label: t("common.name"), required: true, value: provider?.name },
    { name: "baseUrl", label: t("providers.baseUrl"), type: "url", required: true, value: provider?.baseUrl },
    { name: "timeout", label: t("providers.timeout"), type: "number", min: 1000, value: provider ? provider.timeout : 60000 },
    { name: "isActive", label: t("common.active"), type: "checkbox", value: provider ? provider.isActive : true },
  ]);
}

async function renderProvidersView(root: HTMLElement): Promise<void> {
  const providerBox = h("section", { id: "providers" });
  const formBox = h("div");
  const keyBox = h("section", { id: "keys" });
  append(root, [h("h1", null, t("providers.title")), providerBox, formBox, keyBox]);
  const hideForm = () => clear(formBox);

  async function refresh(): Promise<void> {
    const providers = await loadProviders(true);
    const selected = Number(sessionStorage.getItem(SELECTED_KEY)) || providers[0]?.id;
    replace(providerBox, [
      table<Provider>([
        { label: t("common.provider"), key: "name", sticky: "start", render: (p) => [h("strong", null, p.name), " ", h("code", null, p.code)] },
        { label: t("providers.baseUrl"), key: "baseUrl", render: (p) => h("code", null, p.baseUrl) },
        { label: t("providers.format"), key: "format", render: (p) => p.apiFormat },
        { label: t("providers.timeout"), className: "num", render: (p) => formatMs(p.timeout) },
        { label: t("common.active"), key: "active", render: (p) => activeBadge(p.isActive) },
        { label: t("providers.keys"), render: (p) => [t("providers.keyCount", { active: p.activeKeyCount, total: p.keyCount }), " ", Object.entries(p.statusSummary ?? {}).map(([status, count]) => [statusBadge(status), ` ${count} `])] },
        { label: t("common.actions"), key: "actions", sticky: "end", render: (p) => [
          h("button", { type: "button", className: p.id === selected ? "small selected" : "small", onclick: () => { sessionStorage.setItem(SELECTED_KEY, String(p.id)); void refresh(); } }, t("providers.showKeys")),
          h("button", { type: "button", className: "small secondary", onclick: () => showIn(formBox, buildForm({
            id: "provider-form",
            title: t("providers.editTitle", { name: p.name }),
            fields: providerFormFields(p),
            onCancel: hideForm,
            onSubmit: async (values) => {
              await api("PUT", `admin/ai-providers/${p.id}`, { name: values.name, baseUrl: values.baseUrl, timeout: values.timeout, isActive: values.isActive });
              hideForm();
              notice(t("providers.saved", { name: String(values.name) }), "ok");
              await refresh();
            },
          })) }, t("common.edit")),
          actionButton(p.isActive ? t("common.disable") : t("common.enable"), async () => {
            await api("PUT", `admin/ai-providers/${p.id}`, { isActive: !p.isActive });
            await refresh();
          }, "small secondary"),
          confirmButton(t("common.delete"), t("common.confirmDelete"), async () => {
            await api("DELETE", `admin/ai-providers/${p.id}`);
            notice(t("providers.deleted", { name: p.name }), "ok");
            if (p.id === selected) sessionStorage.removeItem(SELECTED_KEY);
            await refresh();
          }),
        ] },
      ], providers, { id: "provider-table", empty: t("providers.none"), rowAttrs: (p) => ({ "data-provider-id": p.id, className: p.id === selected ? "selected" : "" }) }),
      h("div", { className: "actions" }, h("button", { type: "button", id: "add-provider", className: "secondary", onclick: () => showIn(formBox, buildForm({
        id: "provider-form",
        title: t("providers.addTitle"),
        fields: providerFormFields(null),
        onCancel: hideForm,
        onSubmit: async (values) => {
          const created = await api<Provider>("POST", "admin/ai-providers", values);
          hideForm();
          sessionStorage.setItem(SELECTED_KEY, String(created.id));
          notice(t("providers.added", { name: created.name }), "ok");
          await refresh();
        },
      })) }, t("providers.add"))),
    ]);
    const provider = providers.find((candidate) => candidate.id === selected);
    if (provider) await renderKeys(provider);
    else clear(keyBox);
  }

  async function renderKeys(provider: Provider): Promise<void> {
    const keys = await api<ProviderKey[]>("GET", `admin/ai-providers/${provider.id}/keys`);
    const keyFormBox = h("div");
    const hideKeyForm = () => clear(keyFormBox);
    const editKey = (key: ProviderKey) => showIn(keyFormBox, buildForm({
      id: "key-form",
      title: t("keys.editTitle", { name: key.keyName }),
      fields: keyFormFields(key),
      onCancel: hideKeyForm,
      onSubmit: async (values) => {
        await api("PUT", `admin/ai-providers/keys/${key.id}`, keyBody(values, true));
        hideKeyForm();
        notice(t("keys.saved", { name: String(values.keyName) }), "ok");
        await refresh();
      },
    }));
    replace(keyBox, [
      h("h2", null, t("keys.title", { provider: provider.name })),
      table<ProviderKey>([
        { label: t("common.name"), key: "keyName", sticky: "start", render: (k) => k.keyName },
        { label: t("keys.key"), key: "keyHint", render: (k) => h("code", null, k.keyHint) },
        { label: t("keys.priority"), key: "priority", className: "num", render: (k) => k.priority },
        { label: t("keys.weight"), className: "num", render: (k) => k.weight },
        { label: t("keys.limits"), key: "limits", render: (k) => `${formatLimit(k.rateLimitRpm)} / ${formatLimit(k.rateLimitTpm)} / ${formatLimit(k.rateLimitRpd)}` },
        { label: t("keys.concurrency"), key: "maxConcurrency", className: "num", render: (k) => formatLimit(k.maxConcurrency) },
        { label: t("common.active"), key: "active", render: (k) => activeBadge(k.isActive) },
        { label: t("keys.status"), key: "status", render: (k) => statusBadge(k.status) },
        { label: t("keys.reason"), key: "statusReason", className: "wrap", render: (k) => k.statusReason || "—" },
        { label: t("keys.cooldown"), render: (k) => formatTime(k.cooldownUntil) },
        { label: t("keys.failures"), className: "num", render: (k) => k.consecutiveFailures },
        { label: t("common.lastUsed"), render: (k) => formatTime(k.lastUsedAt) },
        { label: t("keys.lastValidated"), key: "lastValidated", render: (k) => formatTime(k.lastValidatedAt) },
        { label: t("common.actions"), key: "actions", sticky: "end", render: (k) => [
          h("button", { type: "button", className: "small secondary", onclick: () => editKey(k) }, t("common.edit")),
          actionButton(k.isActive ? t("common.disable") : t("common.enable"), async () => {
            await api("PUT", `admin/ai-providers/keys/${k.id}`, { isActive: !k.isActive });
            await refresh();
          }, "small secondary"),
          actionButton(t("keys.validate"), async () => {
            const result = await api<{ valid: boolean; latencyMs: number; status: string; error?: string; errorCode?: string }>("POST", `admin/ai-providers/keys/${k.id}/validate`);
            const text = result.valid
              ? t(result.status !== "normal" ? "keys.validWithStatus" : "keys.valid", { name: k.keyName, latency: formatMs(result.latencyMs), status: result.status.replace(/_/g, " ") })
              : t("keys.invalid", { name: k.keyName, reason: result.error || result.status, code: result.errorCode ? ` (${result.errorCode})` : "" });
            notice(text, result.valid ? "ok" : "error");
            await refresh();
          }),
          k.status !== "normal" ? actionButton(t("keys.resetStatus"), async () => {
            await api("PUT", `admin/ai-providers/keys/${k.id}`, { status: "normal" });
            await refresh();
          }, "small secondary") : null,
          confirmButton(t("common.delete"), t("common.confirmDelete"), async () => {
            await api("DELETE", `admin/ai-providers/keys/${k.id}`);
            notice(t("keys.deleted", { name: k.keyName }), "ok");
            await refresh();
          }),
        ] },
      ], keys, { id: "key-table", empty: t("keys.none"), rowAttrs: (k) => ({ "data-key-id": k.id }) }),
      h("div", { className: "actions" }, h("button", { type: "button", id: "add-key", onclick: () => showIn(keyFormBox, buildForm({
        id: "key-form",
        title: t("keys.addTitle", { provider: provider.name }),
        fields: keyFormFields(null),
        submitLabel: t("keys.add"),
        onCancel: hideKeyForm,
        onSubmit: async (values) => {
          await api("POST", `admin/ai-providers/${provider.id}/keys`, keyBody(values, false));
          hideKeyForm();
          notice(t("keys.added", { name: String(values.keyName) }), "ok");
          await refresh();
        },
      })) }, t("keys.add"))),
      keyFormBox,
    ]);
  }

  await refresh();
}

registerView("providers", { title: "nav.providers", render: renderProvidersView });
