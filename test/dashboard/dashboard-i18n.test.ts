/**
 * The dashboard's two dictionaries stay in step, and the browser modules show no text of their
 * own: every user-visible string literal goes through the dictionaries. The scan reads the
 * modules with the TypeScript parser and flags literals that read like words for people.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { matchLocale } from "../../lib/dashboard/browser/i18n";
import { en } from "../../lib/dashboard/browser/messages-en";
import { zhCN } from "../../lib/dashboard/browser/messages-zh";

const BROWSER_ROOT = join(import.meta.dirname, "../../lib/dashboard/browser");
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

/** Keys whose Chinese text may equal the English one: product names, units and codes. */
const SAME_IN_BOTH = new Set(["login.heading", "usage.p50p95", "logs.http", "audit.ip", "alerts.url", "alerts.format.slack", "alerts.webhooks"]);

/**
 * Literals shown as they are on purpose: each language's own name in the language switch, and
 * the placeholders of inputs that show the expected shape of a value.
 */
const SHOWN_AS_IS = new Set(["English", "简体中文", "sk-…", "https://…", "client.update"]);

function browserFiles(directory = BROWSER_ROOT): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return browserFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.startsWith("messages-") ? [path] : [];
  });
}

/** Calls whose first argument is a message key or a code, not text. */
const KEY_FUNCTIONS = new Set(["t", "messageFor", "hasMessage", "registerView", "getItem", "setItem", "removeItem", "getAttribute", "setAttribute", "getPropertyValue", "addEventListener", "querySelector", "querySelectorAll", "getElementById", "byId", "createElement", "h", "api", "download", "saveCsv", "get", "set", "namedItem", "setRouteParams", "startsWith", "includes", "split", "replace", "padStart", "join"]);

/** Properties whose values are for the browser, not for people (class lists, HTTP headers). */
const TECHNICAL_PROPERTIES = new Set(["className", "authorization", "accept", "content-type"]);

/** True when the literal is (part of) a class list or header value: walks up through conditionals and templates. */
function isTechnicalValue(node: ts.Node): boolean {
  let current: ts.Node = node;
  while (ts.isConditionalExpression(current.parent) || ts.isBinaryExpression(current.parent) || ts.isParenthesizedExpression(current.parent) || ts.isTemplateSpan(current.parent) || ts.isTemplateExpression(current.parent)) current = current.parent;
  const parent = current.parent;
  const nameOf = (name: ts.PropertyName | ts.BindingName) => (ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : "");
  if (ts.isPropertyAssignment(parent) && TECHNICAL_PROPERTIES.has(nameOf(parent.name))) return true;
  if (ts.isParameter(parent) && TECHNICAL_PROPERTIES.has(nameOf(parent.name))) return true;
  // actionButton(label, action, className)
  return ts.isCallExpression(parent) && ts.isIdentifier(parent.expression) && parent.expression.text === "actionButton" && parent.arguments[2] === current;
}

function looksLikeProse(text: string): boolean {
  const trimmed = text.trim();
  if (!trimmed || SHOWN_AS_IS.has(trimmed)) return false;
  // Two words, or a capitalised word: how text for people starts. CJK anywhere is text too.
  return /[A-Za-z]{2,}\s+[A-Za-z]{2,}/.test(trimmed) || /^[A-Z][a-z]{2,}/.test(trimmed) || /[\u4e00-\u9fff]/.test(trimmed);
}

function findProse(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
    // Types are not shown; the first argument of t(), h(), api() … is a key, a tag or a path.
    if (ts.isTypeNode(node)) return;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      const parent = node.parent;
      const call = ts.isCallExpression(parent) ? parent : ts.isTemplateExpression(parent) && ts.isCallExpression(parent.parent) ? parent.parent : undefined;
      const callee = call ? (ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : ts.isIdentifier(call.expression) ? call.expression.text : "") : "";
      const isFirstArgument = call !== undefined && call.arguments[0] === (ts.isTemplateExpression(parent) ? parent : node);
      const isPropertyName = (ts.isPropertyAssignment(parent) && parent.name === node) || ts.isElementAccessExpression(parent);
      const isComparison = ts.isBinaryExpression(parent) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken].includes(parent.operatorToken.kind);
      if (!(isFirstArgument && KEY_FUNCTIONS.has(callee)) && !isPropertyName && !isComparison && !isTechnicalValue(node) && looksLikeProse(node.text)) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        found.push(`${relative(BROWSER_ROOT, file)}:${line + 1}: ${JSON.stringify(node.text)}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("dashboard dictionaries", () => {
  it("have the same keys, each with text and the same placeholders", () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en) as Array<[keyof typeof en, string]>) {
      expect(text.trim(), key).not.toBe("");
      expect(zhCN[key].trim(), key).not.toBe("");
      expect(placeholders(zhCN[key]), key).toEqual(placeholders(text));
    }
  });

  it("translate every text but product names and codes", () => {
    const untranslated = (Object.keys(en) as Array<keyof typeof en>).filter((key) => zhCN[key] === en[key] && !SAME_IN_BOTH.has(key));
    expect(untranslated).toEqual([]);
  });

  it("pick the language from the browser's list, English when none matches", () => {
    expect(matchLocale(["zh-TW", "en"])).toBe("zh-CN");
    expect(matchLocale(["de-DE", "en-GB"])).toBe("en");
    expect(matchLocale(["zh"])).toBe("zh-CN");
    expect(matchLocale(["fr"])).toBe("en");
  });
});

describe("dashboard modules", () => {
  it("show no text of their own: every string for people comes from the dictionaries", () => {
    const files = browserFiles();
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap(findProse)).toEqual([]);
  });
});
