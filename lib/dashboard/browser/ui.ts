/**
 * Building blocks of the views: the notice bar, form fields and forms, buttons that act (or ask
 * twice first), tables with sticky name and action columns, badges, and the "not available"
 * state for an API this server does not have yet.
 */
import { ApiError, download, errorText } from "./api";
import { append, byId, clear, h, replace, type Child } from "./dom";
import { formatNumber, t } from "./i18n";
import type { MessageKey } from "./messages-en";

/** Shows a message in the bar under the top bar; empty text hides it. */
export function notice(text: string, kind: "ok" | "info" | "error" = "info"): void {
  const bar = byId("notice");
  if (!bar) return;
  clear(bar);
  bar.className = `notice ${kind}`;
  if (!text) {
    bar.hidden = true;
    return;
  }
  bar.hidden = false;
  append(bar, [h("span", null, text), h("button", { type: "button", className: "link", "aria-label": t("common.dismiss"), onclick: () => notice("") }, "×")]);
}

/** Shows what a failed action threw, unless the session ended (the login form says so). */
export function reportError(error: unknown): void {
  if (error instanceof ApiError && error.sessionEnded) return;
  notice(errorText(error), "error");
}

type FieldInput = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | HTMLElement;

/** A labelled input. */
export function field(label: string, input: FieldInput, hint?: string | null): HTMLLabelElement {
  const check = input instanceof HTMLInputElement && input.type === "checkbox";
  return h("label", { className: check ? "field check" : "field" }, [h("span", null, label), input, hint ? h("small", null, hint) : null]);
}

/** Form values: checkboxes as booleans, numbers as numbers (empty = null), the rest trimmed. */
export type FormValues = Record<string, string | number | boolean | null | string[]>;

/** Reads a form's named inputs; several checkboxes of one name give the checked values. */
export function readForm(form: HTMLFormElement): FormValues {
  const values: FormValues = {};
  const multi = new Set<string>();
  for (const element of Array.from(form.elements)) {
    if (!(element instanceof HTMLInputElement || element instanceof HTMLSelectElement || element instanceof HTMLTextAreaElement) || !element.name) continue;
    if (element instanceof HTMLInputElement && element.type === "checkbox" && element.dataset.multi !== undefined) {
      if (!multi.has(element.name)) values[element.name] = [];
      multi.add(element.name);
      if (element.checked) (values[element.name] as string[]).push(element.value);
    } else if (element instanceof HTMLInputElement && element.type === "checkbox") values[element.name] = element.checked;
    else if (element instanceof HTMLInputElement && element.type === "number") values[element.name] = element.value.trim() === "" ? null : Number(element.value);
    else values[element.name] = element.value.trim();
  }
  return values;
}

/** One field of {@link buildForm}. */
export interface FieldSpec {
  name: string;
  label: string;
  type?: "text" | "password" | "number" | "url" | "checkbox" | "select" | "models" | "textarea" | "datetime-local";
  value?: unknown;
  required?: boolean;
  placeholder?: string;
  hint?: string;
  min?: number;
  step?: string;
  autocomplete?: string;
  /** `select`: [value, label] pairs; `models`: [value, label] of the checkboxes. */
  options?: Array<[string | number, string]>;
}

/** What {@link buildForm} builds. */
export interface FormSpec {
  id?: string;
  title?: string;
  submitLabel?: string;
  fields: FieldSpec[];
  onSubmit(values: FormValues): Promise<void>;
  onCancel?: () => void;
}

/** A list of checkboxes (allowed models) with a filter box; none checked means "all". */
function checkboxList(spec: FieldSpec): HTMLElement {
  const chosen = new Set(Array.isArray(spec.value) ? (spec.value as string[]) : []);
  const boxes = (spec.options ?? []).map(([value, label]) =>
    h("label", { className: "choice", "data-value": String(value) }, [h("input", { type: "checkbox", name: spec.name, value: String(value), "data-multi": true, checked: chosen.has(String(value)) }), h("span", null, label)]),
  );
  const filter = h("input", {
    type: "search",
    className: "choice-filter",
    placeholder: t("common.filter"),
    "aria-label": t("common.filter"),
    oninput: () => {
      const text = filter.value.trim().toLowerCase();
      for (const box of boxes) box.hidden = text !== "" && !(box.getAttribute("data-value") ?? "").toLowerCase().includes(text);
    },
  });
  return h("div", { className: "choices", role: "group", "aria-label": spec.label, "data-field": spec.name }, [filter, h("div", { className: "choice-list" }, boxes)]);
}

