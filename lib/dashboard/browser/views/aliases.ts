/**
 * View "Aliases": names that stand for an ordered list of catalogue models (`smart` → first
 * `openai/gpt-5`, then `anthropic/claude-sonnet-4-6`); a request for an alias tries them in
 * turn. Members are written one per line as `provider/model`, with an optional weight after a
 * space (consecutive weighted members share one position, in proportion).
 */
import { api, listOf } from "../api";
import { append, clear, h, replace } from "../dom";
import { formatTime, t } from "../i18n";
import { registerView } from "../shell";
import { activeBadge, badge, buildForm, confirmButton, isMissingApi, notice, showIn, table, unavailable, type FieldSpec, type FormValues } from "../ui";

interface AliasMember {
  model: string;
  weight: number | null;
  available?: boolean;
}

interface Alias {
  id: number;
  alias: string;
  description: string | null;
  isActive: boolean;
  members: AliasMember[];
  updatedAt: string;
}

/** Members as the text area shows them: one per line, weight after a space. */
function membersText(members: AliasMember[]): string {
  return members.map((member) => (member.weight === null || member.weight === undefined ? member.model : `${member.model} ${member.weight}`)).join("\n");
}

/** Reads the text area back; the server checks each model against the catalogue. */
function parseMembers(text: string): Array<{ model: string; weight?: number }> {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [model, weight] = line.split(/\s+/);
      return weight === undefined ? { model } : { model, weight: Number(weight) };
    });
}

async function renderAliasesView(root: HTMLElement): Promise<void> {
  const listBox = h("section");
  const formBox = h("div");
  const hideForm = () => clear(formBox);

  const fields = (alias: Alias | null): FieldSpec[] => [
    { name: "alias", label: t("aliases.alias"), required: true, value: alias?.alias, placeholder: "smart" },
    { name: "description", label: t("aliases.description"), value: alias?.description },
    { name: "members", label: t("aliases.members"), type: "textarea", required: true, value: alias ? membersText(alias.members) : "", hint: t("aliases.membersHint") },
    { name: "isActive", label: t("common.active"), type: "checkbox", value: alias ? alias.isActive : true },
  ];
  const bodyOf = (values: FormValues) => ({ alias: values.alias, description: values.description || null, members: parseMembers(String(values.members ?? "")), isActive: values.isActive });
  const addButton = h("button", { type: "button", id: "add-alias", className: "secondary", onclick: () => showIn(formBox, buildForm({
    id: "alias-form",
    title: t("aliases.addTitle"),
    submitLabel: t("aliases.add"),
    fields: fields(null),
    onCancel: hideForm,
    onSubmit: async (values) => {
      await api("POST", "admin/ai-aliases", bodyOf(values));
      hideForm();
      notice(t("aliases.added", { name: String(values.alias) }), "ok");
      await refresh();
    },
  })) }, t("aliases.add"));
  append(root, [h("h1", null, t("aliases.title")), h("p", { className: "muted" }, t("aliases.intro")), h("div", { className: "actions" }, addButton), formBox, listBox]);

  async function refresh(): Promise<void> {
    let aliases: Alias[];
    try {
      aliases = listOf<Alias>(await api("GET", "admin/ai-aliases"));
    } catch (error) {
      if (isMissingApi(error)) {
        addButton.hidden = true;
        return replace(listBox, unavailable(t("aliases.api")));
      }
      throw error;
    }
    replace(listBox, table<Alias>([
      { label: t("aliases.alias"), key: "alias", sticky: "start", render: (alias) => h("code", null, alias.alias) },
      { label: t("aliases.members"), key: "members", className: "wrap", render: (alias) => alias.members.map((member, index) => [
        index ? " → " : "",
        h("code", null, member.model),
        member.weight !== null && member.weight !== undefined ? ` ×${member.weight}` : "",
        member.available === false ? [" ", badge(t("aliases.unavailable"), "warn")] : null,
      ]) },
      { label: t("aliases.description"), className: "wrap", render: (alias) => alias.description || "—" },
      { label: t("common.active"), key: "active", render: (alias) => activeBadge(alias.isActive) },
      { label: t("alerts.updated"), render: (alias) => formatTime(alias.updatedAt) },
      { label: t("common.actions"), key: "actions", sticky: "end", render: (alias) => [
        h("button", { type: "button", className: "small secondary", onclick: () => showIn(formBox, buildForm({
          id: "alias-form",
          title: t("aliases.editTitle", { name: alias.alias }),
          fields: fields(alias),
          onCancel: hideForm,
          onSubmit: async (values) => {
            await api("PUT", `admin/ai-aliases/${alias.id}`, bodyOf(values));
            hideForm();
            notice(t("aliases.saved", { name: String(values.alias) }), "ok");
            await refresh();
          },
        })) }, t("common.edit")),
        confirmButton(t("common.delete"), t("common.confirmDelete"), async () => {
          await api("DELETE", `admin/ai-aliases/${alias.id}`);
          notice(t("aliases.deleted", { name: alias.alias }), "ok");
          await refresh();
        }),
      ] },
    ], aliases, { id: "alias-table", empty: t("aliases.none"), rowAttrs: (alias) => ({ "data-alias-id": alias.id }) }));
  }

  await refresh();
}

registerView("aliases", { title: "nav.aliases", render: renderAliasesView });
