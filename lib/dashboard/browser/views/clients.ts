/**
 * View "Client keys": API keys for applications. A new key is shown once, in a panel the admin
 * dismisses; after that only its hint. A key's name, allowed models (chosen from the catalogue;
 * none chosen allows every model), requests per minute and state can be edited; keys can be
 * revoked for good.
 */
import { api } from "../api";
import { append, clear, h, replace } from "../dom";
import { formatLimit, formatTime, t } from "../i18n";
import { loadClients, loadModels, loadProviders, qualifiedModel, type Client, type Model } from "../lookups";
import { onLeave, registerView } from "../shell";
import { actionButton, badge, buildForm, confirmButton, notice, reportError, showIn, table, type FieldSpec, type FormValues } from "../ui";
import { showClientBudgets } from "./client-budgets";

async function renderClientsView(root: HTMLElement): Promise<void> {
  const [providers, models] = await Promise.all([loadProviders(), loadModels().catch(() => [] as Model[])]);
  const catalogue: Array<[string, string]> = models.map((model) => {
    const name = qualifiedModel(providers, model);
    return [name, model.displayName && model.displayName !== model.modelCode ? `${name} · ${model.displayName}` : name];
  });
  const secretBox = h("div", { id: "new-client-key" });
  const listBox = h("section");
  const formBox = h("div");
  const hideForm = () => clear(formBox);

  const clientFields = (client: Client | null): FieldSpec[] => {
    const fields: FieldSpec[] = [
      { name: "name", label: t("clients.appName"), required: true, value: client?.name },
      { name: "rateLimitRpm", label: t("keys.rpm"), type: "number", min: 1, value: client?.rateLimitRpm, placeholder: t("common.noLimit") },
    ];
    if (client) fields.push({ name: "isActive", label: t("common.active"), type: "checkbox", value: client.isActive });
    // Entries that left the catalogue stay listed, so saving does not drop them silently.
    const known = new Set(catalogue.map(([value]) => value));
    const extra = (client?.allowedModels ?? []).filter((entry) => !known.has(entry)).map((entry): [string, string] => [entry, entry]);
    fields.push({ name: "allowedModels", label: t("clients.allowedModels"), type: "models", value: client?.allowedModels ?? [], options: [...catalogue, ...extra], hint: t("clients.allowedModelsHint") });
    return fields;
  };
  const bodyOf = (values: FormValues) => {
    const chosen = (values.allowedModels as string[]) ?? [];
    return { name: values.name, allowedModels: chosen.length ? chosen : null, rateLimitRpm: values.rateLimitRpm };
  };

  const createForm = buildForm({
    id: "client-form",
    title: t("clients.createTitle"),
    submitLabel: t("clients.create"),
    fields: clientFields(null),
    onSubmit: async (values) => {
      const created = await api<{ name: string; apiKey: string }>("POST", "admin/clients", bodyOf(values));
      createForm.reset();
      showSecret(created);
      await refresh();
    },
  });
  append(root, [h("h1", null, t("clients.title")), secretBox, createForm, formBox, listBox]);

  function showSecret(created: { name: string; apiKey: string }): void {
    const output = h("input", { readonly: true, id: "new-client-key-value", className: "secret", "aria-label": t("clients.newKey") });
    // The property, not the attribute: the key stays out of the serialized page.
    output.value = created.apiKey;
    const copy = h("button", { type: "button", className: "small", onclick: async () => {
      output.select();
      try {
        await navigator.clipboard.writeText(output.value);
        copy.textContent = t("clients.copied");
      } catch {
        copy.textContent = t("clients.copyByHand");
      }
    } }, t("clients.copy"));
    replace(secretBox, h("div", { className: "panel secret-panel", role: "alert" }, [
      h("h3", null, t("clients.keyFor", { name: created.name })),
      h("p", null, t("clients.copyNow")),
      h("div", { className: "secret-row" }, [output, copy]),
      h("button", { type: "button", id: "dismiss-client-key", className: "secondary", onclick: () => clear(secretBox) }, t("clients.dismiss")),
    ]));
  }
  // The key must not outlive this view (e.g. when coming back via the menu).
  onLeave(() => clear(secretBox));

  function editClient(client: Client): void {
    showIn(formBox, buildForm({
      id: "client-edit-form",
      title: t("clients.editTitle", { name: client.name }),
      fields: clientFields(client),
      onCancel: hideForm,
      onSubmit: async (values) => {
        await api("PUT", `admin/clients/${client.id}`, { ...bodyOf(values), isActive: values.isActive });
        hideForm();
        notice(t("clients.saved", { name: String(values.name) }), "ok");
        await refresh();
      },
    }));
  }

  async function refresh(): Promise<void> {
    const clients = await loadClients();
    replace(listBox, table<Client>([
      { label: t("common.name"), key: "name", sticky: "start", render: (c) => c.name },
      { label: t("keys.key"), key: "keyHint", render: (c) => h("code", null, c.keyHint) },
      { label: t("clients.allowedModels"), key: "allowedModels", className: "wrap", render: (c) => (c.allowedModels ? c.allowedModels.join(", ") : t("clients.allModels")) },
      { label: t("keys.rpm"), key: "rpm", className: "num", render: (c) => formatLimit(c.rateLimitRpm) },
      { label: t("clients.state"), key: "state", render: (c) => (c.revokedAt ? badge(t("clients.revoked"), "bad") : c.isActive ? badge(t("common.active"), "ok") : badge(t("common.disabled"), "muted")) },
      { label: t("common.lastUsed"), render: (c) => formatTime(c.lastUsedAt) },
      { label: t("common.created"), render: (c) => formatTime(c.createdAt) },
      { label: t("common.actions"), key: "actions", sticky: "end", render: (c) => {
        if (c.revokedAt) return t("clients.revokedAt", { time: formatTime(c.revokedAt) });
        return [
          h("button", { type: "button", className: "small secondary", onclick: () => editClient(c) }, t("common.edit")),
          h("button", { type: "button", className: "small secondary", onclick: () => void showClientBudgets(formBox, c, hideForm).then(() => formBox.scrollIntoView({ block: "nearest" })).catch(reportError) }, t("budgets.open")),
          actionButton(c.isActive ? t("common.disable") : t("common.enable"), async () => {
            await api("PUT", `admin/clients/${c.id}`, { isActive: !c.isActive });
            await refresh();
          }, "small secondary"),
          confirmButton(t("clients.revoke"), t("clients.confirmRevoke"), async () => {
            await api("DELETE", `admin/clients/${c.id}`);
            notice(t("clients.revokedNotice", { name: c.name }), "ok");
            await refresh();
          }),
        ];
      } },
    ], clients, { id: "client-table", empty: t("clients.none"), rowAttrs: (c) => ({ "data-client-id": c.id }) }));
  }

  await refresh();
}

registerView("clients", { title: "nav.clients", render: renderClientsView });
