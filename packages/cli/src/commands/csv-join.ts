import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

/** Another CSV's rows by the value of one column, to add to the rows of the main file (`--join file:column`). */
export interface Join {
  column: string;
  rows: Map<string, Record<string, string>>;
}

/** Join keys are ids: `12.0` in one file finds `12` in the other (unless --keep-id-format). */
export async function loadJoin(spec: string, asId: (text: string) => string): Promise<Join> {
  const at = spec.lastIndexOf(':');
  if (at <= 0) throw new Error(`--join takes file:column; got "${spec}"`);
  const file = spec.slice(0, at);
  const column = spec.slice(at + 1);
  const rows = new Map<string, Record<string, string>>();
  for await (const record of createReadStream(file).pipe(parse({ columns: true, skip_empty_lines: true, bom: true }))) {
    const row = record as Record<string, string>;
    if (!(column in row)) throw new Error(`--join: column "${column}" is not in ${file}`);
    rows.set(asId(row[column]!), row);
  }
  return { column, rows };
}

/** A row with the columns of each join's matching row added (the row's own columns win). */
export function joinedRow(record: Record<string, string>, joins: readonly Join[], asId: (text: string) => string): Record<string, string> {
  const values = { ...record };
  for (const join of joins) {
    const match = join.rows.get(asId(record[join.column] ?? ''));
    if (match) for (const [k, v] of Object.entries(match)) if (!(k in values)) values[k] = v;
  }
  return values;
}
