/**
 * DOM building without innerHTML: every piece of data becomes a text node or a property, so it
 * is escaped by construction.
 */

/** What {@link h} and {@link append} accept as children. */
export type Child = Node | string | number | null | undefined | false | Child[];

/** Element properties: `on<event>` handlers, `className`, `value`, `checked`, or attributes. */
export type Props = Record<string, string | number | boolean | null | undefined | ((event: Event) => unknown)>;

/** Creates an element with properties and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, children?: Child): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") node.addEventListener(name.slice(2), value);
    else if (name === "className") node.className = String(value);
    // An input's default value, so form.reset() returns to it; a select takes its current value.
    else if (name === "value" && node instanceof HTMLInputElement) node.defaultValue = String(value);
    else if (name === "value" && (node instanceof HTMLSelectElement || node instanceof HTMLTextAreaElement)) node.value = String(value);
    else if (name === "checked" && node instanceof HTMLInputElement) node.defaultChecked = node.checked = true;
    else if (name === "selected" && node instanceof HTMLOptionElement) node.defaultSelected = node.selected = true;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

/** Appends children (nested arrays allowed; null, undefined and false skipped). */
export function append(node: Node, children: Child): void {
  if (children === null || children === undefined || children === false) return;
  if (Array.isArray(children)) for (const child of children) append(node, child);
  else if (children instanceof Node) node.appendChild(children);
  else node.appendChild(document.createTextNode(String(children)));
}

/** Removes every child; returns the node. */
export function clear<T extends Node>(node: T): T {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** Replaces the children. */
export function replace(node: Node, children: Child): void {
  append(clear(node), children);
}

/** The element with this id, which the shell guarantees. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T | null {
  return document.getElementById(id) as T | null;
}