function inputFor(spec: FieldSpec): HTMLElement {
  if (spec.type === "select") {
    return h(
      "select",
      { name: spec.name, required: spec.required },
      (spec.options ?? []).map(([value, label]) => h("option", { value: String(value), selected: String(value) === String(spec.value) }, label)),
    );
  }
  if (spec.type === "models") return checkboxList(spec);
  if (spec.type === "textarea") {
    return h("textarea", { name: spec.name, required: spec.required, rows: 4, placeholder: spec.placeholder, spellcheck: "false", value: spec.value === null || spec.value === undefined ? "" : String(spec.value) });
  }
  const checkbox = spec.type === "checkbox";
  return h("input", {
    name: spec.name,
    type: spec.type ?? "text",
    required: spec.required,
    placeholder: spec.placeholder,
    step: spec.step,
    min: spec.min,
    autocomplete: spec.autocomplete ?? (spec.type === "password" ? "new-password" : "off"),
    value: checkbox || spec.value === null || spec.value === undefined ? null : String(spec.value),
    checked: checkbox ? Boolean(spec.value) : null,
  });
}

/** A form in a panel: fields, an error line, and Save / Cancel. */
export function buildForm(spec: FormSpec): HTMLFormElement {
  const errorBox = h("p", { className: "error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit" }, spec.submitLabel ?? t("common.save"));
  const form = h("form", {
    className: "panel form",
    id: spec.id,
    onsubmit: async (event) => {
      event.preventDefault();
      submit.disabled = true;
      errorBox.hidden = true;
      try {
        await spec.onSubmit(readForm(form));
      } catch (error) {
        if (error instanceof ApiError && error.sessionEnded) return;
        replace(errorBox, errorText(error));
        errorBox.hidden = false;
      } finally {
        submit.disabled = false;
      }
    },
  });
  append(form, [
    spec.title ? h("h3", null, spec.title) : null,
    h(
      "div",
      { className: "fields" },
      spec.fields.map((item) => {
        if (item.type === "models") return h("div", { className: "field wide" }, [h("span", null, item.label), inputFor(item), item.hint ? h("small", null, item.hint) : null]);
        const label = field(item.label, inputFor(item), item.hint);
        if (item.type === "textarea") label.classList.add("wide");
        return label;
      }),
    ),
    errorBox,
    h("div", { className: "actions" }, [submit, spec.onCancel ? h("button", { type: "button", className: "secondary", onclick: spec.onCancel }, t("common.cancel")) : null]),
  ]);
  return form;
}

/** A button that runs an action, disabled while it runs; failures go to the notice bar. */
export function actionButton(label: string, action: () => Promise<unknown>, className = "small"): HTMLButtonElement {
  const button = h("button", {
    type: "button",
    className,
    onclick: async () => {
      button.disabled = true;
      try {
        await action();
      } catch (error) {
        reportError(error);
      } finally {
        button.disabled = false;
      }
    },
  }, label);
  return button;
}

/** A button that asks for a second click before doing something destructive. */
export function confirmButton(label: string, confirmLabel: string, action: () => Promise<unknown>): HTMLButtonElement {
  let armed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const button = h("button", {
    type: "button",
    className: "danger small",
    onclick: async () => {
      if (!armed) {
        armed = true;
        button.textContent = confirmLabel;
        timer = setTimeout(() => {
          armed = false;
          button.textContent = label;
        }, 4000);
        return;
      }
      clearTimeout(timer);
      button.disabled = true;
      try {
        await action();
      } catch (error) {
        reportError(error);
        button.disabled = false;
        armed = false;
        button.textContent = label;
      }
    },
  }, label);
  return button;
}

/** A column of {@link table}. */
export interface Column<T> {
  label: string;
  /** `data-col` of the cells, for tests and styles. */
  key?: string;
  className?: string;
  /** `start`: the row's name, kept in view when scrolling sideways; `end`: its actions. */
  sticky?: "start" | "end";
  render(row: T): Child;
}

