import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** Escapes one value for COPY's text format; `null` becomes `\N`. */
export function copyValue(value: string | number | boolean | null): string {
  if (value === null) return '\\N';
  return String(value).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/**
 * Streams rows into `table` with COPY on the given client (inside the caller's transaction).
 * Rows are pre-joined lines of {@link copyValue}s separated by tabs, without the newline.
 *
 * PostgreSQL refuses COPY FROM into a table under row-level security, so the rows are copied
 * into a temporary table of these columns and inserted from there: the insert is checked by the
 * table's policy like any other.
 */
export async function copyRows(
  client: pg.PoolClient | pg.Client,
  table: string,
  columns: string[],
  lines: Iterable<string>,
): Promise<void> {
  const quoted = columns.map((c) => `"${c}"`).join(', ');
  const staging = `"copy_${table.replace(/\W/g, '_')}"`;
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS ${staging} ON COMMIT DROP AS SELECT ${quoted} FROM ${table} WITH NO DATA`);
  const stream = client.query(copyFrom(`COPY ${staging} (${quoted}) FROM STDIN`));
  function* chunks() {
    let buffer = '';
    for (const line of lines) {
      buffer += line + '\n';
      if (buffer.length > 1 << 20) {
        yield buffer;
        buffer = '';
      }
    }
    if (buffer) yield buffer;
  }
  await pipeline(Readable.from(chunks()), stream);
  await client.query(`INSERT INTO ${table} (${quoted}) SELECT ${quoted} FROM ${staging}`);
  await client.query(`TRUNCATE ${staging}`);
}
