/**
 * View "Models": the catalogue with context sizes and prices per million tokens; add, edit,
 * enable/disable and delete (the server refuses while keys or logs depend on a model).
 */
import { api, query } from "../api";
import { append, clear, h, replace } from "../dom";
import { formatNumber, formatPrice, t } from "../i18n";
import { loadProviders, providerName, type Model, type Provider } from "../lookups";
import { registerView } from "../shell";
import { actionButton, activeBadge, buildForm, confirmButton, field, notice, showIn, table, type FieldSpec } from "../ui";

function modelFormFields(model: Model | null, providers: Provider[]): FieldSpec[] {
  const fields: FieldSpec[] = model
    ? []
    : [{ name: "providerId", label: t("common.provider"), type: "select", required: true, value: providers[0]?.id, options: providers.map((p) => [p.id, p.name]) }];
  return fields.concat([
    { name: "modelCode", label: t("models.code"), required: true, value: model?.modelCode },
    { name: "displayName", label: t("models.displayName"), required: true, value: model?.displayName },
    { name: "contextWindow", label: t("models.contextWindow"), type: "number", min: 1, required: true, value: model?.contextWindow },
    { name: "maxOutputTokens", label: t("models.maxOutput"), type: "number", min: 1, required: true, value: model?.maxOutputTokens },
    { name: "inputPricePerM", label: t("models.inputPrice"), type: "number", min: 0, step: "any", required: true, value: model?.inputPricePerM ?? 0 },
    { name: "outputPricePerM", label: t("models.outputPrice"), type: "number", min: 0, step: "any", required: true, value: model?.outputPricePerM ?? 0 },
    { name: "supportsStreaming", label: t("models.streaming"), type: "checkbox", value: model ? model.supportsStreaming : true },
    { name: "supportsTools", label: t("models.tools"), type: "checkbox", value: model?.supportsTools },
    { name: "supportsVision", label: t("models.vision"), type: "checkbox", value: model?.supportsVision },
    { name: "isActive", label: t("common.active"), type: "checkbox", value: model ? model.isActive : true },
  ]);
}

async function renderModelsView(root: HTMLElement): Promise<void> {
  const providers = await loadProviders();
  const filter = h("select", { id: "model-provider-filter", onchange: () => void refresh() }, [
    h("option", { value: "" }, t("models.allProviders")),
    ...providers.map((p) => h("option", { value: String(p.id) }, p.name)),
  ]);
  const listBox = h("section");
  const formBox = h("div");
  const hideForm = () => clear(formBox);
  append(root, [
    h("h1", null, t("models.title")),
    h("div", { className: "toolbar" }, [
      field(t("common.provider"), filter),
      h("button", { type: "button", id: "add-model", className: "secondary", onclick: () => showIn(formBox, buildForm({
        id: "model-form",
        title: t("models.addTitle"),
        fields: modelFormFields(null, providers),
        submitLabel: t("models.add"),
        onCancel: hideForm,
        onSubmit: async (values) => {
          await api("POST", "admin/ai-models", { ...values, providerId: Number(values.providerId) });
          hideForm();
          notice(t("models.added", { name: String(values.modelCode) }), "ok");
          await refresh();
        },
      })) }, t("models.add")),
    ]),
    formBox,
    listBox,
  ]);

  async function refresh(): Promise<void> {
    const models = await api<Model[]>("GET", `admin/ai-models${query({ providerId: filter.value })}`);
    const features = (m: Model) => [m.supportsStreaming ? t("models.streaming") : null, m.supportsTools ? t("models.tools") : null, m.supportsVision ? t("models.vision") : null].filter(Boolean).join(", ") || "—";
    replace(listBox, table<Model>([
      { label: t("models.code"), key: "modelCode", sticky: "start", render: (m) => h("code", null, m.modelCode) },
      { label: t("common.provider"), key: "provider", render: (m) => providerName(providers, m.providerId) },
      { label: t("common.name"), render: (m) => m.displayName },
      { label: t("models.context"), className: "num", render: (m) => formatNumber(m.contextWindow) },
      { label: t("models.maxOutput"), className: "num", render: (m) => formatNumber(m.maxOutputTokens) },
      { label: t("models.inputPrice"), key: "inputPrice", className: "num", render: (m) => formatPrice(m.inputPricePerM) },
      { label: t("models.outputPrice"), key: "outputPrice", className: "num", render: (m) => formatPrice(m.outputPricePerM) },
      { label: t("models.features"), render: features },
      { label: t("common.active"), key: "active", render: (m) => activeBadge(m.isActive) },
      { label: t("common.actions"), key: "actions", sticky: "end", render: (m) => [
        h("button", { type: "button", className: "small secondary", onclick: () => showIn(formBox, buildForm({
          id: "model-form",
          title: t("models.editTitle", { name: m.modelCode }),
          fields: modelFormFields(m, providers),
          onCancel: hideForm,
          onSubmit: async (values) => {
            await api("PUT", `admin/ai-models/${m.id}`, values);
            hideForm();
            notice(t("models.saved", { name: String(values.modelCode) }), "ok");
            await refresh();
          },
        })) }, t("common.edit")),
        actionButton(m.isActive ? t("common.disable") : t("common.enable"), async () => {
          await api("PUT", `admin/ai-models/${m.id}`, { isActive: !m.isActive });
          await refresh();
        }, "small secondary"),
        confirmButton(t("common.delete"), t("common.confirmDelete"), async () => {
          await api("DELETE", `admin/ai-models/${m.id}`);
          notice(t("models.deleted", { name: m.modelCode }), "ok");
          await refresh();
        }),
      ] },
    ], models, { id: "model-table", empty: t("models.none"), rowAttrs: (m) => ({ "data-model-id": m.id }) }));
  }

  await refresh();
}

registerView("models", { title: "nav.models", render: renderModelsView });
