/**
 * The browser side of /docs: fetches ./openapi.json and lays it out, one section per tag, with
 * each operation's method, path, summary, who may call it, parameters and body schema, plus a
 * filter box. DOM calls only (no innerHTML), so it runs under a CSP without inline script.
 * Plain JavaScript in a string, served as written, so a bundler's renaming and helpers
 * (minify, keepNames) never reach it.
 */
export const REFERENCE_PAGE_JS = String.raw`"use strict";
(function () {
const make = (tag, className, text) => {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== void 0) element.textContent = text;
  return element;
};
const root = document.getElementById("reference");
const status = document.getElementById("status");
const resolve = (document_, schema) => {
  const reference = schema.$ref ?? "";
  if (!reference.startsWith("#/")) return schema;
  const found = reference.slice(2).split("/").reduce((node, part) => node && typeof node === "object" ? node[part] : void 0, document_);
  return found ?? schema;
};
const schemaText = (schema) => {
  if (!schema) return "";
  if (typeof schema.type === "string" && schema.enum) return schema.type + ": " + schema.enum.join(" | ");
  if (typeof schema.type === "string") return schema.type + (schema.pattern ? " (" + schema.pattern + ")" : "");
  if (Array.isArray(schema.type)) return schema.type.join(" | ");
  if (schema.anyOf) return schema.anyOf.map(schemaText).join(" | ");
  return "any";
};
const operationSection = (document_, method, path, operation) => {
  const section = make("details", "operation");
  section.dataset.search = (method + " " + path + " " + (operation.summary ?? "")).toLowerCase();
  const summary = make("summary", "");
  summary.append(make("span", "method method-" + method, method.toUpperCase()), make("code", "path", path), make("span", "summary", operation.summary ?? ""));
  section.append(summary);
  const schemes = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
  section.append(make("p", "auth", schemes.length ? "Authentication: " + schemes.join(" or ") : "No authentication"));
  const parameters = operation.parameters ?? [];
  if (parameters.length > 0) {
    const table = make("table", "parameters");
    const head = make("tr", "");
    for (const title of ["parameter", "in", "required", "schema"]) head.append(make("th", "", title));
    table.append(head);
    for (const parameter of parameters) {
      const row = make("tr", "");
      row.append(make("td", "", parameter.name), make("td", "", parameter.in), make("td", "", parameter.required ? "yes" : "no"), make("td", "", schemaText(parameter.schema)));
      table.append(row);
    }
    section.append(table);
  }
  const body = operation.requestBody?.content?.["application/json"]?.schema;
  if (body) {
    section.append(make("h4", "", "Request body (application/json)"));
    section.append(make("pre", "schema", JSON.stringify(resolve(document_, body), null, 2)));
  }
  return section;
};
const render = (document_) => {
  const title = document.getElementById("title");
  title.textContent = (document_.info?.title ?? "API") + " " + (document_.info?.version ?? "") + " \u2014 API reference";
  const byTag = new Map();
  for (const [path, operations] of Object.entries(document_.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      const tag = operation.tags?.[0] ?? "other";
      byTag.set(tag, [...byTag.get(tag) ?? [], operationSection(document_, method, path, operation)]);
    }
  }
  for (const tag of [...byTag.keys()].sort()) {
    const group = make("section", "tag");
    group.append(make("h2", "", tag), ...byTag.get(tag));
    root.append(group);
  }
  status.textContent = root.querySelectorAll(".operation").length + " operations";
};
const filter = document.getElementById("filter");
filter.addEventListener("input", () => {
  const needle = filter.value.trim().toLowerCase();
  for (const operation of Array.from(root.querySelectorAll(".operation"))) operation.hidden = needle !== "" && !(operation.dataset.search ?? "").includes(needle);
});
fetch("openapi.json").then((response) => {
  if (!response.ok) throw new Error("openapi.json answered " + response.status);
  return response.json();
}).then(render).catch((error) => {
  status.textContent = "Could not load openapi.json: " + (error instanceof Error ? error.message : String(error));
});
})();
`;
