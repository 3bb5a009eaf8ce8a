/** First characters that make a spreadsheet read a cell as a formula (OWASP's list). */
const formulaStarts = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * One CSV cell (RFC 4180), safe to open in a spreadsheet: text starting like a formula is
 * prefixed with `'` and quoted; text with a comma, quote or line break is quoted, quotes doubled.
 * Numbers are written as numbers (`-5` is a value, not a formula); dates as ISO-8601; objects
 * and arrays as JSON text; missing values as an empty cell.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return String(value);
  const text = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : JSON.stringify(value);
  if (formulaStarts.has(text.charAt(0))) return quote(`'${text}`);
  return /[",\r\n]/.test(text) ? quote(text) : text;
}

function quote(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** A CSV line of cells, ending with CRLF as RFC 4180 says. */
export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