/** A table in a horizontally scrolling box. */
export function table<T>(columns: Array<Column<T>>, rows: T[], options: { id?: string; empty?: string; rowAttrs?: (row: T) => Record<string, string | number> } = {}): HTMLElement {
  const classOf = (column: Column<T>) => [column.className, column.sticky ? `sticky-${column.sticky}` : null].filter(Boolean).join(" ") || null;
  const head = h("tr", null, columns.map((column) => h("th", { scope: "col", className: classOf(column), "data-col": column.key }, column.label)));
  const body = h(
    "tbody",
    null,
    rows.map((row) => h("tr", options.rowAttrs ? options.rowAttrs(row) : null, columns.map((column) => h("td", { className: classOf(column), "data-col": column.key }, column.render(row))))),
  );
  if (!rows.length) body.appendChild(h("tr", { className: "empty" }, h("td", { colspan: columns.length }, options.empty ?? t("common.empty"))));
  return h("div", { className: "table-wrap" }, h("table", { id: options.id }, [h("thead", null, head), body]));
}

/** A small coloured label. */
export function badge(text: string, kind = ""): HTMLElement {
  return h("span", { className: `badge ${kind}` }, text);
}

const STATUS_KINDS: Record<string, string> = { normal: "ok", success: "ok", served: "ok", resolved: "ok", ok: "ok", rate_limited: "warn", quota_exceeded: "warn", partial: "warn", rejected: "warn", budget: "warn", skipped: "warn", firing: "bad", invalid: "bad", error: "bad", failed: "bad" };
const STATUS_LABELS: Record<string, MessageKey> = {
  normal: "status.normal",
  success: "status.success",
  served: "status.served",
  resolved: "status.resolved",
  ok: "status.ok",
  rate_limited: "status.rate_limited",
  quota_exceeded: "status.quota_exceeded",
  partial: "status.partial",
  rejected: "status.rejected",
  budget: "status.budget",
  skipped: "status.skipped",
  firing: "status.firing",
  invalid: "status.invalid",
  error: "status.error",
  failed: "status.failed",
};

/** A status word from the API as a coloured, translated badge (the raw value stays in `data-status`). */
export function statusBadge(status: string | null | undefined): HTMLElement {
  const value = status ?? "";
  const label = STATUS_LABELS[value] ? t(STATUS_LABELS[value]) : value.replace(/_/g, " ") || "—";
  const node = badge(label, STATUS_KINDS[value] ?? "");
  node.setAttribute("data-status", value);
  return node;
}

/** Active / disabled. */
export function activeBadge(active: boolean): HTMLElement {
  return active ? badge(t("common.active"), "ok") : badge(t("common.disabled"), "muted");
}

/** True for the 404 of an API this server does not have (yet). */
export function isMissingApi(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 404 || error.status === 405);
}

/** The state shown where an API is missing on this server. */
export function unavailable(what: string): HTMLElement {
  return h("div", { className: "panel unavailable", role: "status" }, [h("strong", null, t("common.unavailableTitle")), " ", t("common.unavailable", { what })]);
}

/** A labelled number in a card. */
export function card(id: string, label: string, value: string, hint?: string): HTMLElement {
  // Long values (fractions of a cent, p50 / p95 pairs) get a smaller font rather than an ellipsis.
  const valueBox = h("div", { className: value.length > 9 ? "value long" : "value", title: value }, value);
  return h("div", { className: "card", id }, [h("div", { className: "label" }, label), valueBox, hint ? h("div", { className: "hint" }, hint) : null]);
}

/** Puts a form into a box, focuses its first input and brings it into view. */
export function showIn(box: HTMLElement, form: HTMLElement): void {
  replace(box, form);
  form.scrollIntoView({ block: "nearest" });
  form.querySelector<HTMLElement>("input,select")?.focus();
}

/** Downloads a CSV export through the API (it needs the bearer token, so no plain link) and saves it. */
export async function saveCsv(path: string): Promise<void> {
  try {
    const file = await download(path);
    const link = h("a", { href: URL.createObjectURL(file.blob), download: file.filename, hidden: true });
    document.body.appendChild(link);
    link.click();
    setTimeout(() => {
      URL.revokeObjectURL(link.href);
      link.remove();
    }, 1000);
    if (file.truncated) notice(t("logs.exportedTruncated", { file: file.filename, rows: formatNumber(file.rows ?? 0) }), "info");
    else notice(t("logs.exported", { file: file.filename }), "ok");
  } catch (error) {
    reportError(error);
  }
}
