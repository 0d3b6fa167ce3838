/**
 * CSV (RFC 4180) for exports opened in spreadsheets. A cell that starts with `=`, `+`, `-`, `@`,
 * a tab or a carriage return would be read as a formula by Excel, LibreOffice or Sheets (CSV
 * injection), so such text is prefixed with a single quote (numbers are written as they are); every cell is quoted when it holds a quote,
 * a comma or a line break.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell's text. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  let text = typeof value === "string" ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line, CRLF-terminated as RFC 4180 writes it (exports that stream or cap their size build line by line). */
export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

/** The whole document: a header row, then one line per row. */
export function csvText(header: readonly string[], rows: Iterable<readonly unknown[]>): string {
  let text = csvLine(header);
  for (const row of rows) text += csvLine(row);
  return text;
}
