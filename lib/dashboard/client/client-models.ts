/**
 * Browser view "Models": the catalogue with context sizes and prices per million tokens;
 * add, edit and enable/disable.
 */
export const CLIENT_MODELS = String.raw`
views.models = { title: "Models", render: renderModelsView };

function modelFormFields(model, providers) {
  var editing = Boolean(model);
  model = model || {};
  var fields = [];
  if (!editing) {
    fields.push({ name: "providerId", label: "Provider", type: "select", required: true, value: providers[0] && providers[0].id,
      options: providers.map(function (p) { return [p.id, p.name]; }) });
  }
  return fields.concat([
    { name: "modelCode", label: "Model code", required: true, value: model.modelCode },
    { name: "displayName", label: "Display name", required: true, value: model.displayName },
    { name: "contextWindow", label: "Context window", type: "number", min: 1, required: true, value: model.contextWindow },
    { name: "maxOutputTokens", label: "Max output tokens", type: "number", min: 1, required: true, value: model.maxOutputTokens },
    { name: "inputPricePerM", label: "Input $ / 1M tokens", type: "number", min: 0, step: "any", required: true, value: model.inputPricePerM },
    { name: "outputPricePerM", label: "Output $ / 1M tokens", type: "number", min: 0, step: "any", required: true, value: model.outputPricePerM },
    { name: "supportsStreaming", label: "Streaming", type: "checkbox", value: editing ? model.supportsStreaming : true },
    { name: "supportsTools", label: "Tools", type: "checkbox", value: model.supportsTools },
    { name: "supportsVision", label: "Vision", type: "checkbox", value: model.supportsVision },
    { name: "isActive", label: "Active", type: "checkbox", value: editing ? model.isActive : true },
  ]);
}

async function renderModelsView(root) {
  var providers = await loadProviders(false);
  var filter = h("select", { id: "model-provider-filter", onchange: function () { refresh(); } },
    [h("option", { value: "" }, "All providers")].concat(providers.map(function (p) { return h("option", { value: String(p.id) }, p.name); })));
  var listBox = h("section");
  var formBox = h("div");
  function showForm(form) { append(clear(formBox), form); formBox.scrollIntoView({ block: "nearest" }); form.querySelector("input,select").focus(); }
  function hideForm() { clear(formBox); }
  append(root, [
    h("h1", null, "Models"),
    h("div", { className: "toolbar" }, [field("Provider", filter),
      h("button", { type: "button", className: "secondary", onclick: function () {
        showForm(buildForm({ title: "Add model", fields: modelFormFields(null, providers), submitLabel: "Add model", onCancel: hideForm, onSubmit: async function (values) {
          values.providerId = Number(values.providerId);
          await api("POST", "admin/ai-models", values);
          hideForm();
          notice("Model " + values.modelCode + " added.", "ok");
          await refresh();
        } }));
      } }, "Add model")]),
    formBox,
    listBox,
  ]);

  async function refresh() {
    var models = await api("GET", "admin/ai-models" + query({ providerId: filter.value }));
    var flags = function (m) {
      return [m.supportsStreaming ? "stream" : null, m.supportsTools ? "tools" : null, m.supportsVision ? "vision" : null].filter(Boolean).join(", ") || "—";
    };
    append(clear(listBox), table([
      { label: "Provider", render: function (m) { return providerName(providers, m.providerId); } },
      { label: "Model", key: "modelCode", render: function (m) { return h("code", null, m.modelCode); } },
      { label: "Name", render: function (m) { return m.displayName; } },
      { label: "Context", className: "num", render: function (m) { return formatNumber(m.contextWindow); } },
      { label: "Max output", className: "num", render: function (m) { return formatNumber(m.maxOutputTokens); } },
      { label: "Input $/1M", key: "inputPrice", className: "num", render: function (m) { return "$" + m.inputPricePerM; } },
      { label: "Output $/1M", key: "outputPrice", className: "num", render: function (m) { return "$" + m.outputPricePerM; } },
      { label: "Features", render: flags },
      { label: "Active", render: function (m) { return m.isActive ? badge("active", "ok") : badge("disabled", "muted"); } },
      { label: "", render: function (m) {
        return [
          h("button", { type: "button", className: "small secondary", onclick: function () {
            showForm(buildForm({ id: "model-form", title: "Edit " + m.modelCode, fields: modelFormFields(m, providers), onCancel: hideForm, onSubmit: async function (values) {
              await api("PUT", "admin/ai-models/" + m.id, values);
              hideForm();
              notice("Model " + values.modelCode + " saved.", "ok");
              await refresh();
            } }));
          } }, "Edit"),
          actionButton(m.isActive ? "Disable" : "Enable", async function () {
            await api("PUT", "admin/ai-models/" + m.id, { isActive: !m.isActive });
            await refresh();
          }, "small secondary"),
        ];
      } },
    ], models, { id: "model-table", empty: "No models.", rowAttrs: function (m) { return { "data-model-id": m.id }; } }));
  }

  await refresh();
}
`;
