/**
 * Browser view "Client keys": API keys for applications. A new key is shown once, in a panel
 * the admin dismisses; after that only its hint. Keys can be disabled, enabled and revoked.
 */
export const CLIENT_CLIENTS = String.raw`
views.clients = { title: "Client keys", render: renderClientsView };

async function renderClientsView(root) {
  var secretBox = h("div", { id: "new-client-key" });
  var listBox = h("section");
  var form = buildForm({
    id: "client-form",
    title: "Create a client key",
    submitLabel: "Create key",
    fields: [
      { name: "name", label: "Application name", required: true },
      { name: "allowedModels", label: "Allowed models", placeholder: "all models", hint: "Comma-separated, as provider/model or a code only one provider offers; empty allows every model." },
      { name: "rateLimitRpm", label: "Requests / min", type: "number", min: 1, placeholder: "no limit" },
    ],
    onSubmit: async function (values) {
      var models = values.allowedModels ? values.allowedModels.split(",").map(function (m) { return m.trim(); }).filter(Boolean) : [];
      var created = await api("POST", "admin/clients", { name: values.name, allowedModels: models.length ? models : null, rateLimitRpm: values.rateLimitRpm });
      form.reset();
      showSecret(created);
      await refresh();
    },
  });
  append(root, [h("h1", null, "Client keys"), secretBox, form, listBox]);

  function showSecret(created) {
    var output = h("input", { readonly: true, id: "new-client-key-value", className: "secret", "aria-label": "New client key" });
    // The property, not the attribute: the key stays out of the serialized page.
    output.value = created.apiKey;
    var copy = h("button", { type: "button", className: "small", onclick: async function () {
      output.select();
      try { await navigator.clipboard.writeText(output.value); copy.textContent = "Copied"; }
      catch (error) { copy.textContent = "Press Ctrl+C to copy"; }
    } }, "Copy");
    append(clear(secretBox), h("div", { className: "panel secret-panel", role: "alert" }, [
      h("h3", null, "Key for " + created.name),
      h("p", null, "Copy it now: it is stored hashed and will not be shown again."),
      h("div", { className: "secret-row" }, [output, copy]),
      h("button", { type: "button", id: "dismiss-client-key", className: "secondary", onclick: function () { clear(secretBox); } }, "I have copied it — dismiss"),
    ]));
  }
  // The key must not outlive this view (e.g. when coming back via the menu).
  onLeave(function () { clear(secretBox); });

  async function refresh() {
    var clients = listOf(await api("GET", "admin/clients"));
    append(clear(listBox), table([
      { label: "Name", key: "name", render: function (c) { return c.name; } },
      { label: "Key", key: "keyHint", render: function (c) { return h("code", null, c.keyHint); } },
      { label: "Allowed models", render: function (c) { return c.allowedModels ? c.allowedModels.join(", ") : "all"; } },
      { label: "Requests / min", className: "num", render: function (c) { return limitText(c.rateLimitRpm); } },
      { label: "State", key: "state", render: function (c) {
        return c.revokedAt ? badge("revoked", "bad") : c.isActive ? badge("active", "ok") : badge("disabled", "muted");
      } },
      { label: "Last used", render: function (c) { return formatTime(c.lastUsedAt); } },
      { label: "Created", render: function (c) { return formatTime(c.createdAt); } },
      { label: "", render: function (c) {
        if (c.revokedAt) return "Revoked " + formatTime(c.revokedAt);
        return [
          actionButton(c.isActive ? "Disable" : "Enable", async function () {
            await api("PUT", "admin/clients/" + c.id, { isActive: !c.isActive });
            await refresh();
          }, "small secondary"),
          confirmButton("Revoke", "Confirm revoke", async function () {
            await api("DELETE", "admin/clients/" + c.id);
            notice("Client key " + c.name + " revoked.", "ok");
            await refresh();
          }),
        ];
      } },
    ], clients, { id: "client-table", empty: "No client keys yet.", rowAttrs: function (c) { return { "data-client-id": c.id }; } }));
  }

  await refresh();
}
`;
