import type { ImportRow } from './row-to-message.js';

/** The types a CSV column can hold; every non-empty cell of the column becomes a value of it. */
export const columnTypes = ['string', 'number', 'boolean', 'datetime'] as const;
export type ColumnType = (typeof columnTypes)[number];

const decimal = /^-?(0|[1-9]\d*)(\.\d+)?$/;
// A forced number also takes what spreadsheets write for numbers: leading zeros, a plus sign, exponents.
const forcedNumber = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const boolean = /^(true|false)$/i;
const isoTime = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parses a CSV time; a time without a zone is taken as UTC, so imports do not depend on the machine. */
export function parseCsvTime(text: string): Date | undefined {
  const value = text.trim();
  if (value === '') return undefined;
  const zoneless = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(value);
  const date = new Date(zoneless ? `${value.replace(' ', 'T')}${value.length === 10 ? 'T00:00:00' : ''}Z` : value);
  if (Number.isNaN(date.getTime())) return undefined;
  // Other formats (a spreadsheet's `12/1/2010 8:26`) parse as the machine's local time: move them to UTC.
  return zoneless || namesZone.test(value) ? date : new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
}

const namesZone = /(Z|[+-]\d{2}:?\d{2}|\b(GMT|UTC)\b.*|\([A-Za-z ]+\))$/i;

/** The type one cell's text reads as on its own (ISO 8601 only for times, so "12" is never a date). */
function typeOfText(value: string): ColumnType {
  if (decimal.test(value)) return 'number';
  if (boolean.test(value)) return 'boolean';
  if (isoTime.test(value) && parseCsvTime(value)) return 'datetime';
  return 'string';
}

/**
 * Infers each column's type from all of its values, in one streaming pass with one state per column:
 * a column is a number, boolean or datetime only if every non-empty cell is one, and widens to string
 * at the first cell that is not (`536365` … `C536379` is a string column).
 */
export class ColumnTypeInference {
  readonly #types = new Map<string, ColumnType>();

  see(values: Record<string, string>): void {
    for (const [column, text] of Object.entries(values)) {
      const known = this.#types.get(column);
      if (known === 'string') continue;
      const value = text.trim();
      if (value === '') continue;
      const type = typeOfText(value);
      this.#types.set(column, known === undefined || known === type ? type : 'string');
    }
  }

  /** Column to type; a column with no non-empty cell has none (its cells are left out anyway). */
  types(): Record<string, ColumnType> {
    return Object.fromEntries(this.#types);
  }
}

/** Reads every row once and infers the type of each column (a first pass before `importRows`). */
export async function inferColumnTypes(
  rows: AsyncIterable<ImportRow> | Iterable<ImportRow>,
  onRow?: (row: ImportRow) => void,
): Promise<Record<string, ColumnType>> {
  const inference = new ColumnTypeInference();
  for await (const row of rows) {
    inference.see(row.values);
    onRow?.(row);
  }
  return inference.types();
}

export type CellResult = { ok: true; value: unknown } | { ok: false; problem: string };

/** One cell as a value of its column's type; an empty cell is no value. */
export function coerceTypedCell(text: string, type: ColumnType): CellResult {
  const value = text.trim();
  if (value === '') return { ok: true, value: undefined };
  switch (type) {
    case 'string':
      return { ok: true, value };
    case 'number':
      return forcedNumber.test(value) ? { ok: true, value: Number(value) } : { ok: false, problem: 'a number' };
    case 'boolean':
      return boolean.test(value) ? { ok: true, value: value.toLowerCase() === 'true' } : { ok: false, problem: 'a boolean' };
    case 'datetime': {
      const time = parseCsvTime(value);
      return time ? { ok: true, value: time.toISOString() } : { ok: false, problem: 'a date' };
    }
  }
}
