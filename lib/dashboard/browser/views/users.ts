/**
 * View "Users": admin users with their role (admin may change things, viewer only reads) and
 * state; add, edit (role, active, a new password) and delete. The server keeps at least one
 * active admin and refuses changes to yourself that would lock you out.
 */
import { api, listOf, session } from "../api";
import { append, clear, h, replace } from "../dom";
import { formatTime, t } from "../i18n";
import { registerView } from "../shell";
import { activeBadge, badge, buildForm, confirmButton, isMissingApi, notice, showIn, table, unavailable, type FieldSpec } from "../ui";

interface AdminUser {
  id: number;
  username: string;
  role: "admin" | "viewer";
  isActive: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

const roleOptions = (): Array<[string, string]> => [["admin", t("users.roleAdmin")], ["viewer", t("users.roleViewer")]];

async function renderUsersView(root: HTMLElement): Promise<void> {
  const listBox = h("section");
  const formBox = h("div");
  const hideForm = () => clear(formBox);
  const addButton = h("button", { type: "button", id: "add-user", className: "secondary", onclick: () => showIn(formBox, buildForm({
    id: "user-form",
    title: t("users.addTitle"),
    submitLabel: t("users.add"),
    fields: userFields(null),
    onCancel: hideForm,
    onSubmit: async (values) => {
      await api("POST", "admin/users", { username: values.username, password: values.password, role: values.role, isActive: values.isActive });
      hideForm();
      notice(t("users.added", { name: String(values.username) }), "ok");
      await refresh();
    },
  })) }, t("users.add"));
  append(root, [h("h1", null, t("users.title")), h("p", { className: "muted" }, t("users.intro")), h("div", { className: "actions" }, addButton), formBox, listBox]);

  function userFields(user: AdminUser | null): FieldSpec[] {
    return [
      { name: "username", label: t("login.username"), required: true, value: user?.username, autocomplete: "off" },
      { name: "password", label: user ? t("users.newPassword") : t("login.password"), type: "password", required: !user, placeholder: user ? t("users.passwordUnchanged") : undefined, hint: t("account.passwordRule") },
      { name: "role", label: t("users.role"), type: "select", value: user?.role ?? "viewer", options: roleOptions() },
      { name: "isActive", label: t("common.active"), type: "checkbox", value: user ? user.isActive : true },
    ];
  }

  async function refresh(): Promise<void> {
    let users: AdminUser[];
    try {
      users = listOf<AdminUser>(await api("GET", "admin/users"));
    } catch (error) {
      if (isMissingApi(error)) {
        addButton.hidden = true;
        return replace(listBox, unavailable(t("users.api")));
      }
      throw error;
    }
    const me = session()?.username;
    replace(listBox, table<AdminUser>([
      { label: t("login.username"), key: "username", sticky: "start", render: (user) => [user.username, user.username === me ? [" ", badge(t("users.you"))] : null] },
      { label: t("users.role"), key: "role", render: (user) => badge(user.role === "admin" ? t("users.roleAdmin") : t("users.roleViewer"), user.role === "admin" ? "ok" : "") },
      { label: t("common.active"), key: "active", render: (user) => activeBadge(user.isActive) },
      { label: t("users.lastLogin"), render: (user) => formatTime(user.lastLoginAt) },
      { label: t("common.created"), render: (user) => formatTime(user.createdAt) },
      { label: t("common.actions"), key: "actions", sticky: "end", render: (user) => [
        h("button", { type: "button", className: "small secondary", onclick: () => showIn(formBox, buildForm({
          id: "user-form",
          title: t("users.editTitle", { name: user.username }),
          fields: userFields(user),
          onCancel: hideForm,
          onSubmit: async (values) => {
            const body: Record<string, unknown> = { username: values.username, role: values.role, isActive: values.isActive };
            if (values.password) body.password = values.password;
            await api("PUT", `admin/users/${user.id}`, body);
            hideForm();
            notice(t("users.saved", { name: String(values.username) }), "ok");
            await refresh();
          },
        })) }, t("common.edit")),
        confirmButton(t("common.delete"), t("common.confirmDelete"), async () => {
          await api("DELETE", `admin/users/${user.id}`);
          notice(t("users.deleted", { name: user.username }), "ok");
          await refresh();
        }),
      ] },
    ], users, { id: "user-table", empty: t("common.empty"), rowAttrs: (user) => ({ "data-user-id": user.id }) }));
  }

  await refresh();
}

registerView("users", { title: "nav.users", render: renderUsersView });
