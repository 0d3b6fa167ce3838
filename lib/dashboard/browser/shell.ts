/**
 * The page around the views: the top bar (brand, menu, language, who is signed in, Log out),
 * the notice bar, the login form, and the hash router (`#/<view>?<params>`).
 */
import { api, ApiError, errorText, forgetSession, session, signIn, whenSessionEnds } from "./api";
import { append, byId, clear, h, replace } from "./dom";
import { applyDocumentLanguage, locale, LOCALES, setLocale, t, type Locale } from "./i18n";
import type { MessageKey } from "./messages-en";
import { field, notice, readForm } from "./ui";

/** A view of the menu. */
export interface View {
  title: MessageKey;
  /** Renders into `root`; `params` are the query of the hash (`#/logs?status=error`). */
  render(root: HTMLElement, params: URLSearchParams): Promise<void> | void;
  /** Left out of the menu (reached from elsewhere, e.g. the account page from the user name). */
  hidden?: boolean;
}

const views = new Map<string, View>();
const leaveHandlers: Array<() => void> = [];
const DEFAULT_VIEW = "usage";

/** Adds a view; the order of calls is the menu's order. */
export function registerView(name: string, view: View): void {
  views.set(name, view);
}

/** Runs when the current view is left (charts destroyed, secrets dropped). */
export function onLeave(handler: () => void): void {
  leaveHandlers.push(handler);
}

function leave(): void {
  for (const handler of leaveHandlers.splice(0)) {
    try {
      handler();
    } catch {
      // The view is already gone.
    }
  }
}

/** The current route: view name and its parameters. */
export function currentRoute(): { name: string; params: URLSearchParams } {
  const [path, search] = location.hash.replace(/^#\/?/, "").split("?");
  return { name: views.has(path) ? path : DEFAULT_VIEW, params: new URLSearchParams(search ?? "") };
}

/** Puts a view's parameters into the URL without re-rendering (filters that can be shared). */
export function setRouteParams(name: string, params: URLSearchParams): void {
  const search = params.toString();
  history.replaceState(null, "", `#/${name}${search ? `?${search}` : ""}`);
}

/** Renders the view the hash names. */
export function navigate(): void {
  leave();
  if (!session()) {
    renderLogin("");
    return;
  }
  const { name, params } = currentRoute();
  const view = views.get(name)!;
  renderShell(name);
  // Messages belong to the view that raised them.
  notice("");
  const root = h("div", { className: "view", id: `view-${name}` });
  replace(byId("main")!, root);
  document.title = `${t(view.title)} · modelgate`;
  Promise.resolve(view.render(root, params)).catch((error: unknown) => {
    if (error instanceof ApiError && error.sessionEnded) return;
    append(root, h("p", { className: "error", role: "alert" }, errorText(error)));
  });
}

function languageSwitch(): HTMLSelectElement {
  const names: Record<Locale, string> = { en: "English", "zh-CN": "简体中文" };
  return h(
    "select",
    {
      id: "language",
      className: "language",
      "aria-label": t("shell.language"),
      onchange: (event) => {
        setLocale((event.target as HTMLSelectElement).value as Locale);
        if (session()) {
          // The top bar is rebuilt in the new language, then the view.
          clear(byId("app")!);
          navigate();
        } else renderLogin("");
      },
    },
    LOCALES.map((code) => h("option", { value: code, selected: code === locale(), lang: code }, names[code])),
  );
}

/** Ends the session on the server too (every token of this user), then forgets it here. */
async function logOut(): Promise<void> {
  await api("POST", "auth/logout").catch(() => null);
  forgetSession();
  renderLogin(t("login.signedOut"));
}

function renderShell(active: string): void {
  const app = byId("app")!;
  let nav = byId("nav");
  if (!nav) {
    clear(app);
    nav = h("nav", { id: "nav", "aria-label": t("shell.menu") });
    append(app, [
      h("header", { className: "topbar" }, [
        h("strong", { className: "brand" }, "modelgate"),
        nav,
        h("div", { className: "topbar-end" }, [
          languageSwitch(),
          h("a", { id: "who", className: "who", href: "#/account", title: t("shell.account") }),
          h("button", { type: "button", id: "logout", className: "secondary", onclick: () => void logOut() }, t("shell.logout")),
        ]),
      ]),
      h("div", { id: "notice", className: "notice", hidden: true, role: "status" }),
      h("main", { id: "main" }),
    ]);
  }
  clear(nav);
  for (const [name, view] of views) {
    if (view.hidden) continue;
    nav.appendChild(h("a", { href: `#/${name}`, className: name === active ? "active" : "", "aria-current": name === active ? "page" : null, "data-view": name }, t(view.title)));
  }
  nav.querySelector(".active")?.scrollIntoView({ block: "nearest", inline: "nearest" });
  replace(byId("who")!, session()?.username ?? "");
}

/** The login form, with a message (signed out, session ended). */
export function renderLogin(message: string): void {
  leave();
  document.title = `${t("login.title")} · modelgate`;
  const status = h("p", { className: message ? "info" : "", id: "login-message", role: "status" }, message);
  const button = h("button", { type: "submit" }, t("login.submit"));
  const form: HTMLFormElement = h("form", {
    id: "login-form",
    className: "login",
    onsubmit: async (event) => {
      event.preventDefault();
      const values = readForm(form);
      button.disabled = true;
      try {
        signIn(await api("POST", "auth/login", { username: values.username, password: values.password }));
        clear(byId("app")!);
        navigate();
      } catch (error) {
        status.className = "error";
        replace(status, errorText(error));
        button.disabled = false;
      }
    },
  });
  append(form, [
    h("div", { className: "login-head" }, [h("h1", null, t("login.heading")), languageSwitch()]),
    field(t("login.username"), h("input", { name: "username", autocomplete: "username", required: true })),
    field(t("login.password"), h("input", { name: "password", type: "password", autocomplete: "current-password", required: true })),
    button,
    status,
  ]);
  replace(byId("app")!, h("main", { className: "login-page" }, form));
}

/** Starts the app: language, session-end handling, routing. */
export function start(): void {
  applyDocumentLanguage();
  whenSessionEnds(() => renderLogin(t("login.sessionEnded")));
  window.addEventListener("hashchange", navigate);
  navigate();
}
