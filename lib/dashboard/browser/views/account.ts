/**
 * View "Account" (from the user name in the top bar): who is signed in, and changing one's own
 * password. The server revokes every older token and returns a new one, which replaces ours.
 */
import { api, session, signIn } from "../api";
import { append, h } from "../dom";
import { t } from "../i18n";
import { registerView } from "../shell";
import { buildForm, notice } from "../ui";

function renderAccountView(root: HTMLElement): void {
  const current = session();
  const form = buildForm({
    id: "password-form",
    title: t("account.changePassword"),
    submitLabel: t("account.change"),
    fields: [
      { name: "currentPassword", label: t("account.currentPassword"), type: "password", required: true, autocomplete: "current-password" },
      { name: "newPassword", label: t("account.newPassword"), type: "password", required: true, hint: t("account.passwordRule") },
      { name: "confirmPassword", label: t("account.confirmPassword"), type: "password", required: true },
    ],
    onSubmit: async (values) => {
      if (values.newPassword !== values.confirmPassword) throw new Error(t("account.mismatch"));
      signIn(await api("POST", "auth/password", { currentPassword: values.currentPassword, newPassword: values.newPassword }));
      form.reset();
      notice(t("account.changed"), "ok");
    },
  });
  append(root, [
    h("h1", null, t("account.title")),
    h("p", { id: "account-who" }, t("account.signedInAs", { name: current?.username ?? "", role: current?.role === "viewer" ? t("users.roleViewer") : t("users.roleAdmin") })),
    form,
  ]);
}

registerView("account", { title: "nav.account", render: renderAccountView, hidden: true });
